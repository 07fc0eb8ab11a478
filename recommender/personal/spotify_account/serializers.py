"""Response shapes of the Spotify account API (the OpenAPI schema is generated from these; no token ever)."""

from rest_framework import serializers

from .models import SpotifyConnection, SpotifyPlaylistLink


class SpotifyConnectionSerializer(serializers.Serializer):
    connected = serializers.BooleanField(help_text="false: connect at /me/spotify/connect/")
    account = serializers.CharField(allow_null=True, help_text="your Spotify user id")
    display_name = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=SpotifyConnection.Status.choices, allow_null=True,
                                     help_text="broken: Spotify refused our access, connect again")
    message = serializers.CharField(allow_blank=True)
    scopes = serializers.ListField(child=serializers.CharField(), help_text="permissions you granted")
    import_status = serializers.CharField(allow_blank=True, help_text="last import: queued, running, done, failed")
    import_message = serializers.CharField(allow_blank=True)
    import_summary = serializers.DictField(help_text="saved, recent and top tracks read, likes and plays added, "
                                                     "unknown tracks")
    imported_at = serializers.DateTimeField(allow_null=True)


def connection_data(connection: SpotifyConnection | None) -> dict:
    if connection is None:
        return {"connected": False, "account": None, "display_name": None, "status": None, "message": "",
                "scopes": [], "import_status": "", "import_message": "", "import_summary": {}, "imported_at": None}
    return {"connected": connection.status == SpotifyConnection.Status.CONNECTED,
            "account": connection.spotify_user_id, "display_name": connection.display_name,
            "status": connection.status, "message": connection.message, "scopes": sorted(connection.scopes),
            "import_status": connection.import_status, "import_message": connection.import_message,
            "import_summary": connection.import_summary, "imported_at": connection.imported_at}


class SpotifyPlaylistLinkSerializer(serializers.ModelSerializer):
    playlist = serializers.IntegerField(source="playlist_id")
    status = serializers.ChoiceField(choices=SpotifyPlaylistLink._meta.get_field("status").choices,
                                     help_text="queued (also while waiting for a retry), running, done or failed")
    spotify_playlist_id = serializers.CharField(allow_blank=True, help_text="empty until created on Spotify")

    class Meta:
        model = SpotifyPlaylistLink
        fields = ["playlist", "spotify_playlist_id", "status", "message", "tracks_sent", "requested_at",
                  "finished_at"]


class DisconnectedSerializer(serializers.Serializer):
    disconnected = serializers.BooleanField(help_text="false: there was no connection")
    message = serializers.CharField(help_text="where to remove songrec on Spotify's side too")
