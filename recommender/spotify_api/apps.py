from django.apps import AppConfig


class SpotifyApiConfig(AppConfig):
    """The Spotify-compatible Web API under /v1/ and its client-credentials token endpoint (docs/spotify_api.md)."""

    name = "recommender.spotify_api"
    label = "spotify_api"
    verbose_name = "Spotify-compatible API"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .auth import clients_changed
        from .models import ApiClient

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: clients_changed(), sender=ApiClient, weak=False,
                           dispatch_uid=f"spotify_api_clients_changed_{signal is post_save}")
