"""Listener pages: sign-up, My music, For you, history import, cold start, reactions, export and deletion."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.genre_groups import grouped
from catalog.models import Genre, Track
from recommender.errors import RecommenderError
from recommender.generation.selectors import playlist_page_url
from recommender.generation.services import generate_playlist
from songrec.lib.throttles import SignUpThrottle

from . import services
from .api import export_response
from .forms import PicksForm, SignUpForm, UploadForm
from .foryou import for_you
from .imports import UploadRefused, receive_upload
from .models import HistoryImport, Play, Reaction, TastePick

FOR_YOU_SHOWN = 30


def signup(request):
    if request.user.is_authenticated:
        return redirect("personal:start")
    if request.method == "POST" and not SignUpThrottle().allow_request(request, None):
        return render(request, "registration/signup.html", {"form": SignUpForm(), "throttled": True}, status=429)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Pick a few things you like to get started.")
        return redirect("personal:start")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def my_music(request):
    user = request.user
    reactions = (Reaction.objects.filter(user=user).select_related("track")
                 .prefetch_related("track__track_artists__artist").order_by("-updated_at"))
    top_played = (Play.objects.filter(user=user).values("track_id", "track__spotify_id", "track__name").order_by()
                  .annotate(plays=Count("id"), last=Max("played_at")).order_by("-plays", "-last")[:50])
    context = {
        "likes": [r.track for r in reactions if r.value == Reaction.LIKE],
        "dislikes": [r.track for r in reactions if r.value == Reaction.DISLIKE],
        "top_played": top_played,
        "play_count": Play.objects.filter(user=user).count(),
        "picks": TastePick.objects.filter(user=user).select_related("genre", "artist"),
        "imports": HistoryImport.objects.filter(user=user)[:20],
    }
    return render(request, "personal/my_music.html", context)


@login_required
def for_you_page(request):
    try:
        personal, problem = for_you(request.user, limit=FOR_YOU_SHOWN), None
    except RecommenderError as error:
        personal, problem = None, str(error)
    return render(request, "personal/for_you.html", {"personal": personal, "problem": problem},
                  status=503 if problem else 200)


@require_POST
@login_required
def save_for_you(request):
    """"Save as playlist": the For you list as it is now, as a private playlist that refresh brings up to date."""
    generated = generate_playlist(owner=request.user, kind="for_you", params={}, length=FOR_YOU_SHOWN)
    return redirect(playlist_page_url(generated.playlist.pk))


@login_required
def import_history(request):
    form = UploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    status = 200
    if request.method == "POST":
        if getattr(request, "upload_refused", None):
            form.add_error(None, request.upload_refused)
        elif form.is_valid():
            try:
                history_import, repeat = receive_upload(request.user, form.cleaned_data["file"])
            except UploadRefused as error:
                form.add_error("file", str(error))
            else:
                if repeat:
                    messages.info(request, f"{history_import.filename} was already imported: nothing changed.")
                elif history_import.status == HistoryImport.Status.FAILED:
                    form.add_error("file", history_import.message)
                return redirect("personal:import_detail", history_import.pk) if not form.errors else \
                    render(request, "personal/import.html", _import_context(request, form), status=400)
        status = 400
    return render(request, "personal/import.html", _import_context(request, form), status=status)


def _import_context(request, form):
    return {"form": form, "imports": HistoryImport.objects.filter(user=request.user)[:20]}


@login_required
def import_detail(request, pk):
    history_import = get_object_or_404(HistoryImport, pk=pk, user=request.user)
    return render(request, "personal/import_detail.html", {"history_import": history_import})


@login_required
def start(request):
    """Cold start: pick genres, artists or tracks and get a list at once."""
    form = PicksForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_picks(request.user, [g.pk for g in form.cleaned_data["genres"]],
                                [a.pk for a in form.cleaned_data["artists"]], form.cleaned_data["tracks"])
        except services.PickError as error:
            form.add_error(None, str(error))
        else:
            if form.unmatched_text():
                messages.warning(request, f"Saved your other picks. {form.unmatched_text()}")
            return redirect("personal:for_you")
    form.fields["genres"].queryset = Genre.objects.filter(tracks__isnull=False).distinct().order_by("name")
    boxes = {str(box.data["value"]): box for box in form["genres"]}
    families = grouped(form.fields["genres"].queryset, name=lambda genre: genre.name)
    genre_groups = [(family, [boxes[str(genre.pk)] for genre in genres]) for family, genres in families]
    return render(request, "personal/start.html", {"form": form, "genre_groups": genre_groups},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def react(request, spotify_id):
    """The no-JavaScript path of the like/dislike buttons (the script calls the API instead)."""
    track = Track.objects.visible().filter(spotify_id=spotify_id).first()
    if track is None:
        raise Http404("No such track.")
    value = request.POST.get("reaction") or None
    if value not in (None, *Reaction.VALUES):
        messages.error(request, "Unknown reaction.")
    else:
        services.set_reaction(request.user, track, value)
    target = request.META.get("HTTP_REFERER") or track.get_absolute_url()
    # Back where the button was, but only on this site: "//evil.example/" starts with "/" too.
    same_site = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())
    return redirect(target if same_site else track.get_absolute_url())


@login_required
def export(request):
    return export_response(request.user)


@login_required
@require_POST
def delete(request):
    if request.POST.get("confirm") != "delete":
        messages.error(request, "Tick the box to confirm the deletion.")
        return redirect("personal:my_music")
    counts = services.delete_data(request.user)
    messages.success(request, f"Deleted {counts['reactions']} likes/dislikes, {counts['plays']} plays, "
                              f"{counts['picks']} picks, {counts['imports']} imports and "
                              f"{counts['playlists']} playlists"
                              + (", and disconnected Spotify." if counts.get("connections") else "."))
    return redirect("personal:my_music")
