from django.apps import AppConfig


class SpotifyApiConfig(AppConfig):
    """The Spotify-compatible Web API under /v1/ and its client-credentials token endpoint (docs/spotify_api.md)."""

    name = "recommender.spotify_api"
    label = "spotify_api"
    verbose_name = "Spotify-compatible API"
