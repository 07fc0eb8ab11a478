"""Response shapes of the listeners' API (the OpenAPI schema is generated from these)."""

from rest_framework import serializers

from recommender.serializers import TrackRefSerializer

from .models import HistoryImport


class ReasonSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="liked, played, genre, artist or popular")
    text = serializers.CharField(help_text='e.g. "because you liked Blue in Green"')


class PersonalItemSerializer(TrackRefSerializer):
    rank = serializers.IntegerField(help_text="from 1")
    score = serializers.FloatField(help_text="blend of taste similarity and collaborative score (higher first)")
    reason = ReasonSerializer()


class PersonalListSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="hybrid, content (no collaborative model for you yet) or popular")
    tastes = serializers.IntegerField(help_text="distinct tastes found in your profile")
    index_version = serializers.IntegerField()
    personal_model = serializers.IntegerField(allow_null=True)
    together_model = serializers.IntegerField(allow_null=True, help_text="the together model the listener's "
                                              "signals were folded into at request time, if any")
    results = PersonalItemSerializer(many=True)


class ReactionInputSerializer(serializers.Serializer):
    reaction = serializers.ChoiceField(choices=["like", "dislike"], allow_null=True,
                                       help_text="null undoes the reaction")


class ReactionSerializer(serializers.Serializer):
    track = serializers.CharField(help_text="Spotify track id")
    name = serializers.CharField()
    reaction = serializers.CharField(allow_null=True)


class HistoryImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = HistoryImport
        fields = ["id", "filename", "size", "status", "progress", "message", "summary", "created_at", "finished_at"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="StreamingHistory_music_*.json, Streaming_History_Audio_*.json or the .zip")


class DeletedCountsSerializer(serializers.Serializer):
    reactions = serializers.IntegerField()
    plays = serializers.IntegerField()
    picks = serializers.IntegerField()
    imports = serializers.IntegerField()
    playlists = serializers.IntegerField()
    connections = serializers.IntegerField(required=False, help_text="connected accounts (Spotify) removed")


class DeletedDataSerializer(serializers.Serializer):
    deleted = DeletedCountsSerializer(help_text="how many of each were deleted")


class ExportedReactionSerializer(ReactionSerializer):
    at = serializers.DateTimeField()


class ExportedPlaySerializer(serializers.Serializer):
    track = serializers.CharField(source="track__spotify_id", help_text="Spotify track id")
    name = serializers.CharField(source="track__name")
    played_at = serializers.DateTimeField()
    ms_played = serializers.IntegerField()


class ExportedPickSerializer(serializers.Serializer):
    genre = serializers.CharField(source="genre__name", allow_null=True)
    artist = serializers.CharField(source="artist__name", allow_null=True)


class ExportedImportSerializer(serializers.Serializer):
    file = serializers.CharField(source="filename")
    status = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")
    summary = serializers.DictField()


class ExportedPlaylistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    visibility = serializers.CharField(help_text="private, unlisted or public")
    recipe = serializers.JSONField(allow_null=True, help_text="how a generated playlist was made")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    tracks = serializers.ListField(child=serializers.CharField(), help_text="Spotify track ids in order")


class ExportedConnectionSerializer(serializers.Serializer):
    """A connected account's status (its tokens are never exported)."""

    service = serializers.CharField(help_text="spotify")
    account = serializers.CharField(help_text="your user id there")
    status = serializers.CharField(help_text="connected, or broken (connect again)")
    scopes = serializers.ListField(child=serializers.CharField(), help_text="permissions you granted")
    connected_at = serializers.DateTimeField()
    imported_at = serializers.DateTimeField(allow_null=True, help_text="last import from the account")


class MyDataExportSerializer(serializers.Serializer):
    """The download of everything stored about a listener, written from ``services.export_data``'s rows (plays
    streamed from the database in batches: a long history holds a few hundred thousand)."""

    user = serializers.CharField()
    reactions = ExportedReactionSerializer(many=True)
    plays = ExportedPlaySerializer(many=True)
    picks = ExportedPickSerializer(many=True)
    imports = ExportedImportSerializer(many=True)
    playlists = ExportedPlaylistSerializer(many=True)
    connections = ExportedConnectionSerializer(many=True, required=False)
