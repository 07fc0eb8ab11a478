"""A clustering fitted on one index version, its clusters and every track's cluster and map position.

The clusters app (label ``clusters``) keeps the tables the models had under the recommender's label.
"""

from django.db import models
from django.db.models import Q

from catalog.models import Track


class Clustering(models.Model):
    """One fitted candidate (algorithm + parameters) with its quality scores; at most one is active."""

    version = models.ForeignKey("recommender.IndexVersion", on_delete=models.CASCADE, related_name="clusterings")
    algorithm = models.CharField(max_length=32, help_text="pca-kmeans, minibatch-kmeans or hdbscan")
    params = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict, help_text="silhouette (sample), calinski_harabasz, davies_bouldin, …")
    sizes = models.JSONField(default=list, help_text="tracks per cluster, largest first")
    n_clusters = models.PositiveIntegerField(default=0)
    fit_seconds = models.FloatField(default=0.0)
    mlflow_run_id = models.CharField(max_length=64, blank=True)
    eligible = models.BooleanField(default=False, help_text="passes the selection rule's bounds")
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "recommender_clustering"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="one_active_clustering"),
        ]

    def __str__(self):
        return f"{self.algorithm} k={self.n_clusters} on index v{self.version_id}"

    @property
    def silhouette(self):
        return self.metrics.get("silhouette")

    @property
    def params_text(self):
        """The parameters as a page shows them: "k 8", "min cluster size 25, min samples 10"."""
        return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in sorted(self.params.items()))


class Cluster(models.Model):
    clustering = models.ForeignKey(Clustering, on_delete=models.CASCADE, related_name="clusters")
    number = models.IntegerField(help_text="-1 collects HDBSCAN's noise")
    label = models.CharField(max_length=300)
    size = models.PositiveIntegerField()
    top_genres = models.JSONField(default=list, help_text="[[genre, share of the cluster's tracks], …]")
    distinctive = models.JSONField(default=list, help_text="[[feature, z-score of the cluster mean], …]")
    feature_means = models.JSONField(default=dict, help_text="mean raw audio features of the cluster")
    color = models.CharField(max_length=7)

    class Meta:
        db_table = "recommender_cluster"
        ordering = ["clustering", "-size"]
        constraints = [models.UniqueConstraint(fields=["clustering", "number"], name="cluster_unique_number")]

    def __str__(self):
        return f"cluster {self.number}: {self.label}"


class ClusterMember(models.Model):
    """A track's cluster in the active clustering and its position on the map (fitting.map_projection)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="cluster_memberships")
    x = models.FloatField()
    y = models.FloatField()
    on_map = models.BooleanField(default=False, help_text="in the sample the catalog map draws")

    class Meta:
        db_table = "recommender_clustermember"
        constraints = [models.UniqueConstraint(fields=["cluster", "track"], name="clustermember_unique_track")]
        indexes = [models.Index(fields=["cluster", "on_map"])]

    def __str__(self):
        return f"track {self.track_id} in cluster {self.cluster_id}"
