"""Clustering the real catalog's index vectors: scores agree with scikit-learn on the stored assignment."""

import numpy as np
import pytest
from sklearn.metrics import calinski_harabasz_score

from recommender import storage
from recommender.clusters.models import Cluster, Clustering, ClusterMember
from recommender.clusters.selectors import catalog_means
from recommender.clusters.services import build_clusters

pytestmark = pytest.mark.django_db


def test_clustering_the_real_catalog(real_catalog):
    result = build_clusters(force=True)
    winner = result.clustering
    candidates = Clustering.objects.filter(version=real_catalog.version)
    assert {c.algorithm for c in candidates} == {"pca-kmeans", "minibatch-kmeans", "hdbscan"}
    assert all(c.mlflow_run_id for c in candidates)
    assert winner.active and winner.eligible

    # Calinski–Harabasz recomputed by scikit-learn from the memberships stored in the database.
    data = storage.version_data(real_catalog.version.pk)
    rows = dict(ClusterMember.objects.filter(cluster__clustering=winner).values_list("track_id", "cluster__number"))
    labels = np.array([rows[int(track_id)] for track_id in data.track_ids])
    assigned = labels != -1
    expected = calinski_harabasz_score(np.asarray(data.normalized)[assigned], labels[assigned])
    assert winner.metrics["calinski_harabasz"] == pytest.approx(expected, rel=1e-4)
    assert sorted(winner.sizes, reverse=True) == sorted(np.bincount(labels[assigned]).tolist(), reverse=True)[
        :len(winner.sizes)]

    # The cluster holding most death-metal tracks is louder, more energetic and less acoustic than the catalog,
    # and its label names a metal genre.
    clusters = list(Cluster.objects.filter(clustering=winner))
    metal = max(clusters, key=lambda c: dict(map(tuple, c.top_genres)).get("death-metal", 0.0))
    means, catalog = metal.feature_means, catalog_means(clusters)
    assert means["energy"] > catalog["energy"] and means["loudness"] > catalog["loudness"]
    assert means["acousticness"] < catalog["acousticness"]
    assert "metal" in metal.label.split(" — ")[1], metal.label
