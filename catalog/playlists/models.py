"""A playlist and its ordered tracks: the human judgement "these go together", whoever made it.

Genre and subgenre are facts about the *playlist* (the TidyTuesday file labels playlists, not tracks): they are
never copied onto its tracks, so no model learns a track's playlists from its genres.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import TimestampedModel, Track
from songrec.lib.links import object_url

# A playlist holds at most this many tracks (Spotify's own limit is 10,000 too).
MAX_PLAYLIST_TRACKS = 10_000


class Playlist(TimestampedModel):
    class Source(models.TextChoices):
        DATASET = "dataset", "Curated dataset"
        CRAWL = "crawl", "Spotify crawl"
        LISTENER = "listener", "Listener"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        UNLISTED = "unlisted", "Unlisted"
        PUBLIC = "public", "Public"

    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The playlist's id where it came from (Spotify's playlist id for the dataset and the crawl).
    external_id = models.CharField(max_length=64, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="playlists")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    genre = models.CharField(max_length=100, blank=True)
    subgenre = models.CharField(max_length=100, blank=True)
    # How a generated playlist was made (radio seeds, a song path's ends…), so it can be refreshed; null otherwise.
    recipe = models.JSONField(null=True, blank=True)
    tracks = models.ManyToManyField(Track, through="PlaylistTrack", related_name="playlists")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                    name="playlist_unique_external_id_per_source"),
            # A listener's playlist has its owner; curated and crawled ones have none.
            models.CheckConstraint(condition=Q(source="listener", owner__isnull=False)
                                   | (~Q(source="listener") & Q(owner__isnull=True)),
                                   name="playlist_owner_iff_listener"),
        ]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="playlist_owner_recent")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("playlists:detail", self.pk)


class PlaylistTrack(models.Model):
    """One track's place in a playlist: a track is in a playlist at most once, positions 0…n-1."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="playlist_entries")
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["playlist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playlist", "track"], name="playlisttrack_track_once"),
            # Deferred, so a reorder can move positions through each other inside one transaction.
            models.UniqueConstraint(fields=["playlist", "position"], name="playlisttrack_unique_position",
                                    deferrable=models.Deferrable.DEFERRED),
        ]

    def __str__(self):
        return f"{self.playlist_id}#{self.position}: {self.track_id}"
