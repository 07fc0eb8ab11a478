import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommender.clusters import fitting
from recommender.clusters.labels import describe
from recommender.clusters.models import Cluster, Clustering, ClusterMember
from recommender.clusters.services import build_clusters

pytestmark = pytest.mark.django_db


def test_every_candidate_is_fitted_scored_and_stored_and_one_becomes_active(active, catalog):
    result = build_clusters(k_values=[2, 3, 4], sample_size=60)
    algorithms = sorted(Clustering.objects.values_list("algorithm", flat=True))
    assert algorithms == ["hdbscan", "minibatch-kmeans", "minibatch-kmeans", "pca-kmeans", "pca-kmeans",
                          "pca-kmeans"]
    assert Clustering.objects.filter(active=True).get() == result.clustering
    for clustering in Clustering.objects.all():
        assert {"silhouette", "calinski_harabasz", "davies_bouldin", "fit_seconds", "noise_fraction"} <= set(
            clustering.metrics)
        assert clustering.mlflow_run_id and sum(clustering.sizes) <= 60
    winner = result.clustering
    assert ClusterMember.objects.filter(cluster__clustering=winner).count() == 60


def test_three_well_separated_genres_become_three_clusters_named_after_them(active, catalog):
    winner = build_clusters(k_values=[2, 3, 4], sample_size=60).clustering
    assert winner.n_clusters == 3
    labels = {cluster.label for cluster in Cluster.objects.filter(clustering=winner)}
    metal = next(label for label in labels if label.endswith("— metal"))
    assert "loud" in metal and "fast" in metal
    assert any(label.endswith("— folk") and "acoustic" in label for label in labels)
    for track in catalog["metal"]:
        assert ClusterMember.objects.get(track=track).cluster.label == metal


def test_a_second_run_on_the_same_index_version_skips_unless_forced(active, catalog):
    first = build_clusters(k_values=[3], sample_size=60)
    again = build_clusters(k_values=[3], sample_size=60)
    assert again.skipped and again.clustering == first.clustering
    forced = build_clusters(k_values=[3], sample_size=60, force=True)
    assert forced.clustering != first.clustering and Clustering.objects.filter(active=True).count() == 1
    assert ClusterMember.objects.count() == 60  # only the active clustering keeps memberships


def test_the_rule_prefers_eligible_candidates_then_the_best_silhouette():
    def fake(silhouette, eligible):
        return fitting.Fit(fitting.Candidate("x", {}), None, 0.0, {"silhouette": silhouette,
                                                                  "calinski_harabasz": 1.0}, eligible=eligible)
    fits = [fake(0.9, False), fake(0.4, True), fake(0.5, True)]
    assert fitting.best(fits) is fits[2]
    assert fitting.best([fake(0.9, False), fake(0.3, False)]).metrics["silhouette"] == 0.9


def test_labels_name_the_distinctive_features_and_dominant_genre():
    audio = np.zeros((4, 12))
    audio[:2, 1] = 1.0  # energy of the first two tracks far above the others
    described = describe(np.array([0, 0, 1, 1]), audio, genre_indptr=np.array([0, 1, 2, 3, 4]),
                         genre_indices=np.array([0, 0, 1, 1]), genre_names=["metal", "folk"])
    assert described[0].label == "energetic — metal" and described[1].label == "calm — folk"


def test_the_command_refuses_without_an_index_and_summarises_a_build(db, active, capsys):
    call_command("build_clusters", "--k", "3", "--sample", "60", "--no-progress")
    assert "active: " in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("build_clusters", "--k", "1")


def test_the_command_without_an_active_index_exits_with_one_line(db):
    with pytest.raises(CommandError, match="No recommendation index"):
        call_command("build_clusters", "--no-progress")
