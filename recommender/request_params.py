"""The recommender's request parameters (system, seeds, feature limits), shared by its pages and API.

Whole numbers (``limit``, ``k``) go through ``songrec.lib.request_params.parse_int``, the parser every app uses.
"""

import math

from catalog.models import VALUE_BOUNDS
from songrec.lib.request_params import InvalidQuery

from .blending import MAX_SEEDS, Constraints
from .index.features import ATTRIBUTES
from .systems import DEFAULT_SYSTEM, SYSTEMS

PREFIXES = ("min_", "max_", "target_")


def parse_system(raw, field="metric", default=DEFAULT_SYSTEM):
    if raw in (None, ""):
        return default
    if raw not in SYSTEMS:
        raise InvalidQuery(field, f"must be one of {', '.join(SYSTEMS)}, got {raw!r}")
    return raw


def parse_seed_ids(raw, field="seed_tracks", required=True):
    """Comma-separated Spotify ids → a de-duplicated list of 1–MAX_SEEDS ids (0 allowed when not ``required``)."""
    ids = list(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    if not ids and required:
        raise InvalidQuery(field, f"give 1 to {MAX_SEEDS} comma-separated Spotify track ids")
    if len(ids) > MAX_SEEDS:
        raise InvalidQuery(field, f"at most {MAX_SEEDS} tracks, got {len(ids)}")
    if any(len(spotify_id) > 64 for spotify_id in ids):
        raise InvalidQuery(field, "a Spotify track id is at most 64 characters")
    return ids


def parse_constraints(params):
    """min_/max_/target_<attribute> parameters → Constraints; unknown attributes and bad values raise."""
    constraints = Constraints()
    buckets = {"min_": constraints.minimums, "max_": constraints.maximums, "target_": constraints.targets}
    for key in params:
        prefix = next((prefix for prefix in PREFIXES if key.startswith(prefix)), None)
        if prefix is None:
            continue
        raw = params.get(key)
        if raw in (None, ""):
            continue
        name = key[len(prefix):]
        if name not in ATTRIBUTES:
            raise InvalidQuery(key, f"{name!r} is not a tunable attribute; use one of {', '.join(ATTRIBUTES)}")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise InvalidQuery(key, f"must be a number, got {raw!r}") from None
        low, high = VALUE_BOUNDS[name]
        if not math.isfinite(value) or not low <= value <= high:
            raise InvalidQuery(key, f"must be between {low} and {high}, got {raw}")
        buckets[prefix][name] = value
    for name, low in constraints.minimums.items():
        high = constraints.maximums.get(name)
        if high is not None and low > high:
            raise InvalidQuery(f"min_{name}", f"min_{name} ({low:g}) is greater than max_{name} ({high:g})")
    return constraints
