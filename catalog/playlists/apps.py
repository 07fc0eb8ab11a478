from django.apps import AppConfig


class PlaylistsConfig(AppConfig):
    """Playlists nested in the catalog, with their own label ``playlists``."""

    name = "catalog.playlists"
    label = "playlists"
    verbose_name = "Playlists"
