"""The collaborative model's files and how "For you" reads them.

A trained model is four arrays under ``RECOMMENDER_INDEX_DIR/personal/<model id>/``: ``user_ids.npy`` (sorted),
``user_factors.npy``, ``track_ids.npy`` (sorted) and ``item_factors.npy``. Web processes load the active model
once and cache it (with its mapping onto the active index version's positions).
"""

import shutil
from pathlib import Path

import numpy as np
from django.conf import settings

from recommender import storage
from songrec.lib.process_cache import ProcessCacheDict

from .models import PersonalModel

_models = ProcessCacheDict(keep=1)  # the active model's factors (see process_cache for the rule)


def model_directory(model_id):
    return Path(settings.RECOMMENDER_INDEX_DIR) / "personal" / str(model_id)


def save_factors(model_id, user_ids, user_factors, track_ids, *, item_factors):
    final = model_directory(model_id)
    temporary = final.with_name(f"{model_id}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    np.save(temporary / "user_ids.npy", np.asarray(user_ids, dtype=np.int64))
    np.save(temporary / "user_factors.npy", np.asarray(user_factors, dtype=np.float32))
    np.save(temporary / "track_ids.npy", np.asarray(track_ids, dtype=np.int64))
    np.save(temporary / "item_factors.npy", np.asarray(item_factors, dtype=np.float32))
    shutil.rmtree(final, ignore_errors=True)
    temporary.rename(final)
    return final


def remove_factors(model_id):
    shutil.rmtree(model_directory(model_id), ignore_errors=True)


class ModelData:
    def __init__(self, model_id):
        directory = model_directory(model_id)
        self.user_ids = np.load(directory / "user_ids.npy")
        self.user_factors = np.load(directory / "user_factors.npy", mmap_mode="r")
        self.track_ids = np.load(directory / "track_ids.npy")
        self.item_factors = np.load(directory / "item_factors.npy")
        self._positions = {}

    def user_row(self, user_id):
        row = int(np.searchsorted(self.user_ids, user_id))
        return row if row < len(self.user_ids) and self.user_ids[row] == user_id else None

    def index_positions(self, version_id):
        """Each model item's position in the index version (-1 when absent), computed once per version."""
        positions = self._positions.get(version_id)
        if positions is None:
            positions = storage.version_data(version_id).positions(self.track_ids)
            self._positions = {version_id: positions}
        return positions


def active_model():
    return PersonalModel.objects.filter(status=PersonalModel.Status.ACTIVE).first()


def model_data(model):
    data = _models.get(model.pk)
    if data is None:
        if not (model_directory(model.pk) / "item_factors.npy").is_file():
            return None
        data = _models.put(model.pk, ModelData(model.pk))
    return data


def forget_model_data():
    """Drop the loaded model (after training a new one, whose id may be reused once the old files are gone)."""
    _models.forget()


def usable_model():
    """The active PersonalModel when it was trained on at least PERSONAL_MIN_LISTENERS listeners, else None."""
    model = active_model()
    return model if model is not None and model.n_listeners >= settings.PERSONAL_MIN_LISTENERS else None


def scores_for(user_id, version, model):
    """(``model``, scores per index position scaled to at most 1) when ``model`` (from usable_model) knows this
    listener, else (None, None)."""
    if model is None:
        return None, None
    data = model_data(model)
    row = None if data is None else data.user_row(user_id)
    if row is None:
        return None, None
    raw = data.item_factors @ np.asarray(data.user_factors[row])
    return model, spread_onto_index(raw, data.index_positions(version.pk), len(storage.version_data(version.pk)))


def spread_onto_index(raw, positions, size):
    """Model-item scores → one value per index position, divided by the best (so ≤ 1), negatives as 0."""
    scores = np.zeros(size, dtype=np.float64)
    present = positions >= 0
    top = float(raw.max()) if len(raw) else 0.0
    if top > 0:
        scores[positions[present]] = np.maximum(raw[present], 0.0) / top
    return scores
