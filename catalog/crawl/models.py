"""Bookkeeping of the Spotify crawl: one CrawlRun row per run and the cursor runs resume from.

The models belong to the crawl app (label ``crawl``) and keep the tables they had under the catalog's label
(``catalog_crawlrun`` …); old admin URLs redirect (songrec/admin_moves.py).
"""

from django.db import models

# Errors kept per run; the count keeps going, the list stops growing.
MAX_STORED_ERRORS = 50


class CrawlRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Stopped early (resumes next run)"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        COMMAND = "command", "Command"
        API = "api", "API"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.COMMAND)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Bumped as the run makes progress; a "running" row whose heartbeat stopped belongs to a dead process.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="Why the run ended the way it did")
    features_provider = models.CharField(max_length=32, blank=True)

    requests = models.PositiveIntegerField(default=0)
    seeds = models.PositiveIntegerField(default=0)
    artists_seen = models.PositiveIntegerField(default=0)
    artists_adopted = models.PositiveIntegerField(default=0, help_text="Dataset artists given their Spotify id")
    albums_crawled = models.PositiveIntegerField(default=0)
    tracks_created = models.PositiveIntegerField(default=0)
    tracks_updated = models.PositiveIntegerField(default=0)
    features_filled = models.PositiveIntegerField(default=0)
    features_missing = models.PositiveIntegerField(default=0, help_text="Tracks no provider had features for")
    rate_limit_waits = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    cursor = models.JSONField(default=dict, blank=True, help_text="The cursor as this run left it")
    # Filled by catalog.explore.drift when the run added tracks: PSI and KS per feature against the catalog.
    drift = models.JSONField(default=dict, blank=True, help_text="Feature drift of the tracks this run added")
    drift_flagged = models.BooleanField(default=False, help_text="The drift passed EXPLORE_DRIFT_PSI_THRESHOLD")

    class Meta:
        db_table = "catalog_crawlrun"
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"crawl #{self.pk} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def tracks_stored(self):
        return self.tracks_created + self.tracks_updated

    def add_error(self, message):
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(message[:500])


class CrawlCursor(models.Model):
    """Where the crawl stands (one row, pk=1): seed position and the queues of work not yet done."""

    state = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "catalog_crawlcursor"
        verbose_name = "crawl cursor"

    def __str__(self):
        return "crawl cursor"

    @classmethod
    def load(cls):
        cursor, _ = cls.objects.get_or_create(pk=1)
        return cursor


class CrawlMark(models.Model):
    """When the crawl last fetched something other than a track's details, so it can skip what is fresh."""

    class Kind(models.TextChoices):
        ALBUM_TRACKS = "album_tracks", "Album's track list"
        ARTIST_ALBUMS = "artist_albums", "Artist's album list"
        ARTIST_DETAILS = "artist_details", "Artist details"
        ARTIST_SEARCH = "artist_search", "Catalog artist looked up by name"
        FEATURES = "features", "Audio features asked for"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64, help_text="A Spotify id, or an Artist pk for name look-ups")
    fetched_at = models.DateTimeField()

    class Meta:
        db_table = "catalog_crawlmark"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="crawlmark_unique_kind_key")]
        indexes = [models.Index(fields=["kind", "fetched_at"])]

    def __str__(self):
        return f"{self.kind} {self.key} @ {self.fetched_at:%Y-%m-%d}"
