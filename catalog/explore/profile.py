"""The catalog profile: per-feature distributions, missing cells, correlations and catalog make-up.

``load_frame`` reads the visible catalog once into arrays; ``compute_profile`` summarises all of it or one
genre's tracks into a JSON-able dict (what the cache, the page and the API serve).
"""

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction

from ..models import AUDIO_FEATURES, CatalogRevision, Genre, Track, TrackArtist, TrackGenre

# Features counted per integer value rather than binned.
DISCRETE_FEATURES = ("key", "mode", "time_signature")
UNIT_FEATURES = ("danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence")
# The correlation matrices also show how popularity and length relate to the sound.
CORRELATED = (*AUDIO_FEATURES, "popularity", "duration_ms")
HISTOGRAM_BINS = 20
TOP_GENRES = 30
TOP_ARTISTS = 20
POPULARITY_EDGES = list(range(0, 101, 10))


@dataclass
class ProfileFrame:
    """The visible catalog as arrays, rows in ascending track id order."""

    track_ids: np.ndarray  # int64
    values: pd.DataFrame  # float64, one column per CORRELATED name, NaN where missing
    explicit: np.ndarray  # bool
    genre_names: list  # genre number → name
    genre_owner: np.ndarray  # row of each (track, genre) pair
    genre_index: np.ndarray  # genre number of each pair
    artist_names: list
    artist_owner: np.ndarray  # row of each credit
    artist_index: np.ndarray
    revision: int

    def __len__(self):
        return len(self.track_ids)

    def genre_mask(self, genre):
        """Rows of tracks labelled ``genre`` (an unknown genre selects nothing)."""
        mask = np.zeros(len(self), dtype=bool)
        if genre in self.genre_names:
            mask[self.genre_owner[self.genre_index == self.genre_names.index(genre)]] = True
        return mask


def _pairs(queryset, rows):
    """(row of each pair, number of each distinct name, the names) from (track_id, name) pairs."""
    owners, names, numbers = [], [], {}
    for track_id, name in queryset.iterator(chunk_size=20_000):
        owners.append(track_id)
        names.append(numbers.setdefault(name, len(numbers)))
    owner_rows = np.searchsorted(rows, np.asarray(owners, dtype=np.int64))
    return owner_rows, np.asarray(names, dtype=np.int64), list(numbers)


def load_frame():
    """Read every visible track's values, genres and credited artists in one consistent snapshot."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        revision = CatalogRevision.current()
        visible = Track.objects.visible()
        rows = list(visible.order_by("id").values_list("id", "explicit", *CORRELATED).iterator(chunk_size=20_000))
        track_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        genre_owner, genre_index, genre_names = _pairs(
            TrackGenre.objects.filter(track__hidden=False).values_list("track_id", "genre__name"), track_ids)
        artist_owner, artist_index, artist_names = _pairs(
            TrackArtist.objects.filter(track__hidden=False).values_list("track_id", "artist__name"), track_ids)
    values = pd.DataFrame([row[2:] for row in rows], columns=list(CORRELATED), dtype=np.float64)
    explicit = np.fromiter((bool(row[1]) for row in rows), dtype=bool, count=len(rows))
    return ProfileFrame(track_ids, values, explicit, genre_names, genre_owner, genre_index, artist_names,
                        artist_owner, artist_index, revision)


def _histogram(column, name):
    present = column[~np.isnan(column)]
    if name in DISCRETE_FEATURES:
        if not len(present):
            return {"kind": "discrete", "values": [], "counts": []}
        values, counts = np.unique(present.astype(np.int64), return_counts=True)
        return {"kind": "discrete", "values": values.tolist(), "counts": counts.tolist()}
    if name in UNIT_FEATURES:
        low, high = 0.0, 1.0
    elif len(present):
        low, high = float(np.floor(present.min())), float(np.ceil(present.max()))
    else:
        low, high = 0.0, 1.0
    counts, edges = np.histogram(present, bins=HISTOGRAM_BINS, range=(low, max(high, low + 1e-9)))
    return {"kind": "binned", "edges": [round(float(edge), 6) for edge in edges], "counts": counts.tolist()}


def feature_summary(column, name):
    """Missing count, range, centre and histogram of one feature column (float64 with NaN for missing)."""
    present = column[~np.isnan(column)]
    stats = {"name": name, "count": int(len(present)), "missing": int(len(column) - len(present))}
    if len(present):
        stats.update(min=float(present.min()), max=float(present.max()), mean=float(present.mean()),
                     median=float(np.median(present)), std=float(present.std()))
    else:
        stats.update(min=None, max=None, mean=None, median=None, std=None)
    stats["histogram"] = _histogram(column, name)
    return stats


def correlation_matrix(values, method):
    """Pairwise-complete correlation matrix (``method`` "pearson" or "spearman"); None where undefined."""
    matrix = values.corr(method=method, min_periods=3).to_numpy()
    return [[None if not np.isfinite(cell) else round(float(cell), 6) for cell in row] for row in matrix]


def _top_counts(owner, index, names, mask, *, top):
    counts = np.bincount(index[mask[owner]], minlength=len(names)) if len(owner) else np.zeros(0, np.int64)
    order = np.lexsort((np.arange(len(counts)), -counts))[:top]
    return [{"name": names[number], "count": int(counts[number])} for number in order if counts[number] > 0]


def compute_profile(frame, genre=None):
    """The profile of the whole frame, or of the tracks labelled ``genre``."""
    started = time.perf_counter()
    mask = frame.genre_mask(genre) if genre else np.ones(len(frame), dtype=bool)
    values = frame.values[mask]
    popularity = values["popularity"].to_numpy()
    present_popularity = popularity[~np.isnan(popularity)]
    explicit = frame.explicit[mask]
    genre_counts = (np.bincount(frame.genre_index[mask[frame.genre_owner]], minlength=len(frame.genre_names))
                    if len(frame.genre_owner) else np.zeros(0))
    profile = {
        "revision": frame.revision,
        "genre": genre,
        "tracks": int(mask.sum()),
        "features": [feature_summary(values[name].to_numpy(), name) for name in AUDIO_FEATURES],
        "correlations": {
            "columns": list(CORRELATED),
            "pearson": correlation_matrix(values, "pearson"),
            "spearman": correlation_matrix(values, "spearman"),
        },
        "genres": _top_counts(frame.genre_owner, frame.genre_index, frame.genre_names, mask, top=TOP_GENRES),
        "genre_count": int(np.count_nonzero(genre_counts)),
        "artists": _top_counts(frame.artist_owner, frame.artist_index, frame.artist_names, mask, top=TOP_ARTISTS),
        "explicit": {"explicit": int(explicit.sum()), "clean": int(len(explicit) - explicit.sum())},
        "popularity": {
            "missing": int(len(popularity) - len(present_popularity)),
            "edges": POPULARITY_EDGES,
            "counts": np.histogram(present_popularity, bins=POPULARITY_EDGES)[0].tolist(),
            "mean": float(present_popularity.mean()) if len(present_popularity) else None,
        },
    }
    profile["seconds"] = round(time.perf_counter() - started, 4)
    return profile


def genre_choices():
    """Names of the genres visible tracks carry, alphabetically (for the page's filter)."""
    return list(Genre.objects.filter(tracks__hidden=False).distinct().order_by("name").values_list("name", flat=True))
