"""Index versions and their precomputed neighbour lists."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

# Sent by a queryset ``update`` of IndexVersion rows, which sends no post_save; RecommenderConfig.ready connects it,
# with post_save and post_delete, to active_version.index_versions_changed.
index_versions_updated = Signal()


class IndexVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Updates like ``save``: the processes' cached active version is read again (active_version.py)."""
        index_versions_updated.send(sender=self.model)
        return super().update(**kwargs)


class IndexVersion(models.Model):
    """One build of the recommendation index: its parameters, quality metrics, timings and files.

    Exactly one version may be ``active`` (the one served) and one ``building`` at a time — database
    constraints, so the "one rebuild at a time" lock holds across processes and hosts. A version whose build
    stopped without finishing is detected by its stale ``heartbeat_at`` and marked failed.
    """

    class Status(models.TextChoices):
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        ACTIVE = "active", "Active"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BUILDING, db_index=True)
    params = models.JSONField(default=dict, help_text="k and feature weights the version was built with")
    metrics = models.JSONField(default=dict, blank=True, help_text="quality metrics, per distance metric")
    timings = models.JSONField(default=dict, blank=True, help_text="seconds spent per build stage")
    mlflow_run_id = models.CharField(max_length=64, blank=True)
    n_tracks = models.PositiveIntegerField(default=0)
    k = models.PositiveSmallIntegerField(default=0, help_text="neighbours stored per track and metric")
    dimensions = models.PositiveIntegerField(default=0)
    catalog_revision = models.PositiveBigIntegerField(default=0, help_text="catalog revision the build read")
    stage = models.CharField(max_length=32, blank=True)
    progress = models.FloatField(default=0.0, help_text="0–1 while building")
    message = models.TextField(blank=True, help_text="why the build failed, or warnings")
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = IndexVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="one_active_index_version"),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="building"), name="one_building_index_version"),
        ]

    def __str__(self):
        return f"index v{self.pk} ({self.status})"

    @property
    def directory(self):
        return Path(settings.RECOMMENDER_INDEX_DIR) / str(self.pk)

    @property
    def build_seconds(self):
        return self.timings.get("total")

    def metric_rows(self):
        """Quality metrics as (label, name, {metric: value}) rows for a table with one column per distance metric;
        the label is what a page shows (recommender/index/quality.py defines the metrics)."""
        names = []
        for values in self.metrics.values():
            if isinstance(values, dict):
                names.extend(name for name in values if name not in names)
        return [(METRIC_LABELS.get(name, name.replace("_", " ").capitalize()), name,
                 {metric: values.get(name) for metric, values in self.metrics.items() if isinstance(values, dict)})
                for name in names]


METRIC_LABELS = {
    "mean_topk_similarity": "Mean similarity of the neighbours",
    "mean_topk_distance": "Mean distance of the neighbours",
    "genre_precision_at_10": "Genre precision of the first 10",
    "artist_diversity_at_10": "Artist diversity of the first 10",
    "catalog_coverage_at_10": "Catalog coverage of the first 10",
    "same_song_rate_at_10": "Same song again in the first 10",
    "recall_at_k": "Recall of the approximate lists",
    "ivf_lists": "Clusters searched (IVF lists)",
}


class NeighborList(models.Model):
    """The k nearest neighbours of one track under one metric in one version, packed as bytes.

    ``neighbor_ids`` holds int64 catalog Track ids and ``scores`` float32 scores, best first. One indexed
    row read serves a similar-tracks list on PostgreSQL and SQLite alike. ``track_id`` is deliberately not a
    foreign key: the rows are bulk-loaded with COPY and deleted with their version, and a catalog delete
    must not cascade into 100k-row tables.
    """

    version = models.ForeignKey(IndexVersion, on_delete=models.CASCADE, related_name="neighbor_lists",
                                db_index=False)
    metric = models.CharField(max_length=16)
    track_id = models.BigIntegerField()
    neighbor_ids = models.BinaryField()
    scores = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "metric", "track_id"], name="neighborlist_unique_track"),
        ]

    def __str__(self):
        return f"v{self.version_id} {self.metric} neighbours of track {self.track_id}"
