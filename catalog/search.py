"""Typo-tolerant fuzzy search over "artists – title" and album names, held in memory per process.

The index is rebuilt lazily when the catalog revision changes, so every web process sees edits,
imports and crawls on its next query without a restart.
"""

import threading
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from rapidfuzz import fuzz, process, utils

from .models import CatalogRevision, Track, TrackArtist

# Album matches count a little less than artist/title matches.
ALBUM_WEIGHT = 0.9
MIN_SCORE = 50


class QueryError(ValueError):
    """The query can't be searched (too long)."""


def normalize(text):
    """Fold case, width and accents; keep Hangul (decomposed to jamo so one typo costs one jamo)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return utils.default_process(stripped)


@dataclass
class SearchHit:
    track_id: int
    score: float


class SearchIndex:
    def __init__(self, revision, track_ids, keys, albums, popularity):
        self.revision = revision
        self.track_ids = track_ids
        self.keys = keys
        self.albums = albums
        self.popularity = popularity

    @classmethod
    def build(cls, revision):
        names = {}
        for track_id, artist_name in TrackArtist.objects.filter(track__hidden=False).order_by(
                "track_id", "position").values_list("track_id", "artist__name"):
            names.setdefault(track_id, []).append(artist_name)
        track_ids, keys, albums, popularity = [], [], [], []
        rows = Track.objects.filter(hidden=False).order_by().values_list("id", "name", "album__name", "popularity")
        for track_id, name, album, pop in rows.iterator(chunk_size=20000):
            track_ids.append(track_id)
            keys.append(normalize(f"{' '.join(names.get(track_id, []))} {name}"))
            albums.append(normalize(album or ""))
            popularity.append(pop or 0)
        return cls(revision, track_ids, keys, albums, popularity)

    def search(self, query, limit):
        query = normalize(query)
        if not query:
            return []
        scores = {}
        for position, score, _ in process.extract(
                query, self.keys, scorer=fuzz.WRatio, processor=None, limit=limit * 3, score_cutoff=MIN_SCORE):
            scores[position] = score
        for position, score, _ in process.extract(
                query, self.albums, scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=MIN_SCORE):
            scores[position] = max(scores.get(position, 0), score * ALBUM_WEIGHT)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], -self.popularity[item[0]]))
        return [SearchHit(self.track_ids[position], round(score, 1)) for position, score in ranked[:limit]]


_lock = threading.Lock()
_index = None


def get_index():
    """Return this process's index, rebuilding it if the catalog changed since it was built."""
    global _index
    revision = CatalogRevision.current()
    if _index is None or _index.revision != revision:
        with _lock:
            if _index is None or _index.revision != revision:
                _index = SearchIndex.build(revision)
    return _index


def search_tracks(query, limit=20):
    """Return up to ``limit`` SearchHits for ``query``, best first; hidden tracks never appear."""
    query = (query or "").strip()
    if len(query) > settings.SEARCH_MAX_QUERY_LENGTH:
        raise QueryError(f"query is longer than {settings.SEARCH_MAX_QUERY_LENGTH} characters")
    if not query:
        return []
    return get_index().search(query, limit)
