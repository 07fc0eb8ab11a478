"""Typo-tolerant fuzzy search over "artists – title" and album names, held in memory per process.

Two stages keep a query fast at 100k+ tracks: an IDF-weighted, length-normalised character-trigram inverted
index picks about a hundred candidates (a typo breaks only the trigrams it touches), then rapidfuzz ranks just
those: WRatio against "artists title", "lead artist title" and the album, the title alone as a whole, ties
broken by the closest whole string and then popularity. Below MIN_SCORE there are no matches. The score a hit
shows a person (``SearchHit.shown``) mixes in that closeness, so hits that all contain the query ("norah jones")
no longer read alike.
Queries shorter than three characters have no trigrams: they match titles and artist names by prefix, the most
popular first.
The index is rebuilt lazily when the catalog revision changes, so every web process sees edits, imports and
crawls on its next query without a restart.
"""

import threading
import unicodedata
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import CountVectorizer

from songrec.lib.errors import DomainError
from songrec.lib.process_cache import ProcessCacheDict

from .models import CatalogRevision, Track, TrackArtist
from .songs import first_of_each_song, song_of

# Album matches count a little less than artist/title matches.
ALBUM_WEIGHT = 0.9
# Below this nothing is shown ("no matches"). Set from bench/bench_search_quality.py on the real dataset, midway
# between the best score of 200 nonsense queries (81: a partial album match) and the lowest score of an intended
# song among ~380 real queries (85.5: a title typed half-way).
MIN_SCORE = 83
# How many trigram candidates are scored. On the real dataset 100 already found every benchmark query's song and
# 60 lost three; 120 ranks the same top hits as 200 did (only ties at the bottom of the top 5 differ) for 30 % less.
CANDIDATES = 120
# BM25's length normalisation of the candidate score: a long "artists title album" shares many trigrams by chance.
LENGTH_K1, LENGTH_B = 1.2, 0.75
# Trigrams in more than this share of the catalog ("the", "ove") pick candidates only when the query has no rarer.
COMMON_SHARE = 0.02
# The shown score: WRatio (how well the query is found in the track) mixed with this share of the closeness of
# the whole strings, so "norah jones" → "Norah Jones – Sunrise" reads closer than "… – Come Away With Me".
CLOSENESS_SHARE = 0.3
# Queries up to this long are matched by prefix (a trigram index has nothing to go on).
SHORT_QUERY = 2


class QueryError(DomainError, ValueError):
    """The query can't be searched (too long)."""

    field = "q"


def normalize(text):
    """Fold case, width and accents; keep Hangul (decomposed to jamo so one typo costs one jamo)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return utils.default_process(stripped)


@dataclass
class SearchHit:
    track_id: int
    score: float  # how well the query is found in the track (WRatio), what a match is accepted on
    # What a person is shown: the score mixed with the closeness of the whole strings, never above the hit ranked
    # before it, so hits that all contain the query don't read alike.
    shown: float = 0.0


class SearchIndex:
    """What one process searches: per track its "artists title" key, "lead artist title", title and album."""

    def __init__(self, revision, *, track_ids, keys, albums, popularity, songs, leads=None, titles=None):
        self.revision = revision
        self.track_ids = track_ids
        # Releases of one song share a song (catalog.songs); results show the best-ranked one only.
        self.songs = songs
        self.keys = keys
        # A query usually names one artist, or none: those variants score it as closely as the full key would.
        self.leads = leads if leads is not None else keys
        self.titles = titles if titles is not None else keys
        self.albums = albums
        # Object arrays: picking a hundred candidates' strings is one fancy-index, not a Python loop.
        self._strings = {name: np.array(values, dtype=object) for name, values in
                         (("keys", keys), ("leads", self.leads), ("titles", self.titles), ("albums", albums))}
        # Only multi-artist tracks have a lead variant different from the key.
        self.has_lead = np.fromiter((lead is not key for lead, key in zip(self.leads, keys, strict=True)),
                                    dtype=bool, count=len(keys))
        self.popularity = np.asarray(popularity, dtype=np.int16)
        self.vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False, binary=True,
                                          dtype=np.float32)
        documents = [f"{key} {album}" for key, album in zip(keys, albums, strict=True)]
        if documents:
            postings = self.vectorizer.fit_transform(documents)
            lengths = np.diff(postings.indptr).astype(np.float32)
            self.length_factor = (LENGTH_K1 + 1) / (
                LENGTH_K1 * (1 - LENGTH_B + LENGTH_B * lengths / max(1.0, float(lengths.mean()))) + 1)
            postings = postings.tocsc()
            self.analyzer, self.vocabulary = self.vectorizer.build_analyzer(), self.vectorizer.vocabulary_
            self.document_frequency = np.diff(postings.indptr)
            self.idf = np.log((1 + len(documents)) / (1 + self.document_frequency)).astype(np.float32) + 1
            self.postings = postings
        else:
            self.postings = None
        self._prefix_lock = threading.Lock()
        self._prefix_orders = None  # built on the first short query: positions sorted by title and by key

    @classmethod
    def build(cls, revision):
        names = {}
        for track_id, artist_name in TrackArtist.objects.filter(track__in=Track.objects.visible()).order_by(
                "track_id", "position").values_list("track_id", "artist__name"):
            names.setdefault(track_id, []).append(artist_name)
        rows = Track.objects.visible().order_by().values_list("id", "name", "album__name", "popularity", "song_key")
        return cls.from_rows(revision, ((track_id, names.get(track_id, []), name, album, popularity, key)
                                        for track_id, name, album, popularity, key in rows.iterator(chunk_size=20000)))

    @classmethod
    def from_rows(cls, revision, rows):
        """An index over (track id, artist names, title, album name, popularity, song key) rows."""
        track_ids, keys, leads, titles, albums, popularity, songs = [], [], [], [], [], [], []
        for track_id, artist_names, name, album, pop, key in rows:
            track_ids.append(track_id)
            title = normalize(name)
            keys.append(normalize(f"{' '.join(artist_names)} {name}"))
            leads.append(normalize(f"{artist_names[0]} {name}") if len(artist_names) > 1 else keys[-1])
            titles.append(title)
            albums.append(normalize(album or ""))
            popularity.append(pop or 0)
            songs.append(song_of(track_id, key))
        return cls(revision, track_ids=track_ids, keys=keys, albums=albums, popularity=popularity, songs=songs,
                   leads=leads, titles=titles)

    def candidates(self, query):
        """Positions of the tracks sharing the most (rare) trigrams with the query, shorter documents first."""
        columns = np.fromiter({self.vocabulary[gram] for gram in self.analyzer(query) if gram in self.vocabulary},
                              dtype=np.int64)
        if not len(columns):
            return np.empty(0, dtype=np.int64)
        rare = columns[self.document_frequency[columns] <= COMMON_SHARE * len(self.track_ids)]
        if len(rare):
            columns = rare
        indptr, rows = self.postings.indptr, self.postings.indices
        hits = np.concatenate([rows[indptr[column]:indptr[column + 1]] for column in columns])
        weights = np.repeat(self.idf[columns], indptr[columns + 1] - indptr[columns])
        # Summing per distinct hit costs less than a catalog-sized bincount and a scan for its non-zeros.
        documents, which = np.unique(hits, return_inverse=True)
        scores = np.bincount(which, weights=weights) * self.length_factor[documents]
        if len(documents) > CANDIDATES:
            return documents[np.argpartition(scores, -CANDIDATES)[-CANDIDATES:]]
        return documents

    def _sorted_positions(self):
        with self._prefix_lock:
            if self._prefix_orders is None:
                self._prefix_orders = {name: np.argsort(self._strings[name], kind="stable")
                                       for name in ("titles", "keys")}
            return self._prefix_orders

    def prefix_search(self, query, limit):
        """Tracks whose title or (lead) artist name starts with the short ``query``, most popular first.

        The score is the share of the matched name the query spells (so a title "A" is an exact match, "All of Me"
        a loose one) and never below-threshold noise: every hit starts with what was typed.
        """
        found = []
        for name, order in self._sorted_positions().items():
            strings = self._strings[name][order]
            low = np.searchsorted(strings, query, side="left")
            high = np.searchsorted(strings, query + "\uffff", side="left")
            found.append(order[low:high])
        positions = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
        if not len(positions):
            return []
        if len(positions) > 8 * limit:
            positions = positions[np.argpartition(-self.popularity[positions], 8 * limit)[:8 * limit]]
        titles = self._strings["titles"][positions]
        exact = np.fromiter((title == query for title in titles), dtype=bool, count=len(positions))
        order = np.lexsort((positions, -self.popularity[positions], ~exact))
        ranked = first_of_each_song(positions[order].tolist(), lambda position: self.songs[position], limit=limit)
        hits = []
        for position in ranked:
            score = _prefix_score(query, self.titles[position], self.keys[position])
            hits.append(SearchHit(self.track_ids[position], score, score))
        return hits

    def search(self, query, limit):
        query = normalize(query)
        if not query or self.postings is None:
            return []
        if len(query) <= SHORT_QUERY:
            return self.prefix_search(query, limit)
        positions = self.candidates(query)
        if not len(positions):
            return []
        keys, titles, albums = (self._strings[name][positions] for name in ("keys", "titles", "albums"))
        # One C call per variant instead of a Python call per candidate; with a score cutoff rapidfuzz skips most
        # of the work for strings that can't reach MIN_SCORE (below it a score reads 0). A title alone must match
        # as a whole (WRatio's partial match would let any short title inside a long query score 90).
        scores = np.maximum(_scores(query, keys, fuzz.WRatio, MIN_SCORE),
                            _scores(query, titles, fuzz.token_sort_ratio, MIN_SCORE))
        np.maximum(scores, _scores(query, albums, fuzz.WRatio, MIN_SCORE / ALBUM_WEIGHT) * ALBUM_WEIGHT, out=scores)
        multi = self.has_lead[positions]
        if multi.any():
            scores[multi] = np.maximum(scores[multi],
                                       _scores(query, self._strings["leads"][positions[multi]], fuzz.WRatio, MIN_SCORE))
        keep = np.flatnonzero(scores >= MIN_SCORE)
        if not len(keep):
            return []
        positions, scores = positions[keep], scores[keep]
        # WRatio ties often (any key holding every query word scores alike): the closest whole string, then
        # popularity, breaks them.
        closeness = _scores(query, keys[keep], fuzz.ratio)
        multi = multi[keep]
        if multi.any():
            closeness[multi] = np.maximum(closeness[multi],
                                          _scores(query, self._strings["leads"][positions[multi]], fuzz.ratio))
        order = np.lexsort((-self.popularity[positions], -closeness, -scores))
        shown = (1 - CLOSENESS_SHARE) * scores + CLOSENESS_SHARE * closeness
        ranked = first_of_each_song(zip(scores[order].tolist(), shown[order].tolist(), positions[order].tolist(),
                                        strict=True), lambda item: self.songs[item[2]], limit=limit)
        hits, ceiling = [], 100.0
        for score, mixed, position in ranked:
            # Never more than the hit above it: the list reads best first even where WRatio and closeness disagree.
            ceiling = min(ceiling, mixed)
            hits.append(SearchHit(self.track_ids[position], round(score, 1), round(ceiling, 1)))
        return hits


def _prefix_score(query, title, key):
    """How much of the name it starts is the short query: 100 for the whole title, less the longer the name."""
    name = title if title.startswith(query) else key.split(" ", 1)[0] if key.startswith(query) else key
    return round(100.0 * len(query) / max(len(query), len(name)), 1)


def _scores(query, strings, scorer, cutoff=None):
    return process.cdist([query], strings.tolist(), scorer=scorer, dtype=np.float32, workers=1,
                         score_cutoff=cutoff)[0]


_lock = threading.Lock()  # one thread builds the index; the others wait for it
_indexes = ProcessCacheDict(keep=1)  # catalog revision → SearchIndex


def get_index():
    """Return this process's index, rebuilding it if the catalog changed since it was built."""
    revision = CatalogRevision.served()
    return _indexes.get_or_load(revision, lambda: SearchIndex.build(revision), _lock)


def warm_search_index() -> str:
    """Build the current revision's search index now (a server's warm-up, songrec.lib.warmup); says its size."""
    return f"search index of {len(get_index().track_ids)} tracks"


def search_tracks(query, limit=20):
    """Return up to ``limit`` SearchHits for ``query``, best first; hidden tracks never appear."""
    query = (query or "").strip()
    if len(query) > settings.SEARCH_MAX_QUERY_LENGTH:
        raise QueryError(f"query is longer than {settings.SEARCH_MAX_QUERY_LENGTH} characters")
    if not query:
        return []
    return get_index().search(query, limit)
