from django.contrib import admin

from .models import PlaylistPrivacy, SpotifyConnection, SpotifyPlaylistLink


@admin.register(SpotifyConnection)
class SpotifyConnectionAdmin(admin.ModelAdmin):
    """Status only: the sealed tokens are not fields here (never shown, not even sealed)."""

    list_display = ["user", "spotify_user_id", "status", "import_status", "imported_at", "connected_at"]
    list_filter = ["status", "import_status"]
    search_fields = ["user__username", "spotify_user_id"]
    fields = ["user", "spotify_user_id", "display_name", "scope", "status", "message", "connected_at", "expires_at",
              "import_status", "import_message", "import_summary", "imported_at"]
    readonly_fields = fields


@admin.register(SpotifyPlaylistLink)
class SpotifyPlaylistLinkAdmin(admin.ModelAdmin):
    list_display = ["playlist", "spotify_playlist_id", "status", "tracks_sent", "requested_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["playlist"]


@admin.register(PlaylistPrivacy)
class PlaylistPrivacyAdmin(admin.ModelAdmin):
    list_display = ["user", "private_playlists_in_model", "updated_at"]
