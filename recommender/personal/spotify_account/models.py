"""A listener's Spotify connection (tokens sealed), where each of their playlists lives on Spotify, and their
privacy choice about private playlists."""

from django.conf import settings
from django.db import models

IMPORT_SCOPES = ("user-library-read", "user-read-recently-played", "user-top-read")
SAVE_SCOPES = ("playlist-modify-private", "playlist-modify-public")


class WorkStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class SpotifyConnection(models.Model):
    """One listener's authorization of songrec on their Spotify account.

    The tokens are stored only sealed (``sealing.seal``); ``scope`` is what the listener granted, space-separated.
    A connection whose refresh token Spotify refused is ``broken`` until the listener connects again.
    """

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        BROKEN = "broken", "Needs reconnecting"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spotify_connection")
    spotify_user_id = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    scope = models.TextField(blank=True)
    access_token_sealed = models.TextField(editable=False)
    refresh_token_sealed = models.TextField(editable=False)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONNECTED)
    message = models.TextField(blank=True)
    connected_at = models.DateTimeField()
    # The last "Import from Spotify" (on demand or nightly).
    import_status = models.CharField(max_length=8, choices=WorkStatus.choices, blank=True)
    import_message = models.TextField(blank=True)
    import_summary = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.user} on Spotify as {self.spotify_user_id} ({self.status})"

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())

    def has_scopes(self, needed) -> bool:
        return set(needed) <= self.scopes


class SpotifyPlaylistLink(models.Model):
    """A listener playlist saved to Spotify: the playlist's id there, and the state of the last "Save to Spotify"."""

    playlist = models.OneToOneField("playlists.Playlist", on_delete=models.CASCADE, related_name="spotify_link")
    spotify_user_id = models.CharField(max_length=255, blank=True, help_text="the account it was created on")
    spotify_playlist_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=8, choices=WorkStatus.choices, default=WorkStatus.QUEUED)
    message = models.TextField(blank=True)
    tracks_sent = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"playlist {self.playlist_id} → Spotify {self.spotify_playlist_id or '(not yet)'} ({self.status})"


class PlaylistPrivacy(models.Model):
    """A listener's choice about their private playlists: whether the recommender may learn from them (in
    aggregate, as rows of the together model); no row means yes."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlist_privacy")
    private_playlists_in_model = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}: private playlists {'used' if self.private_playlists_in_model else 'not used'}"


def store_fields(instance: models.Model, **fields) -> None:
    """Set ``fields`` on ``instance`` and write them to its row in one UPDATE (not ``save()``: the row's other fields,
    which another worker may have changed meanwhile, stay as they are)."""
    for name, value in fields.items():
        setattr(instance, name, value)
    type(instance).objects.filter(pk=instance.pk).update(**fields)
