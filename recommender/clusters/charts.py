"""Geometry for the cluster page's SVG: a cluster's mean features against the catalog's."""

from dataclasses import dataclass

from catalog.feature_display import LOUDNESS_RANGE, TEMPO_RANGE, UNIT_FEATURES

PROFILE_FEATURES = (*UNIT_FEATURES, "loudness", "tempo")
RANGES = {"loudness": LOUDNESS_RANGE, "tempo": TEMPO_RANGE}


@dataclass
class ProfileRow:
    name: str
    y: int
    cluster_width: float
    catalog_width: float
    cluster_value: float
    catalog_value: float


def _share(name, value):
    low, high = RANGES.get(name, (0.0, 1.0))
    return max(0.0, min(1.0, (value - low) / (high - low)))


def feature_profile(cluster_means, catalog_means, width=300, row_height=26):
    """Paired bars per feature: the cluster's mean (top) and the catalog's (below), on a common scale."""
    return [ProfileRow(name, index * row_height, round(_share(name, cluster_means[name]) * width, 1),
                       round(_share(name, catalog_means[name]) * width, 1), cluster_means[name], catalog_means[name])
            for index, name in enumerate(PROFILE_FEATURES)]
