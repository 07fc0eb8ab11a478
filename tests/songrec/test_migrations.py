"""A database as the tree left it before the house moves (head 11dcb6f) migrates to today's layout keeping its data.

Crawl runs, clusterings and pending tasks stay in their tables and are read through the moved models (apps
``crawl``, ``clusters``, ``outbox``); their content types change label but keep their ids, so permissions and
group grants follow.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.crawl.models import CrawlRun
from recommender.clusters.models import Cluster, Clustering, ClusterMember
from songrec.lib.outbox.models import PendingTask
from tests.migration_support import django_db_setup  # noqa: F401  (a test-order-proof database snapshot)

# The leaf migrations of the project's apps at 11dcb6f; apps that did not exist yet are unapplied (None).
BEFORE_THE_HOUSE = [("catalog", "0006_merge_crawl_drift"), ("recommender", "0002_clusters"),
                    ("personal", "0003_retrain_after_the_nightly_rebuild"),
                    ("evaluation", "0005_campaign_arm_weights"),
                    ("outbox", None), ("crawl", None), ("clusters", None), ("playlists", None)]
MOVED = {("catalog", "crawlrun"): "crawl", ("catalog", "crawlcursor"): "crawl", ("catalog", "crawlmark"): "crawl",
         ("catalog", "pendingtask"): "outbox", ("recommender", "clustering"): "clusters",
         ("recommender", "cluster"): "clusters", ("recommender", "clustermember"): "clusters"}

# Migrating back and forth needs real commits; the rollback restores what the migrations created (Beat entries).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_rows_content_types_and_permissions_survive_the_moves():
    old = migrate(BEFORE_THE_HOUSE)
    ids = {}
    for (label, model), _new in MOVED.items():
        content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(app_label=label,
                                                                                             model=model)
        ids[model] = content_type.pk
    old_permission = old.get_model("auth", "Permission").objects.create(
        name="Can view crawl run", content_type_id=ids["crawlrun"], codename="view_crawlrun_legacy")
    old.get_model("auth", "Group").objects.create(name="crawl watchers").permissions.add(old_permission)

    run = old.get_model("catalog", "CrawlRun").objects.create(status="partial", tracks_created=36, drift={"psi": 1})
    track = old.get_model("catalog", "Track").objects.create(spotify_id="4uLU6hMCjMI75M1A2tKUQC", name="Song")
    version = old.get_model("recommender", "IndexVersion").objects.create(status="active", k=10)
    clustering = old.get_model("recommender", "Clustering").objects.create(
        version=version, algorithm="pca-kmeans", n_clusters=1, active=True, metrics={"silhouette": 0.4})
    cluster = old.get_model("recommender", "Cluster").objects.create(
        clustering=clustering, number=0, label="quiet acoustic", size=1, color="#336699")
    old.get_model("recommender", "ClusterMember").objects.create(cluster=cluster, track=track, x=0.5, y=-0.5)
    pending = old.get_model("catalog", "PendingTask").objects.create(task_name="catalog.tasks.nightly_crawl",
                                                                     dedupe_key="nightly")

    migrate(latest())

    moved_run = CrawlRun.objects.get(pk=run.pk)
    assert (moved_run.status, moved_run.tracks_created, moved_run.drift) == ("partial", 36, {"psi": 1})
    moved = Clustering.objects.get(pk=clustering.pk)
    assert (moved.version_id, moved.active, moved.silhouette) == (version.pk, True, 0.4)
    assert Cluster.objects.get(clustering=moved).label == "quiet acoustic"
    assert ClusterMember.objects.get(cluster__clustering=moved).track.spotify_id == "4uLU6hMCjMI75M1A2tKUQC"
    assert PendingTask.objects.get(pk=pending.pk).dedupe_key == "nightly"

    for (label, model), new_label in MOVED.items():
        assert ContentType.objects.get(app_label=new_label, model=model).pk == ids[model], model
        assert not ContentType.objects.filter(app_label=label, model=model).exists(), model
    permission = Permission.objects.get(codename="view_crawlrun_legacy")
    assert permission.content_type == ContentType.objects.get_for_model(CrawlRun)
    assert list(Group.objects.get(name="crawl watchers").permissions.all()) == [permission]

    # The models and the migrations agree: the moves needed no schema change.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
