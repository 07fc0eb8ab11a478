"""On the real catalog: a night's crawl (2,400 new tracks) and 500 hides, updated incrementally, equal a rebuild
with the same frozen pipeline. Everything happens inside the test's rolled-back transaction.

"Equal": every track's stored list has the same track ids in the same order, and the same float32 scores, as a
full rebuild's — the first k distinct songs of the exact ranking (float64 keys, ties by lower track id). The
real catalog has groups of tracks with identical vectors larger than the kernel's float32 margin, so this
holds only because both paths recompute exactly the rows such a tie may have decided (recommender/exact_topk.py).
"""

import random
from pathlib import Path

import joblib
import numpy as np
import pytest

from catalog.dataset_finder import SHARED_DATA
from catalog.importers import read_tracks
from catalog.models import Track
from catalog.upsert import upsert_tracks
from recommender.index import incremental
from recommender.index.features import load_catalog
from recommender.models import IndexVersion, NeighborList

pytestmark = pytest.mark.django_db
TIDYTUESDAY = SHARED_DATA / "tidytuesday" / "spotify_songs.csv.gz"


def new_tracks_from_tidytuesday(count):
    """``count`` TidyTuesday songs the catalog doesn't have yet: real features, real genre labels."""
    if not Path(TIDYTUESDAY).is_file():
        pytest.fail(f"{TIDYTUESDAY} is missing")
    records = list(read_tracks(TIDYTUESDAY).records.values())
    known = set(Track.objects.filter(spotify_id__in=[record.spotify_id for record in records])
                .values_list("spotify_id", flat=True))
    fresh = random.Random(14).sample([record for record in records if record.spotify_id not in known], count)
    for record in fresh:
        # TidyTuesday has no time signature; the crawl fills it the same way (RECCOBEATS_DEFAULT_TIME_SIGNATURE).
        record.features.setdefault("time_signature", 4)
        if record.features["time_signature"] is None:
            record.features["time_signature"] = 4
    return fresh


def test_an_update_with_2400_new_and_500_hidden_tracks_equals_a_rebuild_with_the_frozen_pipeline(real_catalog):
    base = real_catalog.version
    assert IndexVersion.objects.get(status=IndexVersion.Status.ACTIVE) == base
    visible = list(Track.objects.filter(hidden=False).order_by("id").values_list("id", flat=True))
    hidden = random.Random(500).sample(visible, 500)
    upsert_tracks(new_tracks_from_tidytuesday(2400))
    Track.objects.filter(pk__in=hidden).update(hidden=True)

    result = incremental.update_index()

    version = result.version
    assert result.activated and version.status == IndexVersion.Status.ACTIVE
    table = load_catalog()
    assert version.n_tracks == len(table)
    assert len(np.setdiff1d(table.track_ids, incremental.storage.version_data(base.pk).track_ids)) == 2400
    pipeline = joblib.load(base.directory / "pipeline.joblib")
    expected = incremental.frozen_rebuild(table, pipeline, base.k)
    hidden_ids = np.array(hidden, dtype=np.int64)
    for metric, reference in expected.items():
        stored = {track_id: (np.frombuffer(bytes(ids), dtype=np.int64), np.frombuffer(bytes(scores), dtype=np.float32))
                  for track_id, ids, scores in NeighborList.objects.filter(version=version, metric=metric)
                  .values_list("track_id", "neighbor_ids", "scores")}
        assert len(stored) == len(table)
        differing = []
        for row, track_id in enumerate(table.track_ids.tolist()):
            length = int((reference.indices[row] >= 0).sum())
            ids, scores = stored[track_id]
            if not (np.array_equal(ids, table.track_ids[reference.indices[row, :length]])
                    and np.array_equal(scores, reference.scores[row, :length])):
                differing.append(track_id)
        assert not differing, f"{metric}: {len(differing)} lists differ from the frozen rebuild, e.g. {differing[:3]}"
        assert not any(np.isin(ids, hidden_ids).any() for ids, _scores in stored.values())
