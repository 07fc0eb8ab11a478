"""Pages of playlist generation: the song path, the generate form (radio, more like a playlist), refresh, extend."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from catalog.playlists.selectors import listener_playlists
from songrec.lib.errors import DomainError
from songrec.lib.request_params import InvalidQuery, parse_int

from ..request_params import PREFIXES
from . import selectors, services
from .serializers import DEFAULT_LENGTH, DEFAULT_PATH_LENGTH, MAX_LENGTH
from .song_path import MAX_LENGTH as MAX_PATH_LENGTH
from .song_path import MIN_LENGTH as MIN_PATH_LENGTH

TUNABLE = ("energy", "danceability", "valence", "acousticness", "tempo")


def _ids(raw: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))


def song_path_page(request):
    """A form with two track pickers; with both ends given, the path and its steps (and a Save button)."""
    params = request.GET
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    context = {"start": start, "end": end, "length": params.get("length", DEFAULT_PATH_LENGTH),
               "min_length": MIN_PATH_LENGTH, "max_length": MAX_PATH_LENGTH, "path": None, "error": None}
    status = 200
    if start or end:
        try:
            length = parse_int(params.get("length"), "length", default=DEFAULT_PATH_LENGTH, low=MIN_PATH_LENGTH,
                               high=MAX_PATH_LENGTH)
            context["path"] = selectors.path_between(start, end, length)
        except DomainError as error:
            context["error"], status = error.message, error.status_code
    return render(request, "generation/song_path.html", context, status=status)


@login_required
def generate_page(request):
    """Forms for a radio and for more like one of your playlists (POST generates and goes to the playlist)."""
    context = {"playlists": listener_playlists(request.user), "default_length": DEFAULT_LENGTH,
               "max_length": MAX_LENGTH, "tunable": [(name, [prefix + name for prefix in PREFIXES])
                                                      for name in TUNABLE], "error": None, "values": request.POST}
    if request.method != "POST":
        return render(request, "generation/generate.html", context)
    form = request.POST
    kind = form.get("kind", "")
    try:
        params = _form_params(form, kind, context["tunable"])
        length = parse_int(form.get("length"), "length", low=1, high=MAX_LENGTH,
                           default=DEFAULT_PATH_LENGTH if kind == "song_path" else DEFAULT_LENGTH)
        generated = services.generate_playlist(owner=request.user, kind=kind, params=params, length=length,
                                               name=form.get("name", ""))
    except DomainError as error:
        context["error"] = f"{error.field}: {error.message}" if error.field else error.message
        return render(request, "generation/generate.html", context, status=error.status_code)
    return redirect(selectors.playlist_page_url(generated.playlist.pk))


def _form_params(form, kind, tunable):
    """A generate form's fields as the kind's parameters (numbers as numbers, as the API takes them)."""
    if kind == "radio":
        features = {key: _number(form[key], key) for _, keys in tunable for key in keys if form.get(key, "").strip()}
        return {"seed_tracks": _ids(form.get("seed_tracks")), "seed_genres": _ids(form.get("seed_genres")),
                "avoid_tracks": _ids(form.get("avoid_tracks")), "features": features}
    if kind == "continuation":
        return {"playlist": parse_int(form.get("playlist"), "playlist")}
    if kind == "song_path":
        return {"from": form.get("from", ""), "to": form.get("to", "")}
    return {}


def _number(raw: str, field: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise InvalidQuery(field, f"must be a number, got {raw!r}") from None


@require_POST
@login_required
def refresh(request, pk):
    services.refresh_playlist(owner=request.user, playlist_id=pk)
    return redirect(selectors.playlist_page_url(pk))


@require_POST
@login_required
def extend(request, pk):
    count = parse_int(request.POST.get("count"), "count", default=DEFAULT_LENGTH, low=1, high=MAX_LENGTH)
    services.extend_playlist(owner=request.user, playlist_id=pk, count=count)
    return redirect(selectors.playlist_page_url(pk))
