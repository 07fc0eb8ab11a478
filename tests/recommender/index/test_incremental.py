import random
from io import StringIO

import joblib
import numpy as np
import pytest

from catalog.models import Track
from recommender import selectors, storage
from recommender.errors import RebuildError
from recommender.index import incremental
from recommender.index.features import load_catalog
from recommender.index.params import IndexParams
from recommender.index.topk import all_top_k, candidates_for
from recommender.models import IndexVersion, NeighborList
from tests.factories import ArtistFactory, TrackFactory
from tests.recommender.conftest import build

Status = IndexVersion.Status


def stored_lists(version):
    """{metric: {track_id: [neighbour ids]}} as stored for a version."""
    lists = {"cosine": {}, "euclidean": {}}
    for row in NeighborList.objects.filter(version=version):
        lists[row.metric][row.track_id] = np.frombuffer(bytes(row.neighbor_ids), dtype=np.int64).tolist()
    return lists


def frozen_rebuild_lists(version, k):
    """What a full rebuild of today's catalog gives with ``version``'s fitted pipeline, as stored_lists does."""
    table = load_catalog()
    pipeline = joblib.load(version.directory / "pipeline.joblib")
    results = incremental.frozen_rebuild(table, pipeline, k)
    return {metric: {int(track_id): table.track_ids[result.indices[row][result.indices[row] >= 0]].tolist()
                     for row, track_id in enumerate(table.track_ids)} for metric, result in results.items()}


def exact_order(matrix, row, metric):
    """Every other row of ``matrix`` by exact float64 distance to ``row`` (ties: lower position first)."""
    vectors = matrix.astype(np.float64)
    if metric == "cosine":
        norms = np.linalg.norm(vectors, axis=1)
        keys = -(vectors @ vectors[row]) / (norms * norms[row])
    else:
        keys = ((vectors - vectors[row]) ** 2).sum(axis=1)
    order = np.lexsort((np.arange(len(keys)), np.round(keys, 12)))
    return order[order != row]


def add_tracks(count, genre, energy):
    random.seed(count)
    artist = ArtistFactory(name=f"new {genre} artist {Track.objects.count()}")
    return [TrackFactory(name=f"new {genre} {i}", genres=[genre], artists=[artist],
                         energy=min(1.0, max(0.0, random.gauss(energy, 0.05)))) for i in range(count)]


def test_an_update_adds_hides_and_changes_tracks_exactly_as_a_rebuild_with_the_frozen_pipeline(catalog):
    first = build(k=4).version
    added = add_tracks(6, "rock", 0.8) + add_tracks(3, "metal", 0.9)  # "metal" is unknown to the frozen pipeline
    hidden = catalog["rock"][:3] + catalog["jazz"][:1]
    Track.objects.filter(pk__in=[track.pk for track in hidden]).update(hidden=True)
    changed = catalog["k-pop"][0]
    changed.energy = 0.05
    changed.save()

    result = incremental.update_index()

    version = result.version
    assert result.activated and version.status == Status.ACTIVE and version.pk != first.pk
    assert version.n_tracks == 30 + len(added) - len(hidden)
    assert "incremental update of version" in version.message
    assert stored_lists(version) == frozen_rebuild_lists(first, 4)
    hidden_ids = {track.pk for track in hidden}
    for lists in stored_lists(version).values():
        assert not hidden_ids & set(lists)
        assert not any(hidden_ids & set(neighbours) for neighbours in lists.values())
    # The new version keeps the pipeline it was updated with, and it can be updated again.
    assert incremental.lineage(version)["fitted_version"] == first.pk
    Track.objects.filter(pk__in=[track.pk for track in hidden]).update(hidden=False)
    again = incremental.update_index().version
    assert stored_lists(again) == frozen_rebuild_lists(first, 4)


def test_lists_that_lose_most_of_their_neighbours_are_recomputed_against_every_track(catalog):
    first = build(k=2).version
    doomed = catalog["rock"][:8] + catalog["jazz"][:8] + catalog["k-pop"][:5]
    Track.objects.filter(pk__in=[track.pk for track in doomed]).update(hidden=True)
    version = incremental.update_index().version
    assert version.n_tracks == 9
    assert stored_lists(version) == frozen_rebuild_lists(first, 2)


def test_recommendations_come_from_the_updated_version(catalog):
    build(k=4)
    newcomer = add_tracks(1, "jazz", 0.3)[0]
    incremental.update_index()
    assert [item.track_id for item in selectors.recommend("cosine", newcomer, 4)]
    assert storage.read_neighbor_list(selectors.active_version().pk, "cosine", newcomer.pk) is not None


def test_refresh_skips_updates_or_refits(catalog, settings):
    params = IndexParams.from_settings(k=4)
    first = incremental.refresh_index(params)
    assert first.reason.startswith("full rebuild: no active index version")
    assert incremental.refresh_index(params).skipped

    add_tracks(2, "rock", 0.8)
    update = incremental.refresh_index(params)
    assert update.reason == f"incremental update of index version {first.version.pk}"

    add_tracks(2, "jazz", 0.3)
    refit = incremental.refresh_index(IndexParams.from_settings(k=5))
    assert refit.reason == "full rebuild: the parameters changed"

    add_tracks(10, "k-pop", 0.7)
    settings.RECOMMENDER_REFIT_DRIFT = 0.2
    drifted = incremental.refresh_index(IndexParams.from_settings(k=5))
    assert drifted.reason.startswith("incremental update")
    add_tracks(1, "rock", 0.8)
    assert incremental.refresh_index(IndexParams.from_settings(k=5)).reason == (
        "full rebuild: 10 tracks changed since the pipeline was fitted")


def test_an_update_without_an_active_version_is_refused(catalog):
    with pytest.raises(incremental.IncrementalUnavailable, match="no active index version"):
        incremental.update_index()
    assert issubclass(incremental.IncrementalUnavailable, RebuildError)
    assert not IndexVersion.objects.exists()


@pytest.mark.parametrize("step", [
    (incremental, "merged_lists"),  # before anything is stored
    (storage, "write_version_files"),  # while the neighbour lists stream into the database
], ids=["computing", "writing files"])
def test_a_failed_update_leaves_no_lists_and_the_active_version_serving(catalog, monkeypatch, step):
    first = build(k=4).version
    add_tracks(2, "rock", 0.8)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(*step, broken)
    with pytest.raises(OSError, match="disk full"):
        incremental.update_index()
    assert selectors.active_version() == first
    failed = IndexVersion.objects.exclude(pk=first.pk).get()
    assert failed.status == Status.FAILED and "disk full" in failed.message
    assert not NeighborList.objects.filter(version=failed).exists()
    assert NeighborList.objects.filter(version=first).count() == 2 * first.n_tracks


def test_ties_wider_than_the_float32_margin_are_ranked_by_track_id_in_builds_and_updates(catalog):
    # 24 releases of one recording under different titles: identical vectors, one exact tie for every other track.
    artist = ArtistFactory(name="the copies")
    copies = [TrackFactory(name=f"copy {i}", genres=["rock"], artists=[artist], energy=0.5, danceability=0.5,
                           key=5, loudness=-7.0, mode=1, speechiness=0.1, acousticness=0.2, instrumentalness=0.0,
                           liveness=0.1, valence=0.6, tempo=120.0, popularity=50) for i in range(24)]
    first = build(k=4).version  # lists of candidates_for(4) = 28: the tie straddles every list's end
    version_files = storage.version_data(first.pk)
    matrix = np.asarray(version_files.weighted)
    width = candidates_for(4)
    for metric, result in all_top_k(matrix, width).items():
        for row in range(len(matrix)):
            assert result.indices[row].tolist() == exact_order(matrix, row, metric)[:width].tolist()
    Track.objects.filter(pk__in=[copy.pk for copy in copies[:3]]).update(hidden=True)
    add_tracks(4, "rock", 0.5)

    version = incremental.update_index().version

    assert stored_lists(version) == frozen_rebuild_lists(first, 4)


def test_a_track_missing_a_feature_joins_an_update_with_the_frozen_pipeline_s_estimate(catalog):
    first = build(k=4).version
    tidy = TrackFactory(name="no time signature", genres=["rock"], time_signature=None)

    version = incremental.update_index().version

    assert tidy.pk in storage.version_data(version.pk).track_ids
    assert stored_lists(version) == frozen_rebuild_lists(first, 4)


def test_a_pipeline_that_cannot_estimate_gaps_is_not_updated(catalog, monkeypatch):
    build(k=4)
    monkeypatch.setattr(incremental, "estimated_values", lambda pipeline: None)
    with pytest.raises(incremental.IncrementalUnavailable, match="cannot estimate missing features"):
        incremental.update_index()


def test_make_runs_index_step_updates_incrementally_after_a_track_is_hidden_in_the_admin(catalog, admin_client):
    """`make run` builds the index with the Makefile's `index` recipe; after one hide it must not rebuild fully."""
    from pathlib import Path

    from django.core.management import call_command

    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    recipe = makefile.split("\nindex: install\n", 1)[1].splitlines()[0].split("manage.py ", 1)[1].split()
    assert recipe == ["rebuild_index", "--incremental"]

    def make_index():
        out = StringIO()
        call_command(*recipe, "--no-progress", stdout=out)
        return out.getvalue()

    assert "full rebuild: no active index version" in make_index()
    assert make_index().startswith("Nothing to do")  # the second `make run` serves at once
    track = Track.objects.filter(hidden=False).first()
    response = admin_client.post("/admin/catalog/track/", {"action": "hide_tracks", "_selected_action": [track.pk]})
    assert response.status_code == 302 and Track.objects.get(pk=track.pk).hidden
    assert "incremental update of index version" in make_index()
