from django.apps import AppConfig


class SpotifyAccountConfig(AppConfig):
    """Listeners' connected Spotify accounts, nested in the listeners' app, under the label ``spotify_account``."""

    name = "recommender.personal.spotify_account"
    label = "spotify_account"
    verbose_name = "Listeners' Spotify accounts"

    def ready(self):
        from recommender.personal.services import register_data_section
        from recommender.together.sources import register_playlist_filter

        from .selectors import connection_export, opted_out_private_playlists
        from .services import delete_connection

        # A listener who opted out: none of their private playlists reaches the together model.
        register_playlist_filter(opted_out_private_playlists)
        # "Download my data" says whether Spotify is connected (never the tokens); "delete my data" disconnects.
        register_data_section("connections", export=connection_export, delete=delete_connection)
