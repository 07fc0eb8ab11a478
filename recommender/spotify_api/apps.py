from django.apps import AppConfig


class SpotifyApiConfig(AppConfig):
    """The Spotify-compatible Web API under /v1/ and its client-credentials token endpoint (docs/spotify_api.md)."""

    name = "recommender.spotify_api"
    label = "spotify_api"
    verbose_name = "Spotify-compatible API"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from songrec.lib.errors import register_error_body

        from .auth import clients_changed
        from .errors import PREFIX, error_body
        from .models import ApiClient

        # Errors found outside the /v1/ views (no route, a server error, a malformed request) in Spotify's body too.
        register_error_body(PREFIX, error_body)

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: clients_changed(), sender=ApiClient, weak=False,
                           dispatch_uid=f"spotify_api_clients_changed_{signal is post_save}")
