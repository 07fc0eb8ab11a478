from django.apps import AppConfig

# The import form's paths (transfer_urls, transfer_api_urls): their uploads are cut off at the playlist file limit.
IMPORT_PATHS = ("/me/playlists/import/", "/api/me/playlists/import/")


class PlaylistsConfig(AppConfig):
    """Playlists nested in the catalog, with their own label ``playlists``."""

    name = "catalog.playlists"
    label = "playlists"
    verbose_name = "Playlists"

    def ready(self):
        from songrec.lib.uploads import register_upload_limit

        for path in IMPORT_PATHS:
            register_upload_limit(path, "PLAYLIST_IMPORT_MAX_BYTES")
