"""The feature pipeline: tracks → one float32 vector each, in the space both metrics work in.

Three blocks are stacked with configurable weights (a scikit-learn ColumnTransformer):

* audio: the 12 audio features standardised (StandardScaler), each multiplied by its feature weight and the
  block divided by the root of the summed squared weights, so the block's expected squared norm is 1;
* popularity (optional, off by default): standardised the same way;
* genres: TF-IDF over the track's genre labels, plus the words several labels share, so that "alt-rock"
  and "hard-rock" share "rock", "k-pop" and "j-pop" share "pop"; rows are L2-normalised (norm 1, or 0
  without genres).

so a block's weight is its relative share of a vector's length. The pipeline's last step L2-normalises rows:
cosine similarity is the dot product of those rows. Euclidean distance is measured on the weighted vectors
*before* that step: on unit vectors it would be a monotone function of cosine and give identical lists,
while on the weighted vectors it also respects how far from average a track is (its magnitude).

A track missing a few audio features (TidyTuesday has no time signature; some crawled tracks lack one) is still
indexed: the audio block first fills each gap with the catalog's median (the mode for key, mode and time
signature), learned when the pipeline is fitted and kept in it, so incremental updates and the distributed build
fill with the same values (``estimated_values`` reads them back for the pages that show them as estimated).
Hidden tracks and tracks missing more than ``MAX_ESTIMATED_FEATURES`` are left out.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Case, QuerySet, Value, When
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Normalizer, StandardScaler

from catalog.importers import TrackRecord
from catalog.models import AUDIO_FEATURES, Track, TrackArtist, TrackGenre
from catalog.songs import song_key, song_of
from songrec.lib.sql import fetch_rows

from .params import IndexParams

GENRE_SEPARATOR = "|"
# Words that only glue genre names together ("rock-n-roll", "drum-and-bass").
GENRE_STOP_WORDS = frozenset({"n", "and", "the", "of", "&"})
# Extra per-track values kept beside the vectors for min_/max_/target_ filters (a missing value stays NaN there).
ATTRIBUTES = (*AUDIO_FEATURES, "popularity", "duration_ms")
# A track missing more audio features than this is not indexed: its vector would mostly be the catalog's average.
MAX_ESTIMATED_FEATURES = 3
# Features whose values are categories: a gap gets the commonest value, not a median between categories.
MODAL_FEATURES = ("key", "mode", "time_signature")


def genre_words(genre: str) -> list[str]:
    """The words of one genre name: "alt-rock" → ["alt", "rock"], "drum-and-bass" → ["drum", "bass"]."""
    return [word for word in re.split(r"[-\s/_]+", genre.strip().lower()) if word and word not in GENRE_STOP_WORDS]


class GenreTokens:
    """Analyzer for TF-IDF over '|'-joined genre lists: each whole genre name, plus the words of multi-word
    names that other genre names share ("rock" links "alt-rock" and "hard-rock"; "j" links "j-pop" and
    "j-rock"). A word found in only one genre name would just repeat that name's own token."""

    def __init__(self, shared_words: Iterable[str] = ()) -> None:
        self.shared_words = frozenset(shared_words)

    @classmethod
    def for_genres(cls, genre_names: Iterable[str]) -> Self:
        genre_names = list(genre_names)
        counts = Counter(word for name in set(genre_names) for word in set(genre_words(name))
                         if len(genre_words(name)) > 1 or word != name.strip().lower())
        whole = {name.strip().lower() for name in genre_names}
        return cls(word for word, count in counts.items() if count + (word in whole) >= 2)

    def __call__(self, text: str) -> list[str]:
        tokens = []
        for genre in text.split(GENRE_SEPARATOR):
            genre = genre.strip().lower()
            if not genre:
                continue
            tokens.append(genre)
            tokens.extend(word for word in genre_words(genre) if word in self.shared_words and word != genre)
        return tokens


class WeightedStandardScaler(TransformerMixin, BaseEstimator):
    """Standardise columns, weight them, and scale the block so its expected squared row norm is 1."""

    def __init__(self, weights: Sequence[float] | None = None) -> None:
        self.weights = weights

    def fit(self, X: Any, y: Any = None) -> Self:
        X = np.asarray(X, dtype=np.float64)
        self.scaler_ = StandardScaler().fit(X)
        weights = np.ones(X.shape[1]) if self.weights is None else np.asarray(self.weights, dtype=np.float64)
        # A constant column standardises to 0 everywhere; leaving it in the total would shrink the block.
        weights = np.where(self.scaler_.var_ > 0, weights, 0.0)
        total = math.sqrt(float(np.sum(weights ** 2))) or 1.0
        self.factors_ = weights / total
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        return self.scaler_.transform(np.asarray(X, dtype=np.float64)) * self.factors_

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.asarray(input_features if input_features is not None else
                          [f"x{i}" for i in range(self.n_features_in_)], dtype=object)


class CatalogImputer(TransformerMixin, BaseEstimator):
    """Fill NaN with each column's median over the fitted rows (the mode for ``modal_columns``; 0 for a column
    with no value at all). The values are learned at fit and kept, like a scaler's mean."""

    def __init__(self, modal_columns: Sequence[int] = ()) -> None:
        self.modal_columns = modal_columns

    def fit(self, X: Any, y: Any = None) -> Self:
        X = np.asarray(X, dtype=np.float64)
        fill = np.zeros(X.shape[1])
        for column in range(X.shape[1]):
            known = X[:, column][~np.isnan(X[:, column])]
            if not len(known):
                continue
            if column in self.modal_columns:
                values, counts = np.unique(known, return_counts=True)
                fill[column] = values[np.argmax(counts)]  # ties go to the smallest value
            else:
                fill[column] = float(np.median(known))
        self.fill_values_ = fill
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = np.array(X, dtype=np.float64)
        missing = np.isnan(X)
        if missing.any():
            X[missing] = np.broadcast_to(self.fill_values_, X.shape)[missing]
        return X

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.asarray(input_features if input_features is not None else
                          [f"x{i}" for i in range(self.n_features_in_)], dtype=object)


def estimated_values(pipeline: Pipeline) -> dict[str, float] | None:
    """{audio feature: the value a fitted pipeline fills a gap with}, or None when it cannot fill gaps (no audio
    block, or a pipeline fitted before gaps were estimated)."""
    stack = pipeline.named_steps["stack"]
    audio = stack.named_transformers_.get("audio") if hasattr(stack, "named_transformers_") else None
    imputer = audio.named_steps.get("impute") if isinstance(audio, Pipeline) else None
    if imputer is None:
        return None
    return {name: float(value) for name, value in zip(AUDIO_FEATURES, imputer.fill_values_, strict=True)}


@dataclass
class TrackTable:
    """The indexable catalog as arrays, rows ordered by ascending track id."""

    track_ids: np.ndarray  # int64
    attributes: np.ndarray  # float64, n × len(ATTRIBUTES); popularity/duration may be NaN
    genres: list[list[str]]  # per track, its genre names
    primary_artists: np.ndarray  # int64 first-credited artist id, -1 when uncredited
    # int64 song number: releases of one song (catalog.songs) share one; left out, every row is its own song.
    songs: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def __post_init__(self) -> None:
        if not len(self.songs) and len(self.track_ids):
            self.songs = np.arange(len(self.track_ids), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.track_ids)

    @property
    def audio(self) -> np.ndarray:
        return self.attributes[:, :len(AUDIO_FEATURES)]

    @property
    def popularity(self) -> np.ndarray:
        return self.attributes[:, ATTRIBUTES.index("popularity")]

    def frame(self) -> pd.DataFrame:
        """The DataFrame the pipeline is fitted on."""
        frame = pd.DataFrame(self.audio, columns=list(AUDIO_FEATURES))
        frame["popularity"] = self.popularity
        frame["genre_text"] = [GENRE_SEPARATOR.join(names) for names in self.genres]
        return frame


def indexable_tracks() -> QuerySet[Track]:
    """Visible tracks missing at most ``MAX_ESTIMATED_FEATURES`` audio features (the pipeline estimates those)."""
    missing = sum((Case(When(**{f"{name}__isnull": True}, then=1), default=0) for name in AUDIO_FEATURES),
                  Value(0))
    return Track.objects.visible().alias(missing_features=missing).filter(
        missing_features__lte=MAX_ESTIMATED_FEATURES)


def load_catalog() -> TrackTable:
    """Read every indexable track, its genres and lead artist from the database into a TrackTable.

    The querysets say what is read; their SQL is fetched with plain cursors (one round of rows each), which
    is several times faster than the ORM building tuples row by row at catalog size."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            # One snapshot for the three reads, so genres and artists match the tracks read.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        rows = _fetch(indexable_tracks().order_by("id").values_list("id", *ATTRIBUTES, "song_key"))
        genre_rows = _fetch(TrackGenre.objects.filter(track__in=indexable_tracks())
                            .order_by("track_id", "genre__name").values_list("track_id", "genre__name"))
        artist_rows = _fetch(TrackArtist.objects.filter(track__in=indexable_tracks())
                             .order_by("track_id", "-position").values_list("track_id", "artist_id"))
    track_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    attributes = np.array([row[1:-1] for row in rows], dtype=np.float64).reshape(len(rows), len(ATTRIBUTES))
    genres: dict[int, list[str]] = {}
    for track_id, name in genre_rows:
        genres.setdefault(track_id, []).append(name)
    artists = dict(artist_rows)  # by descending position: the first-credited artist is written last
    return TrackTable(
        track_ids=track_ids,
        attributes=attributes,
        genres=[genres.get(track_id, []) for track_id in track_ids.tolist()],
        primary_artists=np.array([artists.get(track_id, -1) for track_id in track_ids.tolist()], dtype=np.int64),
        songs=song_numbers(song_of(row[0], row[-1]) for row in rows),
    )


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows as plain tuples, without the ORM's per-row conversion (in binary on
    PostgreSQL: songrec.lib.sql)."""
    sql, params = queryset.query.sql_with_params()
    return fetch_rows(sql, params, binary=True)


def song_numbers(songs: Iterable[object]) -> np.ndarray:
    """Number songs (catalog.songs.song_of values) in order of appearance: equal songs, equal numbers."""
    numbers: dict[object, int] = {}
    return np.fromiter((numbers.setdefault(song, len(numbers)) for song in songs), dtype=np.int64)


def table_from_records(records: Iterable[TrackRecord]) -> TrackTable:
    """A TrackTable from catalog.importers TrackRecords (for benchmarks on a CSV, without a database).

    Records get ids 1, 2, … in file order; artists are numbered by name.
    """
    rows: list[list[float]] = []
    genres: list[list[str]] = []
    artists: list[int] = []
    artist_numbers: dict[str, int] = {}
    songs: list[object] = []
    for record in records:
        if sum(record.features.get(name) is None for name in AUDIO_FEATURES) > MAX_ESTIMATED_FEATURES:
            continue
        rows.append([np.nan if record.features.get(name) is None else record.features[name]
                     for name in AUDIO_FEATURES]
                    + [record.popularity if record.popularity is not None else np.nan,
                       record.duration_ms if record.duration_ms is not None else np.nan])
        genres.append(list(record.genres))
        lead = record.artists[0] if record.artists else None
        artists.append(artist_numbers.setdefault(lead, len(artist_numbers)) if lead else -1)
        songs.append(song_of(len(rows), song_key(record.name, record.artists)))
    return TrackTable(np.arange(1, len(rows) + 1, dtype=np.int64), np.array(rows, dtype=np.float64).reshape(
        len(rows), len(ATTRIBUTES)), genres, np.array(artists, dtype=np.int64), song_numbers(songs))


def build_pipeline(params: IndexParams, genre_names: Sequence[str] = ()) -> Pipeline:
    """An unfitted Pipeline: weighted ColumnTransformer stack, then row L2-normalisation.

    ``genre_names``: every genre label in the catalog (decides which genre words become tokens); without
    any, the genre block is left out.
    """
    blocks: list[tuple[str, Any, Any]] = []
    weights: dict[str, float] = {}
    if params.audio_weight > 0:
        feature_weights = [params.feature_weights.get(name, 1.0) for name in AUDIO_FEATURES]
        imputer = CatalogImputer(tuple(AUDIO_FEATURES.index(name) for name in MODAL_FEATURES))
        blocks.append(("audio", Pipeline([("impute", imputer), ("scale", WeightedStandardScaler(feature_weights))]),
                       list(AUDIO_FEATURES)))
        weights["audio"] = params.audio_weight
    if params.popularity_weight > 0:
        # Crawled tracks may lack popularity; they get the median rather than an outlier 0.
        blocks.append(("popularity", make_pipeline(SimpleImputer(strategy="median"), WeightedStandardScaler()),
                       ["popularity"]))
        weights["popularity"] = params.popularity_weight
    if params.genre_weight > 0 and genre_names:
        vectorizer = TfidfVectorizer(analyzer=GenreTokens.for_genres(genre_names), max_features=params.genre_max_terms,
                                     dtype=np.float32)
        blocks.append(("genres", vectorizer, "genre_text"))
        weights["genres"] = params.genre_weight
    stack = ColumnTransformer(blocks, transformer_weights=weights, sparse_threshold=0.0)
    return Pipeline([("stack", stack), ("normalize", Normalizer(norm="l2"))])


@dataclass
class FeatureMatrices:
    weighted: np.ndarray  # float32: the stacked, weighted vectors (euclidean space)
    normalized: np.ndarray  # float32: the same rows L2-normalised (cosine space)
    pipeline: Pipeline
    feature_names: list[str]


def fit_features(table: TrackTable, params: IndexParams) -> FeatureMatrices:
    """Fit the pipeline on ``table`` and return both matrices (float32) and the fitted pipeline."""
    pipeline = build_pipeline(params, sorted({name for names in table.genres for name in names}))
    if not pipeline.named_steps["stack"].transformers:
        raise ValueError("no feature block has a positive weight (genre weight alone needs genre labels)")
    frame = table.frame()
    weighted = np.asarray(pipeline.named_steps["stack"].fit_transform(frame), dtype=np.float32)
    normalized = np.asarray(pipeline.named_steps["normalize"].fit_transform(weighted), dtype=np.float32)
    names = list(pipeline.named_steps["stack"].get_feature_names_out())
    return FeatureMatrices(np.ascontiguousarray(weighted), np.ascontiguousarray(normalized), pipeline, names)
