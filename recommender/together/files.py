"""The together model's files, and the arrays a web process serves from (loaded once per process and model).

A model is ``track_ids.npy`` (sorted), ``item_factors.npy``, ``neighbours.npz`` (CSR, tracks × tracks),
``row_counts.npy``, the artist level when it has one (``credit_tracks.npy``, ``credit_artists.npy``,
``artist_neighbours.npz``) and ``meta.json`` under ``RECOMMENDER_INDEX_DIR/together/<id>/``, written into
``<id>.tmp`` and renamed: a reader finds a whole model or none, and a training that fails leaves no directory behind.
"""

import json
import shutil
import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from scipy import sparse

from recommender import storage
from songrec.lib.blas import one_blas_thread
from songrec.lib.process_cache import ProcessCacheDict

from .fitting import Artists, Fitted, Params

_models = ProcessCacheDict(keep=1)  # model id → ModelData: the active model's files (songrec/lib/process_cache.py)
_lock = threading.Lock()


def model_directory(model_id):
    return Path(settings.RECOMMENDER_INDEX_DIR) / "together" / str(model_id)


def save_model(model_id, fitted, params):
    final = model_directory(model_id)
    temporary = final.with_name(f"{model_id}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        np.save(temporary / "track_ids.npy", np.asarray(fitted.track_ids, dtype=np.int64))
        np.save(temporary / "item_factors.npy", np.asarray(fitted.item_factors, dtype=np.float32))
        np.save(temporary / "row_counts.npy", np.asarray(fitted.row_counts, dtype=np.int32))
        sparse.save_npz(temporary / "neighbours.npz", fitted.neighbours.tocsr(), compressed=False)
        if fitted.artists is not None:
            np.save(temporary / "credit_tracks.npy", np.asarray(fitted.artists.credit_tracks, dtype=np.int64))
            np.save(temporary / "credit_artists.npy", np.asarray(fitted.artists.credit_artists, dtype=np.int32))
            sparse.save_npz(temporary / "artist_neighbours.npz", fitted.artists.neighbours.tocsr(), compressed=False)
        (temporary / "meta.json").write_text(json.dumps({"params": params.as_dict(),
                                                         "fold_in_scale": fitted.fold_in_scale}))
        shutil.rmtree(final, ignore_errors=True)
        temporary.rename(final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return final


def remove_model(model_id):
    shutil.rmtree(model_directory(model_id), ignore_errors=True)
    shutil.rmtree(model_directory(model_id).with_name(f"{model_id}.tmp"), ignore_errors=True)


class ModelData:
    """One model's arrays, with lookups by track id and a fold-in of new rows (implicit's recalculate_user)."""

    def __init__(self, model_id, fitted=None, params=None):
        if fitted is None:
            directory = model_directory(model_id)
            meta = json.loads((directory / "meta.json").read_text())
            params = Params.from_dict(meta["params"])
            artists = None
            if (directory / "artist_neighbours.npz").is_file():
                artists = Artists(np.load(directory / "credit_tracks.npy"), np.load(directory / "credit_artists.npy"),
                                  sparse.load_npz(directory / "artist_neighbours.npz").tocsr())
            fitted = Fitted(np.load(directory / "track_ids.npy"), np.load(directory / "item_factors.npy"),
                            sparse.load_npz(directory / "neighbours.npz").tocsr(),
                            np.load(directory / "row_counts.npy"), float(meta["fold_in_scale"]), artists)
        self.model_id, self.params, self.fitted = model_id, params, fitted
        self.track_ids = fitted.track_ids
        self._positions = {}
        self._artist_positions = {}
        self._als = None
        self._als_lock = threading.Lock()

    def __len__(self):
        return len(self.track_ids)

    def columns(self, track_ids):
        """Each id's column in the model, -1 when the model never saw it."""
        track_ids = np.asarray(track_ids, dtype=np.int64)
        if not len(self.track_ids) or not len(track_ids):
            return np.full(len(track_ids), -1, dtype=np.int64)
        found = np.minimum(np.searchsorted(self.track_ids, track_ids), len(self.track_ids) - 1)
        return np.where(self.track_ids[found] == track_ids, found, -1)

    def index_positions(self, version_id):
        """Each model track's position in the index version (-1 when absent), computed once per version."""
        positions = self._positions.get(version_id)
        if positions is None:
            positions = storage.version_data(version_id).positions(self.track_ids)
            self._positions = {version_id: positions}
        return positions

    def artist_scores(self, version_id, weights):
        """Scores per position of ``version_id`` for a row of {track id: weight} from its tracks' artists: each
        artist's share of the row (divided by the best) plus ``related_artists`` times the artists people put with
        them (likewise), summed over a track's credited artists and divided by the best. None without an artist
        level, or when no track of the row has an artist the model knows."""
        artists = self.fitted.artists
        if artists is None or not weights:
            return None
        ids = np.fromiter(weights, dtype=np.int64, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        starts = np.searchsorted(artists.credit_tracks, ids, side="left")
        counts = np.searchsorted(artists.credit_tracks, ids, side="right") - starts
        if not counts.any():
            return None
        credit = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        mine = np.bincount(artists.credit_artists[credit], weights=np.repeat(values, counts),
                           minlength=artists.neighbours.shape[0])
        related = artists.neighbours.T @ mine if self.params.related_artists > 0 else np.zeros_like(mine)
        by_artist = _unit(mine) + self.params.related_artists * _unit(related)
        scores = np.asarray(self.artist_positions(version_id) @ by_artist).ravel()
        return _unit(scores) if scores.max(initial=0.0) > 0 else None

    def artist_positions(self, version_id):
        """Positions of the index version × artist columns (1 per credit), computed once per version."""
        matrix = self._artist_positions.get(version_id)
        if matrix is None:
            artists = self.fitted.artists
            index = storage.version_data(version_id)
            positions = index.positions(artists.credit_tracks)
            present = positions >= 0
            matrix = sparse.csr_matrix((np.ones(int(present.sum()), dtype=np.float64),
                                        (positions[present], artists.credit_artists[present])),
                                       shape=(len(index), artists.neighbours.shape[0]))
            self._artist_positions = {version_id: matrix}
        return matrix

    def neighbours(self, track_id):
        """(track ids, similarities) the seed was put together with, best first; empty without co-occurrence."""
        column = int(self.columns([track_id])[0])
        if column < 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        row = self.fitted.neighbours[column]
        order = np.lexsort((row.indices, -row.data))
        return self.track_ids[row.indices[order]], row.data[order]

    def fold_in(self, weights):
        """Scores over the model's tracks for a new row of {track id: weight} (a listener's likes and plays, a
        playlist's seeds), from implicit's ``recalculate_user`` against the trained item factors: no retraining.
        None when none of the tracks is in the model."""
        ids = np.fromiter(weights, dtype=np.int64, count=len(weights))
        columns = self.columns(ids)
        known = columns >= 0
        if not known.any():
            return None
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))[known]
        values = values / values.mean() * self.fitted.fold_in_scale  # the training rows' scale
        columns, unique = np.unique(columns[known], return_index=True)
        row = sparse.csr_matrix((values[unique].astype(np.float32), columns, [0, len(columns)]),
                                shape=(1, len(self.track_ids)))
        how = self.params.fold_in
        scores = None
        with one_blas_thread():  # profiled: 28 ms a fold-in at load 12 with OpenBLAS's two threads
            if how in ("als", "both"):
                scores = _unit(self.fitted.item_factors @ self._model().recalculate_user(0, row))
        if how in ("knn", "both"):
            summed = _unit(np.asarray((row @ self.fitted.neighbours).todense()).ravel())
            scores = summed if scores is None else scores + summed
        return scores

    def _model(self):
        with self._als_lock:
            if self._als is None:
                from implicit.cpu.als import AlternatingLeastSquares  # deferred: compiled extension

                params = self.params
                model = AlternatingLeastSquares(factors=params.factors, regularization=params.regularization,
                                                alpha=params.alpha, num_threads=1, random_state=params.random_state)
                model.item_factors = self.fitted.item_factors
                model.YtY  # noqa: B018 - computed once here rather than on a request
                self._als = model
            return self._als


def _unit(scores):
    """Scores divided by the best (left as they are when none is positive)."""
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


def model_data(model_id):
    """The ModelData of a saved model, cached for the process (only the active model's is kept); None when its
    files are gone."""
    data = _models.get(model_id)
    if data is None:
        if not (model_directory(model_id) / "meta.json").is_file():
            return None
        data = _models.get_or_load(model_id, lambda: ModelData(model_id), lock=_lock)
    return data


def forget_model_data(model_id: int) -> None:
    """Drop a model's files from this process (they were removed, or replaced by a newer model's)."""
    _models.pop(model_id)
