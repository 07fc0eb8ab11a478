"""Parameters of an index build: k, the feature weights and exact or approximate neighbours, validated, with
settings as defaults."""

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.conf import settings

from catalog.models import AUDIO_FEATURES
from recommender.errors import RebuildError

MAX_K = 200
MAX_PROBES = 4096


@dataclass(frozen=True)
class IndexParams:
    k: int = 50
    audio_weight: float = 1.0
    genre_weight: float = 0.5
    popularity_weight: float = 0.0
    # Weights of single audio features inside the audio block; absent features weigh 1.
    feature_weights: dict = field(default_factory=dict)
    genre_max_terms: int = 256
    # Approximate neighbours (recommender/approximate.py): k-means lists (0: about one per 256 tracks) and how
    # many of them each track searches. Both are 0 in an exact build.
    approximate: bool = False
    nlist: int = 0
    nprobe: int = 0

    @classmethod
    def from_settings(cls, **overrides: Any) -> "IndexParams":
        """Defaults from settings, with ``overrides`` (None values ignored) applied and validated."""
        params = cls(
            k=settings.RECOMMENDER_DEFAULT_K,
            audio_weight=settings.RECOMMENDER_AUDIO_WEIGHT,
            genre_weight=settings.RECOMMENDER_GENRE_WEIGHT,
            popularity_weight=settings.RECOMMENDER_POPULARITY_WEIGHT,
            feature_weights=dict(settings.RECOMMENDER_FEATURE_WEIGHTS),
            genre_max_terms=settings.RECOMMENDER_GENRE_MAX_TERMS,
            approximate=settings.RECOMMENDER_APPROXIMATE,
            nlist=settings.RECOMMENDER_APPROXIMATE_NLIST,
            nprobe=settings.RECOMMENDER_APPROXIMATE_NPROBE,
        )
        changes = {key: value for key, value in overrides.items() if value is not None}
        if "feature_weights" in changes:
            changes["feature_weights"] = {**params.feature_weights, **changes["feature_weights"]}
        return replace(params, **changes).validated()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IndexParams":
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)

    def validated(self) -> "IndexParams":
        """Return self with feature weights completed, or raise RebuildError naming the bad value."""
        if not _whole(self.k) or not 1 <= self.k <= MAX_K:
            raise RebuildError(f"k must be a whole number between 1 and {MAX_K}, got {self.k!r}")
        for name in ("audio_weight", "genre_weight", "popularity_weight"):
            _check_weight(name, getattr(self, name))
        if self.audio_weight == 0 and self.genre_weight == 0 and self.popularity_weight == 0:
            raise RebuildError("at least one of the audio, genre and popularity weights must be positive")
        unknown = sorted(set(self.feature_weights) - set(AUDIO_FEATURES))
        if unknown:
            raise RebuildError(f"unknown audio feature(s) {', '.join(unknown)}; "
                               f"expected some of {', '.join(AUDIO_FEATURES)}")
        weights = {name: float(self.feature_weights.get(name, 1.0)) for name in AUDIO_FEATURES}
        for name, weight in weights.items():
            _check_weight(f"weight of {name}", weight)
        if self.audio_weight > 0 and not any(weights.values()):
            raise RebuildError("every audio feature weight is 0; set audio_weight to 0 instead")
        if not 1 <= self.genre_max_terms <= 10_000:
            raise RebuildError(f"genre_max_terms must be between 1 and 10000, got {self.genre_max_terms}")
        if not self.approximate:
            return replace(self, feature_weights=weights, approximate=False, nlist=0, nprobe=0)
        if not _whole(self.nprobe) or not 1 <= self.nprobe <= MAX_PROBES:
            raise RebuildError(f"nprobe must be a whole number between 1 and {MAX_PROBES}, got {self.nprobe!r}")
        if not _whole(self.nlist) or self.nlist < 0:
            raise RebuildError(f"nlist must be a whole number ≥ 0 (0: one list per 256 tracks), got {self.nlist!r}")
        return replace(self, feature_weights=weights, approximate=True)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def mlflow_params(self) -> dict[str, Any]:
        """Flat string-able parameters for MLflow (one per weight)."""
        flat = {key: value for key, value in self.as_dict().items() if key != "feature_weights"}
        flat.update({f"weight_{name}": weight for name, weight in self.feature_weights.items()})
        return flat


def _check_weight(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise RebuildError(f"{name} must be a number ≥ 0, got {value!r}")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
