"""Which rows of an index version may be shown right now: a boolean array per version and catalog revision.

Checking a ranking's few hundred candidates with an ``IN`` query cost ~11 ms of a "For you" request
(profiled). Every write that can hide, unhide or delete a track bumps the catalog revision (the admin's hide
action, the ORM signals, the importer and the crawler), so the visible rows of a version can be read once per
process and revision — one query of every visible id, ~90k integers — and each request then costs one read of
the revision number and a NumPy lookup. The revision is read before the ids: a change committed in between is
already in the array and only makes the next request read it again, never the other way round.
"""


import numpy as np

from catalog.models import CatalogRevision, Track
from recommender import storage
from songrec.lib.process_cache import ProcessCacheDict

from .ranking import visible_track_ids

_rows = ProcessCacheDict(keep=storage.CACHED_VERSIONS)  # version id → VisibleRows (checked against data, revision)


class VisibleRows:
    """``mask[position]`` says whether the version's track at ``position`` exists and is not hidden."""

    def __init__(self, data, revision, mask):
        self.data = data
        self.revision = revision
        self.mask = mask

    def allowed_ids(self, track_ids):
        """The subset of ``track_ids`` that may be shown (the ``visible_track_ids`` contract, without a query
        for ids of this version; an id outside it is looked up in the database)."""
        track_ids = np.asarray([int(track_id) for track_id in track_ids], dtype=np.int64)
        positions = self.data.positions(track_ids)
        inside = positions >= 0
        allowed = {int(track_id) for track_id in track_ids[inside][self.mask[positions[inside]]]}
        if not inside.all():
            allowed |= visible_track_ids(track_ids[~inside])
        return allowed


def visible_rows(version_id):
    """The VisibleRows of a version at the current catalog revision (one query; more after a catalog write)."""
    data = storage.version_data(version_id)
    revision = CatalogRevision.served()
    cached = _rows.get(version_id)
    if cached is not None and cached.data is data and cached.revision == revision:
        return cached
    ids = np.fromiter(Track.objects.visible().values_list("pk", flat=True).order_by(), dtype=np.int64)
    return _rows.put(version_id, VisibleRows(data, revision, np.isin(data.track_ids, ids)))
