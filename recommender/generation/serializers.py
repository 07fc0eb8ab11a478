"""Request and response shapes of the generation API (the OpenAPI schema is generated from them).

Each kind's parameters are a serializer of their own (``Kind.params_serializer``); a request is the common fields
(kind, name, visibility, length) plus its kind's, documented as one body per kind with ``kind`` as discriminator.
"""

from rest_framework import serializers

from catalog.models import VALUE_BOUNDS
from catalog.playlists.models import Playlist

from ..blending import MAX_SEEDS
from ..index.features import ATTRIBUTES
from ..request_params import PREFIXES
from ..serializers import TrackRefSerializer
from .song_path import MAX_LENGTH as MAX_PATH_LENGTH
from .song_path import MIN_LENGTH as MIN_PATH_LENGTH


class Text(serializers.CharField):
    """A string field that takes only JSON strings (DRF's CharField also takes numbers), as the schema says."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumber(serializers.IntegerField):
    """An integer field that takes only JSON integers (DRF's also takes "5" and 5.0), as the schema says."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Number(serializers.FloatField):
    """A number field that takes only JSON numbers (DRF's also takes "0.5"), as the schema says."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


MAX_LENGTH = 500
DEFAULT_LENGTH = 50
DEFAULT_PATH_LENGTH = 20


def spotify_ids(help_text: str, *, maximum: int = MAX_SEEDS) -> serializers.ListField:
    return serializers.ListField(child=Text(min_length=1, max_length=64), max_length=maximum,
                                 required=False, default=list, help_text=help_text)


FeatureLimitsSerializer = type("FeatureLimitsSerializer", (serializers.Serializer,), {
    f"{prefix}{name}": Number(required=False, min_value=VALUE_BOUNDS[name][0],
                                              max_value=VALUE_BOUNDS[name][1])
    for name in ATTRIBUTES for prefix in PREFIXES
} | {"__doc__": "min_/max_<feature> filter on raw values, target_<feature> prefers tracks close to it."})


class RadioParamsSerializer(serializers.Serializer):
    seed_tracks = spotify_ids("Spotify track ids")
    seed_artists = spotify_ids("Spotify artist ids: each stands for its most popular songs")
    seed_genres = serializers.ListField(child=Text(min_length=1, max_length=100), max_length=20,
                                        required=False, default=list, help_text="genres: their most popular songs")
    avoid_tracks = spotify_ids("tracks never returned, whose neighbourhood is pushed down")
    avoid_artists = spotify_ids("artists none of whose tracks is returned", maximum=50)
    features = FeatureLimitsSerializer(required=False)

    def validate(self, attrs):
        if not (attrs["seed_tracks"] or attrs["seed_artists"] or attrs["seed_genres"]):
            raise serializers.ValidationError({"seed_tracks": ["Give at least one seed track, artist or genre."]})
        if len(attrs["seed_tracks"]) + len(attrs["seed_artists"]) + len(attrs["seed_genres"]) > MAX_SEEDS:
            raise serializers.ValidationError({"seed_tracks": [f"At most {MAX_SEEDS} seeds in all."]})
        return attrs


class ContinuationParamsSerializer(serializers.Serializer):
    playlist = WholeNumber(min_value=1, max_value=2**31 - 1,
                                        help_text="a playlist you can see: its tracks are the seeds")


SongPathParamsSerializer = type("SongPathParamsSerializer", (serializers.Serializer,), {
    "from": Text(min_length=1, max_length=64, help_text="Spotify id of the first track"),
    "to": Text(min_length=1, max_length=64, help_text="Spotify id of the last track"),
})


class NoParamsSerializer(serializers.Serializer):
    pass


class GenerateCommonSerializer(serializers.Serializer):
    kind = Text()
    name = Text(required=False, allow_blank=True, max_length=300, default="",
                                 help_text="the playlist's name; blank: named after its recipe")
    visibility = serializers.ChoiceField(Playlist.Visibility.choices, default=Playlist.Visibility.PRIVATE)
    length = WholeNumber(required=False, min_value=1, max_value=MAX_LENGTH, default=DEFAULT_LENGTH,
                                      help_text=f"tracks, 1–{MAX_LENGTH} (a song path: {MIN_PATH_LENGTH}–"
                                                f"{MAX_PATH_LENGTH}), default {DEFAULT_LENGTH}")


def request_serializer(kind_name: str, params_serializer: type[serializers.Serializer]) -> type:
    """The body of ``POST /api/me/playlists/generate/`` for one kind: the common fields and the kind's."""
    fields = {"kind": serializers.ChoiceField([kind_name])}
    if kind_name == "song_path":
        fields["length"] = WholeNumber(required=False, min_value=MIN_PATH_LENGTH,
                                                    max_value=MAX_PATH_LENGTH, default=DEFAULT_PATH_LENGTH)
    title = "".join(part.title() for part in kind_name.split("_"))
    return type(f"Generate{title}Serializer", (params_serializer, GenerateCommonSerializer), fields)


class ExtendSerializer(serializers.Serializer):
    count = WholeNumber(required=False, min_value=1, max_value=MAX_LENGTH, default=DEFAULT_LENGTH,
                                     help_text=f"tracks to add, 1–{MAX_LENGTH}, default {DEFAULT_LENGTH}")


class GeneratedPlaylistSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="playlist.pk")
    name = serializers.CharField(source="playlist.name")
    visibility = serializers.CharField(source="playlist.visibility")
    url = serializers.CharField(help_text="the playlist's page")
    kind = serializers.CharField(source="playlist.recipe.kind")
    recipe = serializers.DictField(source="playlist.recipe", help_text="kind, params and length: what refresh reruns")
    added = serializers.IntegerField(help_text="tracks this request put in")
    tracks = TrackRefSerializer(many=True, help_text="the playlist's tracks, in order")


class PathStepSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="from 0")
    track = TrackRefSerializer()
    distance = serializers.FloatField(help_text="euclidean distance from the previous step's track (0 first)")
    offset = serializers.FloatField(help_text="distance from its point on the straight line (0 at the ends)")


class SongPathSerializer(serializers.Serializer):
    index_version = serializers.IntegerField()
    length = serializers.IntegerField()
    straight_step = serializers.FloatField(help_text="the straight line's length / (length − 1): a step along the "
                                                     "line itself; a step is at most it plus the two offsets")
    total_distance = serializers.FloatField()
    steps = PathStepSerializer(many=True)
