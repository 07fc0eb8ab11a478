from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static

from . import selectors
from .feature_display import describe_key, feature_rows, format_duration
from .feature_estimates import filled_features
from .models import Album, Artist, Track
from .refs import credits_and_genres
from .search import QueryError
from .songs import other_releases
from .track_page import track_page_context


def home(request):
    """Search page: results render server-side for ?q= and update as you type via the JSON API."""
    query = request.GET.get("q", "").strip()
    results, artists, error = [], [], None
    if query:
        try:
            results = selectors.search_results(query, limit=20)
            artists = selectors.matching_artists(query)
        except QueryError as exc:
            error = str(exc)
    context = {
        "query": query,
        "results": results,
        "artists": artists,
        "error": error,
        "max_query_length": settings.SEARCH_MAX_QUERY_LENGTH,
        "track_count": Track.objects.visible().count(),
        "popular": [] if query else selectors.popular_tracks(12),
    }
    return render(request, "catalog/home.html", context, status=400 if error else 200)


def track_detail(request, spotify_id):
    track = get_object_or_404(Track.objects.select_related("album"), spotify_id=spotify_id)
    if track.hidden and not request.user.is_staff:
        raise Http404("This track is hidden.")
    artists, genres = credits_and_genres(track.pk)
    filled = filled_features(track)
    context = {
        "track": track,
        "artists": artists,
        "features": feature_rows(filled.values, filled.estimated),
        "estimated": filled.estimated,
        "key_name": describe_key(filled.values["key"], filled.values["mode"]),
        "key_estimated": "key" in filled.estimated or "mode" in filled.estimated,
        "time_signature": filled.values["time_signature"],
        "meter_estimated": "time_signature" in filled.estimated,
        "duration": format_duration(track.duration_ms),
        "genres": genres,
        "other_releases": list(other_releases(track)),
        **track_page_context(request, track),
    }
    return render(request, "catalog/track_detail.html", context)


def artist_detail(request, pk):
    artist = get_object_or_404(Artist, pk=pk)
    return render(request, "catalog/artist_detail.html", {"artist": artist, "groups": selectors.artist_songs(artist)})


def album_detail(request, pk):
    album = get_object_or_404(Album.objects.select_related("artist"), pk=pk)
    return render(request, "catalog/album_detail.html", {"album": album, "groups": selectors.album_songs(album)})


def favicon(request):
    """The icon's hashed static address, looked up per request: it only exists once collectstatic has run."""
    return redirect(static("songrec/favicon.svg"), permanent=True)
