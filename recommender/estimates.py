"""The served index's estimates of a track's missing audio features, offered to the catalog's track page and API.

A feature counts as estimated when the track is in the active index version with that value missing there
(the version's pipeline filled it) and it is still missing from the catalog; the value is the one the pipeline
used. A track outside the index, a feature filled in since the build, or no index at all: nothing estimated.
"""

import numpy as np

from catalog.models import AUDIO_FEATURES, Track

from .active_version import active_version
from .errors import IndexFilesMissing
from .index.features import ATTRIBUTES
from .storage import version_data


def index_estimates(track: Track) -> dict[str, float]:
    """{feature: value the active index used} for the track's missing features it filled (catalog estimator)."""
    missing = [name for name in AUDIO_FEATURES if getattr(track, name) is None]
    version = active_version() if missing else None
    if version is None:
        return {}
    try:
        data = version_data(version.pk)
    except IndexFilesMissing:
        return {}  # the page still renders; the similar panel says what is wrong
    position = data.position(track.pk)
    fill = data.estimated_values if position is not None else None
    if fill is None:
        return {}
    row = data.attributes[position]
    return {name: fill[name] for name in missing if np.isnan(row[ATTRIBUTES.index(name)])}
