"""Response shapes of the recommender API (used for the OpenAPI schema and for index versions)."""

from dataclasses import dataclass

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api import AbsoluteUrlField, ArtistRefSerializer, artist_refs
from songrec.lib.direct_serializers import DirectRepresentation, float_or_none

from .models import IndexVersion


@extend_schema_field(ArtistRefSerializer(many=True))
class ArtistRefsField(serializers.Field):
    """A TrackRef's artists, written as ArtistRefSerializer would but without a nested serializer per item."""

    def to_representation(self, artists):
        return artist_refs(artists)


def track_ref_fields(source=""):
    """The short form of a track (TrackRef), read from the object itself or from its attribute ``source``."""
    def read(name):  # DRF refuses a source equal to the field's own name
        return {"source": f"{source}.{name}"} if source else {}

    return {
        "spotify_id": serializers.CharField(**read("spotify_id")),
        "name": serializers.CharField(**read("name")),
        "artists": ArtistRefsField(**read("artists")),
        "url": AbsoluteUrlField(source=source or "*", help_text="the track's page"),
    }


def track_ref_data(track):
    """What ``track_ref_fields()`` write for a TrackRef, in their order."""
    return {"spotify_id": track.spotify_id, "name": track.name, "artists": artist_refs(track.artists),
            "url": track.get_absolute_url()}


TrackRefSerializer = type("TrackRefSerializer", (serializers.Serializer,), track_ref_fields())


class SimilarItemScoresSerializer(DirectRepresentation, serializers.Serializer):
    """A SimilarItem (recommender.selectors); ``context["metric"]`` says whether ``distance`` is present."""

    rank = serializers.IntegerField(help_text="from 1")
    score = serializers.FloatField(help_text="the system's own score; see score_label")
    cosine_score = serializers.FloatField(allow_null=True, help_text="cosine similarity to the seed, every system")
    distance = serializers.FloatField(required=False, source="score", help_text="euclidean only: same as score")
    human_score = serializers.FloatField(allow_null=True, help_text="mean human rating; null when unrated")
    human_ratings = serializers.IntegerField(help_text="number of human ratings")

    def represent(self, item):
        return {"rank": int(item.rank), "score": float(item.score), "cosine_score": float_or_none(item.cosine_score),
                "distance": float(item.score), "human_score": float_or_none(item.human_score),
                "human_ratings": int(item.human_ratings)}

    def finish(self, data, item):
        data["score"] = round(data["score"], 6)
        if self.context.get("metric") == "euclidean":
            data["distance"] = data["score"]
        else:
            del data["distance"]
        return data


def _scores_and_track(scores_serializer):
    def represent(self, item):
        return {**scores_serializer.represent(self, item), **track_ref_data(item.track)}
    return represent


SimilarItemSerializer = type("SimilarItemSerializer", (SimilarItemScoresSerializer,),
                             {**track_ref_fields("track"), "represent": _scores_and_track(SimilarItemScoresSerializer)})


class SimilarResponseSerializer(serializers.Serializer):
    seed = TrackRefSerializer()
    metric = serializers.CharField()
    k = serializers.IntegerField()
    index_version = serializers.IntegerField()
    score_label = serializers.CharField()
    results = SimilarItemSerializer(many=True)


class SeedInfoSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Spotify track id")
    type = serializers.CharField(help_text='always "track"')
    name = serializers.CharField()
    initialPoolSize = serializers.IntegerField(help_text="tracks in the index, seeds excluded")
    afterFilteringSize = serializers.IntegerField(help_text="of those, passing min_/max_ filters")


class RecommendedItemScoresSerializer(DirectRepresentation, serializers.Serializer):
    """A RecommendedTrack (below)."""

    rank = serializers.IntegerField()
    score = serializers.FloatField(help_text="the system's own score; see score_label")
    cosine_score = serializers.FloatField(help_text="mean cosine similarity to the seeds")
    target_penalty = serializers.FloatField(required=False, help_text="standard deviations from the targets")

    def represent(self, item):
        return {"rank": int(item.rank), "score": float(item.score), "cosine_score": float_or_none(item.cosine_score),
                "target_penalty": float_or_none(item.target_penalty)}

    def finish(self, data, item):
        data["score"] = round(data["score"], 6)
        if item.target_penalty is None:
            del data["target_penalty"]
        return data


RecommendedItemSerializer = type(
    "RecommendedItemSerializer", (RecommendedItemScoresSerializer,),
    {**track_ref_fields("track"), "represent": _scores_and_track(RecommendedItemScoresSerializer)})


@dataclass
class RecommendedTrack:
    track: object  # TrackRef
    rank: int
    score: float
    cosine_score: float
    target_penalty: float | None


class RecommendationsResponseSerializer(serializers.Serializer):
    seeds = SeedInfoSerializer(many=True)
    metric = serializers.CharField()
    limit = serializers.IntegerField()
    index_version = serializers.IntegerField()
    score_label = serializers.CharField()
    tracks = RecommendedItemSerializer(many=True)


class IndexVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndexVersion
        fields = ["id", "status", "created_at", "finished_at", "activated_at", "n_tracks", "k", "dimensions",
                  "catalog_revision", "params", "metrics", "timings", "mlflow_run_id", "stage", "progress", "message"]


class BuildProgressSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField()
    stalled = serializers.BooleanField(help_text="its builder is gone (killed): the next rebuild marks it failed")

    class Meta:
        model = IndexVersion
        fields = ["id", "stage", "stage_label", "progress", "stalled", "created_at", "heartbeat_at"]


class IndexStatusSerializer(serializers.Serializer):
    active = IndexVersionSerializer(allow_null=True)
    building = BuildProgressSerializer(allow_null=True)
    catalog_revision = serializers.IntegerField()
    up_to_date = serializers.BooleanField(help_text="the active version was built from the current catalog")
