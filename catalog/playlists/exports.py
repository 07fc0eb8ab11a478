"""What a playlist download holds: one plain dict every export format (``renderers.py``) writes from.

The API view answers ``Response(playlist_export_data(playlist, request))`` when the request asked for one of
``renderers.EXPORT_FORMATS``; the renderers never touch the database, so a format is a pure function of this dict.
"""

from typing import Any

from django.db.models import Prefetch
from rest_framework.request import Request

from catalog.models import Track

from .models import Playlist, PlaylistTrack

SPOTIFY_TRACK_URL = "https://open.spotify.com/track/{}"


def playlist_page_path(playlist: Playlist) -> str:
    return f"/playlists/{playlist.pk}/"


def playlist_export_data(playlist: Playlist, request: Request) -> dict[str, Any]:
    """{id, name, description, owner, url, tracks: [{title, artists, album, spotify_id, duration_ms, url}]}.

    ``owner`` is the listener's username ("" for curated and crawled playlists); ``url`` the playlist's page and
    each track's ``url`` its page here, both absolute; ``spotify_url`` is the track on Spotify. Tracks in order,
    hidden ones included (the playlist is the listener's, whatever curation later hid).
    """
    entries = (PlaylistTrack.objects.filter(playlist=playlist).order_by("position")
               .prefetch_related(Prefetch("track", queryset=Track.objects.with_credits())))
    tracks = []
    for entry in entries:
        track = entry.track
        tracks.append({
            "title": track.name,
            "artists": [artist.name for artist in track.ordered_artists],
            "album": track.album.name if track.album else "",
            "spotify_id": track.spotify_id,
            "duration_ms": track.duration_ms,
            "url": request.build_absolute_uri(track.get_absolute_url()),
            "spotify_url": SPOTIFY_TRACK_URL.format(track.spotify_id),
        })
    return {
        "id": playlist.pk,
        "name": playlist.name,
        "description": playlist.description,
        "owner": playlist.owner.get_username() if playlist.owner else "",
        "url": request.build_absolute_uri(playlist_page_path(playlist)),
        "tracks": tracks,
    }
