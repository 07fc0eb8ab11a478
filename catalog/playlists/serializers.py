"""The playlists API's bodies: what it answers and what it accepts (the OpenAPI schema is generated from these)."""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api import ArtistRefSerializer

from .editing import MAX_DESCRIPTION, MAX_NAME
from .models import MAX_PLAYLIST_TRACKS, Playlist

# At least one character that is not a space (a name of spaces is blank), and no NUL anywhere (refused before any
# view by songrec/middleware.py); Python's \s is what str.strip() removes, so the schema and the service agree.
NAME_PATTERN = r"^[^\x00]*\S[^\x00]*$"
SPOTIFY_ID_PATTERN = r"^[0-9A-Za-z]{1,64}$"


class StrictCharField(serializers.CharField):
    """A string and only a string: DRF's CharField takes 0 or true as "0" or "True", which the schema refuses."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def spotify_id_field(**kwargs: Any) -> serializers.CharField:
    return StrictCharField(max_length=64, trim_whitespace=False,
                                 validators=[RegexValidator(SPOTIFY_ID_PATTERN, "A Spotify track id (base62).")],
                                 **kwargs)


def name_field(**kwargs: Any) -> serializers.CharField:
    # Spaces are kept for the service to strip: trimmed here, " x" (301 characters) would pass as 300.
    return StrictCharField(min_length=1, max_length=MAX_NAME, trim_whitespace=False,
                                 validators=[RegexValidator(NAME_PATTERN, "A playlist needs a name.")], **kwargs)


def description_field() -> serializers.CharField:
    return StrictCharField(max_length=MAX_DESCRIPTION, allow_blank=True, trim_whitespace=False,
                                 required=False)


def track_list_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=spotify_id_field(), max_length=MAX_PLAYLIST_TRACKS, **kwargs)


class PlaylistTrackSerializer(serializers.Serializer):
    """One track of the playlist, at its place (0 first)."""

    position = serializers.IntegerField()
    spotify_id = serializers.CharField()
    name = serializers.CharField()
    artists = serializers.SerializerMethodField()
    url = serializers.CharField()

    @extend_schema_field(ArtistRefSerializer(many=True))
    def get_artists(self, entry: Any) -> list[dict[str, Any]]:
        return [{"id": artist.id, "name": artist.name, "spotify_id": artist.spotify_id}
                for artist in entry.track.artists]

    def to_representation(self, entry: Any) -> dict[str, Any]:
        # A 500-track playlist: written directly (DRF's field-by-field path tripled the answer's time).
        track = entry.track
        return {"position": entry.position, "spotify_id": track.spotify_id, "name": track.name,
                "artists": self.get_artists(entry), "url": track.get_absolute_url()}


class PlaylistSummarySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True,
                                  help_text="the listener's username; null for curated and crawled playlists")
    track_count = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url", help_text="the playlist's page")

    class Meta:
        model = Playlist
        fields = ["id", "name", "description", "visibility", "source", "owner", "track_count", "created_at",
                  "updated_at", "url"]


class PlaylistSerializer(PlaylistSummarySerializer):
    tracks = serializers.SerializerMethodField(help_text="its visible tracks in order")

    class Meta(PlaylistSummarySerializer.Meta):
        fields = [*PlaylistSummarySerializer.Meta.fields, "tracks"]

    @extend_schema_field(PlaylistTrackSerializer(many=True))
    def get_tracks(self, playlist: Playlist) -> list[dict[str, Any]]:
        return PlaylistTrackSerializer(self.context["entries"], many=True).data


class PlaylistCreateSerializer(serializers.Serializer):
    name = name_field()
    description = description_field()
    visibility = serializers.ChoiceField(Playlist.Visibility.choices, default=Playlist.Visibility.PRIVATE)
    tracks = track_list_field(required=False, default=list,
                              help_text="Spotify ids in order; unknown ones are skipped and reported")


class PlaylistUpdateSerializer(serializers.Serializer):
    name = name_field(required=False)
    description = description_field()
    visibility = serializers.ChoiceField(Playlist.Visibility.choices, required=False)


class CreatedPlaylistSerializer(PlaylistSerializer):
    unknown = serializers.SerializerMethodField(help_text="track ids the catalog does not know: skipped")

    class Meta(PlaylistSerializer.Meta):
        fields = [*PlaylistSerializer.Meta.fields, "unknown"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_unknown(self, playlist: Playlist) -> list[str]:
        return self.context["unknown"]


class TracksInputSerializer(serializers.Serializer):
    tracks = track_list_field(min_length=1, help_text="Spotify ids to append, in order")


class AddedTracksSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField(), help_text="appended, in order")
    already_there = serializers.ListField(child=serializers.CharField(), help_text="already in it: left in place")
    unknown = serializers.ListField(child=serializers.CharField(), help_text="not in the catalog: skipped")
    track_count = serializers.IntegerField()


class MoveInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=MAX_PLAYLIST_TRACKS,
                                        help_text="the new place, 0 first; past the end means last")


class MovedSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="where the track is now")


class ExportTrackSerializer(serializers.Serializer):
    title = serializers.CharField()
    artists = serializers.ListField(child=serializers.CharField())
    album = serializers.CharField(allow_blank=True)
    spotify_id = serializers.CharField()
    duration_ms = serializers.IntegerField(allow_null=True)
    url = serializers.URLField()
    spotify_url = serializers.URLField()


class PlaylistExportSerializer(serializers.Serializer):
    """What every download format writes from (``exports.playlist_export_data``); the renderers turn it into a file."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True)
    url = serializers.URLField()
    tracks = ExportTrackSerializer(many=True)
