"""What a listener told us (likes, dislikes, cold-start picks), what they played, and the trained models."""

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from recommender.trained_models import TrainedModel, one_active_constraint

from .history import PLAYED_FROM

PLAYED_BEFORE = datetime(2100, 1, 1, tzinfo=UTC)


class Reaction(models.Model):
    """A listener's like (+1) or dislike (-1) of one track; undoing it deletes the row."""

    LIKE, DISLIKE = 1, -1
    VALUES = {"like": LIKE, "dislike": DISLIKE}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_reactions")
    track = models.ForeignKey("catalog.Track", on_delete=models.CASCADE, related_name="reactions")
    value = models.SmallIntegerField(choices=[(LIKE, "like"), (DISLIKE, "dislike")])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "track"], name="reaction_unique_user_track"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="reaction_value_like_or_dislike"),
        ]

    def __str__(self):
        return f"{self.user} {'likes' if self.value == self.LIKE else 'dislikes'} {self.track_id}"

    @property
    def label(self):
        return "like" if self.value == self.LIKE else "dislike"


class HistoryImport(models.Model):
    """One uploaded Spotify export (a JSON file or a .zip of them) and what importing it found."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="history_imports")
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0–1 while running")
    message = models.TextField(blank=True, help_text="why the import failed")
    summary = models.JSONField(default=dict, blank=True,
                               help_text="rows, plays, matched tracks, short plays, unmatched songs")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written by the process importing it; a running import silent for PERSONAL_IMPORT_STALE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="runs started (a dead worker's run is retried)")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "sha256"])]
        constraints = [
            # Two identical uploads at once make one import: the second finds the first.
            models.UniqueConstraint(fields=["user", "sha256"], condition=Q(status__in=["queued", "running"]),
                                    name="historyimport_one_active_per_upload"),
        ]

    def __str__(self):
        return f"{self.filename} ({self.status})"


class Play(models.Model):
    """One play of 30 s or more of a catalog track; (user, track, played_at) makes re-imports change nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plays")
    track = models.ForeignKey("catalog.Track", on_delete=models.CASCADE, related_name="plays")
    played_at = models.DateTimeField()
    ms_played = models.PositiveIntegerField()
    history_import = models.ForeignKey(HistoryImport, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="plays")

    class Meta:
        ordering = ["-played_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "track", "played_at"], name="play_unique_user_track_time"),
            # Imports check "2006 to tomorrow"; the database keeps out what no reader could even load (year 10000).
            models.CheckConstraint(condition=Q(played_at__gte=PLAYED_FROM) & Q(played_at__lt=PLAYED_BEFORE),
                                   name="play_played_at_in_range"),
        ]

    def __str__(self):
        return f"{self.user} played {self.track_id} at {self.played_at:%Y-%m-%d %H:%M}"


class TastePick(models.Model):
    """A cold-start pick: a genre or an artist a new listener says they like (tracks picked become likes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="taste_picks")
    genre = models.ForeignKey("catalog.Genre", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    artist = models.ForeignKey("catalog.Artist", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(genre__isnull=True) ^ Q(artist__isnull=True),
                                   name="tastepick_genre_xor_artist"),
            models.UniqueConstraint(fields=["user", "genre"], condition=Q(genre__isnull=False),
                                    name="tastepick_unique_genre"),
            models.UniqueConstraint(fields=["user", "artist"], condition=Q(artist__isnull=False),
                                    name="tastepick_unique_artist"),
        ]

    def __str__(self):
        return f"{self.user} picked {self.genre or self.artist}"


class PersonalModel(TrainedModel):
    """One training of the collaborative (ALS) model: params, held-out metrics, blend weight and its files.

    The factors live in ``RECOMMENDER_INDEX_DIR/personal/<id>/``; exactly one model is active at a time.
    """

    metrics = models.JSONField(default=dict, blank=True, help_text="held-out @10 metrics per method")
    blend_weight = models.FloatField(default=0.5, help_text="share of the collaborative score in the hybrid")

    class Meta(TrainedModel.Meta):
        constraints = [one_active_constraint("one_active_personal_model")]

    def __str__(self):
        return f"personal model {self.pk} ({self.status})"
