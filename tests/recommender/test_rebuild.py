from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from mlflow.tracking import MlflowClient

from catalog.models import CatalogRevision
from recommender import selectors, services, storage
from recommender.errors import RebuildError, RebuildInProgress
from recommender.index.build_lock import BuildLock
from recommender.index.features import MAX_ESTIMATED_FEATURES
from recommender.index.params import IndexParams
from recommender.models import IndexVersion, NeighborList
from songrec.lib.mlflow_runs import LoggedRun

from .conftest import build

Status = IndexVersion.Status


def test_a_rebuild_creates_an_active_version_with_lists_files_metrics_and_timings(catalog):
    result = build()
    version = result.version
    assert result.activated and version.status == Status.ACTIVE
    assert selectors.active_version() == version
    assert (version.n_tracks, version.k) == (30, 10)
    assert version.params["k"] == 10 and version.params["genre_weight"] == 0.5
    assert version.catalog_revision == CatalogRevision.current()
    assert NeighborList.objects.filter(version=version, metric="cosine").count() == 30
    assert NeighborList.objects.filter(version=version, metric="euclidean").count() == 30
    assert storage.version_files_exist(version.pk)
    for metric in ("cosine", "euclidean"):
        values = version.metrics[metric]
        assert 0 < values["genre_precision_at_10"] <= 1
        assert 0 < values["artist_diversity_at_10"] <= 1
        assert 0 < values["catalog_coverage_at_10"] <= 1
        assert -1 <= values["mean_topk_similarity"] <= 1
    assert version.metrics["euclidean"]["mean_topk_distance"] > 0
    assert {"loading", "features", "neighbours", "storing", "top_k", "total"} <= set(version.timings)
    assert version.progress == 1.0 and version.finished_at is not None


def test_genre_labels_shape_the_neighbours(catalog):
    version = build(genre_weight=3.0).version
    assert version.metrics["cosine"]["genre_precision_at_10"] > 0.8


def test_each_rebuild_is_an_mlflow_run_with_params_metrics_and_the_pipeline(catalog, settings):
    version = build().version
    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    run = client.get_run(version.mlflow_run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["k"] == "10"
    assert run.data.params["metric"] == "cosine,euclidean"
    assert run.data.params["n_tracks"] == "30"
    assert run.data.params["genre_weight"] == "0.5" and run.data.params["weight_key"] == "0.5"
    for name in ("build_seconds", "cosine_mean_topk_similarity", "cosine_genre_precision_at_10",
                 "euclidean_artist_diversity_at_10", "euclidean_catalog_coverage_at_10"):
        assert name in run.data.metrics
    assert {artifact.path for artifact in client.list_artifacts(run.info.run_id)} >= {"pipeline.joblib"}
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.artifact_location.startswith("file://")
    assert settings.MLFLOW_ARTIFACT_ROOT in experiment.artifact_location


def test_an_mlflow_outage_does_not_cost_the_index(catalog, settings, tmp_path):
    (tmp_path / "not-a-dir").write_text("a file where the store's folder should be")
    settings.MLFLOW_TRACKING_URI = f"sqlite:///{tmp_path / 'not-a-dir' / 'mlflow.db'}"
    version = build().version
    assert version.status == Status.ACTIVE
    assert version.mlflow_run_id == ""
    assert "MLflow logging failed" in version.message


def test_a_rebuild_does_not_disturb_the_active_version_until_it_switches(catalog):
    old = build().version
    seed = catalog["rock"][0]
    before = selectors.recommend("cosine", seed, 5)
    seen = []

    def progress(stage, fraction):
        if stage in ("storing", "mlflow") and not seen:
            seen.append((selectors.active_version().pk, selectors.recommend("cosine", seed, 5)))

    services.rebuild_index(IndexParams.from_settings(k=10), progress=progress)
    assert seen == [(old.pk, before)]
    assert selectors.active_version().pk != old.pk


def test_activation_is_one_switch_and_only_one_version_is_ever_active(catalog):
    first = build().version
    second = build().version
    first.refresh_from_db()
    assert first.status == Status.READY and second.status == Status.ACTIVE
    services.activate_version(first)  # roll back
    second.refresh_from_db()
    assert second.status == Status.READY
    assert list(IndexVersion.objects.filter(status=Status.ACTIVE)) == [first]
    with pytest.raises(IntegrityError), transaction.atomic():
        IndexVersion.objects.filter(pk=second.pk).update(status=Status.ACTIVE)


def test_a_failed_rebuild_leaves_the_old_version_serving(catalog, monkeypatch):
    old = build().version
    seed = catalog["jazz"][2]
    expected = selectors.recommend("euclidean", seed, 5)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(storage, "write_neighbor_lists", broken)
    with pytest.raises(OSError, match="disk full"):
        build()
    failed = IndexVersion.objects.exclude(pk=old.pk).get()
    assert failed.status == Status.FAILED and "disk full" in failed.message
    assert not NeighborList.objects.filter(version=failed).exists()
    assert not failed.directory.exists()
    assert selectors.active_version() == old
    assert selectors.recommend("euclidean", seed, 5) == expected


def test_a_building_version_nobody_holds_the_lock_for_is_failed_at_once_despite_a_fresh_heartbeat(catalog):
    old = build().version
    orphan = IndexVersion.objects.create(status=Status.BUILDING, stage="neighbours", progress=0.4,
                                         heartbeat_at=timezone.now())
    orphan.directory.mkdir(parents=True)
    new = build().version
    orphan.refresh_from_db()
    assert orphan.status == Status.FAILED and "builder died" in orphan.message
    assert not orphan.directory.exists()
    assert new.status == Status.ACTIVE and new.pk != old.pk


def test_without_advisory_locks_only_a_stale_heartbeat_counts_as_dead(catalog):
    lock = BuildLock()
    lock.supported = False  # as on SQLite
    fresh = IndexVersion.objects.create(status=Status.BUILDING, heartbeat_at=timezone.now())
    assert services.expire_dead_builds(lock) == []
    IndexVersion.objects.filter(pk=fresh.pk).update(heartbeat_at=timezone.now() - timedelta(hours=2))
    assert services.expire_dead_builds(lock) == [fresh.pk]


def test_a_second_rebuild_while_one_runs_is_refused(catalog, live_builder):
    running = IndexVersion.objects.create(status=Status.BUILDING, stage="neighbours", progress=0.6)
    with pytest.raises(RebuildInProgress, match=f"index version {running.pk}"):
        build()
    assert IndexVersion.objects.count() == 1


def test_old_versions_are_pruned_keeping_the_last_few(catalog, settings):
    settings.RECOMMENDER_KEEP_VERSIONS = 2
    versions = [build().version for _ in range(4)]
    remaining = set(IndexVersion.objects.values_list("pk", flat=True))
    assert remaining == {versions[-1].pk, versions[-2].pk}
    for gone in versions[:2]:
        assert not NeighborList.objects.filter(version_id=gone.pk).exists()
        assert not gone.directory.exists()
    assert versions[-2].directory.exists()


def test_pruning_keeps_the_newest_failure_for_its_message_and_drops_stray_directories(catalog, settings):
    settings.RECOMMENDER_KEEP_VERSIONS = 2
    build()
    old_failure = IndexVersion.objects.create(status=Status.FAILED, message="old")
    new_failure = IndexVersion.objects.create(status=Status.FAILED, message="new")
    stray = settings.RECOMMENDER_INDEX_DIR / "999999.tmp"
    stray.mkdir(parents=True)
    unrelated = settings.RECOMMENDER_INDEX_DIR / "notes"
    unrelated.mkdir()
    services.prune_versions()
    assert not IndexVersion.objects.filter(pk=old_failure.pk).exists()
    assert IndexVersion.objects.filter(pk=new_failure.pk).exists()
    assert not stray.exists() and unrelated.exists()


def test_if_stale_skips_an_up_to_date_index_and_rebuilds_after_catalog_changes(catalog):
    first = build().version
    again = services.rebuild_index(IndexParams.from_settings(k=10), if_stale=True)
    assert again.skipped and again.version == first and "up to date" in again.reason
    changed_params = services.rebuild_index(IndexParams.from_settings(k=12), if_stale=True)
    assert not changed_params.skipped
    catalog["rock"][0].name = "renamed"
    catalog["rock"][0].save()
    after_edit = services.rebuild_index(IndexParams.from_settings(k=12), if_stale=True)
    assert not after_edit.skipped


def test_an_empty_catalog_is_refused_before_any_version_is_created(db):
    with pytest.raises(RebuildError, match="fewer than 2") as refused:
        build()
    # Tracks missing a few features are indexed with estimates: the message says so, not "all audio features".
    assert f"may miss at most {MAX_ESTIMATED_FEATURES}, which the index estimates" in refused.value.message
    assert not IndexVersion.objects.exists()


def test_a_version_can_be_built_without_activating_it(catalog):
    active = build().version
    standby = services.rebuild_index(IndexParams.from_settings(k=10), activate=False).version
    assert standby.status == Status.READY
    assert selectors.active_version() == active


def test_a_build_expired_by_another_process_does_not_come_back_to_life(catalog, monkeypatch):
    def expire_me(version, *args, **kwargs):
        IndexVersion.objects.filter(pk=version.pk).update(status=Status.FAILED, message="no heartbeat")
        return LoggedRun("")

    monkeypatch.setattr(services, "log_build", expire_me)
    with pytest.raises(RebuildError, match="marked failed while it was being built"):
        build()
    assert IndexVersion.objects.get().status == Status.FAILED
    assert selectors.active_version() is None
