import pytest

from catalog.crawl.tasks import nightly_chain
from recommender.clusters.tasks import build_clusters


def test_the_nightly_chain_clusters_after_the_rebuild_succeeds():
    _crawl, rebuild = nightly_chain().tasks
    linked = rebuild.options["link"]
    assert [(task.task, task.immutable) for task in linked] == [("recommender.clusters.tasks.build_clusters", True)]
    assert build_clusters.name == "recommender.clusters.tasks.build_clusters"


@pytest.mark.django_db
def test_the_task_refuses_without_an_index_and_skips_a_clustered_version(settings, active):
    settings.CLUSTERS_K_VALUES = [3]
    settings.CLUSTERS_SAMPLE = 60
    built = build_clusters.apply().result
    assert built["status"] == "built" and built["candidates"] == 3
    assert build_clusters.apply().result["status"] == "skipped"


@pytest.mark.django_db
def test_the_task_without_an_index_says_why():
    assert build_clusters.apply().result["status"] == "refused"
