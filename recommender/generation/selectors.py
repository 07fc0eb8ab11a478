"""Reads of playlist generation: a song path between two tracks named by Spotify id, the kinds on offer."""

from django.urls import reverse

from .kinds import kind_names, path_ends
from .song_path import SongPath, song_path


def path_between(from_spotify_id: str, to_spotify_id: str, length: int) -> SongPath:
    """The song path of ``length`` tracks between two visible tracks; UnknownSeed (404) for an unknown or hidden
    one, UnknownTrack (404) for one not in the index, GenerationError (400) for the same song twice."""
    start, end = path_ends({"from": from_spotify_id, "to": to_spotify_id})
    return song_path(start, end, length)


def playlist_page_url(pk: int) -> str:
    return reverse("playlists:detail", args=[pk])


def available_kinds() -> list[str]:
    return kind_names()
