"""Request and response shapes of the playlist import API (the OpenAPI schema is generated from these)."""

from rest_framework import serializers

NAME_HELP = "the new playlist's name (default: the file's or Spotify's playlist title)"


class FileImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="a JSPF, XSPF, M3U or M3U8 playlist file (at most "
                                           "PLAYLIST_IMPORT_MAX_BYTES, 5 MB by default)")
    name = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=NAME_HELP)


class LinkImportSerializer(serializers.Serializer):
    url = serializers.CharField(min_length=1, max_length=500, trim_whitespace=True,
                                help_text="a public Spotify playlist: https://open.spotify.com/playlist/<id> or "
                                          "spotify:playlist:<id>")
    name = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=NAME_HELP)


class ImportedPlaylistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    visibility = serializers.CharField()
    url = serializers.CharField(help_text="the playlist's page")


class UnmatchedEntrySerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="the entry's place in the file, from 1")
    title = serializers.CharField(allow_blank=True)
    artists = serializers.CharField(allow_blank=True)
    album = serializers.CharField(allow_blank=True)
    spotify_id = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    playlist = ImportedPlaylistSerializer()
    kind = serializers.ChoiceField(choices=["jspf", "xspf", "m3u", "spotify"], help_text="what was read")
    entries = serializers.IntegerField(help_text="tracks listed in the file or on Spotify")
    tracks = serializers.IntegerField(help_text="tracks in the new playlist")
    matched_by_id = serializers.IntegerField(help_text="entries matched by their Spotify id")
    matched_by_name = serializers.IntegerField(help_text="entries matched by artist and title")
    duplicates = serializers.IntegerField(help_text="matched entries that repeated a track (kept once)")
    unmatched_count = serializers.IntegerField()
    unmatched = UnmatchedEntrySerializer(many=True, help_text="the entries not in the catalog (the first 500)")
