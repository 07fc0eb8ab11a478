"""Match imported playlist entries to catalog tracks: by Spotify id, then by artist + title, fuzzily.

Three passes, cheapest first, each only over what the previous left: the Spotify id (one query); the exact song
(``catalog.songs.song_key`` of the title and the artists, one indexed query: most files name songs exactly); then
the catalog's fuzzy search for "artist title", whose best few hits are scored on title and artists separately,
so a song by the same artist with a similar name, or a cover, is not taken for it: both must reach
``PLAYLIST_MATCH_MIN_SCORE``. At most ``PLAYLIST_IMPORT_MAX_SEARCHES`` entries are searched per import (a search
costs milliseconds; ten thousand unknown names would hold a request for a minute); the rest are reported
unmatched, saying so. Hidden tracks are never matched.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from rapidfuzz import fuzz

from catalog.models import Track, TrackArtist
from catalog.search import normalize, search_tracks
from catalog.songs import song_key

from .readers import Entry

BY_ID, BY_SONG, BY_NAME = "spotify_id", "song", "name"
# How many of the search's best hits are scored against the entry.
SEARCH_HITS = 5
# "A, B", "A & B", "A feat. B": how files join several artists into one creator.
ARTIST_SEPARATORS = re.compile(r"\s*(?:,|;|&|\bfeat\.?|\bft\.?|\bfeaturing\b)\s*", re.IGNORECASE)


@dataclass
class Match:
    track_id: int | None
    how: str = ""
    reason: str = ""


def match_entries(entries: list[Entry]) -> list[Match]:
    """One ``Match`` per entry, in order; ``track_id`` None (with a ``reason``) when nothing matched."""
    matches = [Match(None) for _ in entries]
    by_id = _visible_by_spotify_id({entry.spotify_id for entry in entries if entry.spotify_id})
    for entry, match in zip(entries, matches, strict=True):
        if entry.spotify_id in by_id:
            match.track_id, match.how = by_id[entry.spotify_id], BY_ID
    left = [(entry, match) for entry, match in zip(entries, matches, strict=True)
            if match.track_id is None and entry.title]
    by_song = _visible_by_song({key for entry, _ in left for key in _song_keys(entry)})
    for entry, match in left:
        track_id = next((by_song[key] for key in _song_keys(entry) if key in by_song), None)
        if track_id is not None:
            match.track_id, match.how = track_id, BY_SONG
    left = [(entry, match) for entry, match in left if match.track_id is None]
    budget = settings.PLAYLIST_IMPORT_MAX_SEARCHES
    for entry, match in left[:budget]:
        match.track_id = best_name_match(entry.artist_text, entry.title)
        match.how = BY_NAME if match.track_id is not None else ""
        match.reason = "" if match.track_id is not None else "no track in the catalog has this artist and title"
    for _, match in left[budget:]:
        match.reason = f"not searched: only the first {budget:,} tracks without an exact match are searched by name"
    for entry, match in zip(entries, matches, strict=True):
        if match.track_id is None and not match.reason:
            match.reason = ("unknown Spotify id and no title to search" if entry.spotify_id
                            else "no Spotify id and no title")
    return matches


def _visible_by_spotify_id(spotify_ids):
    return dict(Track.objects.visible().filter(spotify_id__in=list(spotify_ids)).values_list("spotify_id", "pk"))


def _song_keys(entry: Entry) -> list[str]:
    """The songs an entry may name: its artists as given, and split where files join several into one string."""
    keys = [song_key(entry.title, entry.artists)]
    split = [name for text in entry.artists for name in ARTIST_SEPARATORS.split(text) if name]
    if split != entry.artists:
        keys.append(song_key(entry.title, split))
    return [key for key in keys if key]


def _visible_by_song(keys):
    """song key → the most popular visible track of that song."""
    found: dict[str, int] = {}
    rows = (Track.objects.visible().filter(song_key__in=list(keys)).order_by("song_key", "-popularity", "pk")
            .values_list("song_key", "pk"))
    for key, pk in rows:
        found.setdefault(key, pk)
    return found


def best_name_match(artist: str, title: str) -> int | None:
    """The visible track whose title and artists both resemble these, or None below ``PLAYLIST_MATCH_MIN_SCORE``.

    With no artist the title alone must match (at the same bar), which only a distinctive title passes.
    """
    if not title.strip():
        return None
    query = f"{artist} {title}".strip()[:settings.SEARCH_MAX_QUERY_LENGTH]
    hits = search_tracks(query, limit=SEARCH_HITS)
    if not hits:
        return None
    names = _names([hit.track_id for hit in hits])
    wanted_title, wanted_artist = normalize(title), normalize(artist)
    best, best_score = None, settings.PLAYLIST_MATCH_MIN_SCORE
    for hit in hits:
        hit_title, hit_artists = names.get(hit.track_id, ("", ""))
        title_score = fuzz.token_sort_ratio(wanted_title, hit_title)
        artist_score = fuzz.token_set_ratio(wanted_artist, hit_artists) if wanted_artist else title_score
        score = min(title_score, artist_score)
        if score >= best_score and (best is None or score > best_score):
            best, best_score = hit.track_id, score
    return best


def _names(track_ids):
    """track id → (normalised title, normalised artist names joined)."""
    artists: dict[int, list[str]] = {}
    for track_id, name in (TrackArtist.objects.filter(track_id__in=track_ids).order_by("track_id", "position")
                           .values_list("track_id", "artist__name")):
        artists.setdefault(track_id, []).append(name)
    return {pk: (normalize(name), normalize(" ".join(artists.get(pk, []))))
            for pk, name in Track.objects.filter(pk__in=track_ids).values_list("pk", "name")}
