"""Playlist pages: your playlists, one playlist (its owner edits it there), and "Add to playlist" beside any track.

Every change is a plain form post that redirects back, so all of it works without JavaScript;
static/playlists/playlists.js does the same through the API without reloading. The access rule is the API's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.models import Track
from songrec.lib.errors import DomainError

from . import editing
from .models import MAX_PLAYLIST_TRACKS, Playlist
from .rows import song_rows
from .selectors import listener_playlists, owned_playlist, playlist_for_viewer, track_id_in_playlist
from .services import create_listener_playlist


def _safe_next(request, fallback: str) -> str:
    """Where a form asked to go back to, but only on this site ("//evil.example/" starts with "/" too)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _pk(text) -> int | None:
    try:
        pk = int(text)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


@login_required
def my_playlists(request):
    form = {"name": "", "description": "", "visibility": Playlist.Visibility.PRIVATE}
    error, status = None, 200
    if request.method == "POST":
        form = {key: request.POST.get(key, default) for key, default in form.items()}
        try:
            playlist = create_listener_playlist(owner=request.user, name=form["name"],
                                                description=form["description"].strip()[:editing.MAX_DESCRIPTION],
                                                visibility=form["visibility"])
        except DomainError as problem:  # shown beside the form, which keeps what was typed
            error, status = problem, 400
        else:
            messages.success(request, f"Made “{playlist.name}”. Add tracks with ＋ beside any track.")
            return redirect(playlist)
    return render(request, "playlists/mine.html", {
        "playlists": listener_playlists(request.user), "form": form, "error": error,
        "visibilities": Playlist.Visibility.choices}, status=status)


SONGS_PER_PAGE = 100


def playlist_detail(request, pk):
    playlist = playlist_for_viewer(request.user, pk)
    rows = song_rows(playlist)
    for index, row in enumerate(rows):  # where "move up / down" sends a row: the place of the row before / after
        row.up_to = rows[index - 1].position if index else None
        row.down_to = rows[index + 1].position if index + 1 < len(rows) else None
    is_owner = request.user.is_authenticated and playlist.owner_id == request.user.pk
    # Songs a page at a time: a 500-track playlist in one page took ~90 ms to render on an idle machine (bench).
    page = Paginator(rows, SONGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "playlists/detail.html", {
        "playlist": playlist, "rows": page.object_list, "page": page, "is_owner": is_owner,
        "track_count": playlist.entries.count(),
        "visibilities": Playlist.Visibility.choices,
        "move_url": reverse("playlists:move", args=[pk]), "remove_url": reverse("playlists:remove", args=[pk])})


@login_required
def add_to_playlist(request):
    """The no-JavaScript path of "Add to playlist": into one of yours, or a new one, then back where you were."""
    if request.method != "POST":
        return redirect("playlists:mine")
    track = Track.objects.visible().filter(spotify_id=request.POST.get("track", "")).first()
    if track is None:
        raise Http404("No such track.")
    back = _safe_next(request, track.get_absolute_url())
    choice = request.POST.get("playlist", "")
    if choice == "new":
        playlist = create_listener_playlist(owner=request.user, name=request.POST.get("name", "") or "New playlist",
                                            track_ids=[track.pk])
        messages.success(request, f"Added “{track.name}” to a new playlist, “{playlist.name}”.")
        return redirect(back)
    pk = _pk(choice)
    if pk is None:
        raise Http404("No such playlist.")
    playlist = owned_playlist(request.user, pk)
    result = editing.add_tracks(playlist, [track.pk])
    if result.added:
        messages.success(request, f"Added “{track.name}” to “{playlist.name}”.")
    else:
        messages.info(request, f"“{track.name}” is already in “{playlist.name}”.")
    return redirect(back)


@login_required
@require_POST
def edit(request, pk):
    playlist = owned_playlist(request.user, pk)
    try:
        editing.update_playlist(playlist, name=request.POST.get("name"), description=request.POST.get("description"),
                                visibility=request.POST.get("visibility"))
    except DomainError as problem:  # the page shows it above the form
        messages.error(request, problem.message)
    else:
        messages.success(request, "Saved.")
    return redirect(playlist)


@login_required
@require_POST
def remove(request, pk):
    playlist = owned_playlist(request.user, pk)
    spotify_id = request.POST.get("track", "")
    editing.remove_track(playlist, track_id_in_playlist(playlist, spotify_id))
    messages.success(request, "Removed.")
    return redirect(playlist)


@login_required
@require_POST
def move(request, pk):
    """Move up / down: the button carries the place of the row before or after (plain forms, so keyboard and
    screen reader users reorder without dragging)."""
    playlist = owned_playlist(request.user, pk)
    spotify_id = request.POST.get("track", "")
    raw = request.POST.get("position", "")
    if not (raw.isascii() and raw.isdigit()):
        raise DomainError("Say where to move the track.", field="position")
    editing.move_track(playlist, track_id_in_playlist(playlist, spotify_id), min(int(raw), MAX_PLAYLIST_TRACKS))
    return redirect(f"{playlist.get_absolute_url()}{_page_query(playlist, spotify_id)}#song-{spotify_id}")


def _page_query(playlist, spotify_id):
    """``?page=n`` of the page showing the song ``spotify_id`` now ("" for the first page)."""
    index = next((index for index, row in enumerate(song_rows(playlist)) if row.track.spotify_id == spotify_id), 0)
    page = index // SONGS_PER_PAGE + 1
    return f"?page={page}" if page > 1 else ""


@login_required
@require_POST
def duplicate(request, pk):
    copy = editing.duplicate_playlist(playlist_for_viewer(request.user, pk), owner=request.user)
    messages.success(request, f"Made a private copy, “{copy.name}”.")
    return redirect(copy)


@login_required
def delete(request, pk):
    playlist = owned_playlist(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "delete":
        editing.delete_playlist(playlist)
        messages.success(request, f"Deleted “{playlist.name}”.")
        return redirect(reverse("playlists:mine"))
    return render(request, "playlists/delete.html", {"playlist": playlist})
