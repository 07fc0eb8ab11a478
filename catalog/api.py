"""Read-only JSON API for tracks and artists."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from songrec.lib.direct_serializers import DirectRepresentation
from songrec.lib.request_params import parse_int

from . import selectors
from .covers.selectors import cover_url
from .feature_estimates import filled_features
from .models import AUDIO_FEATURES, Artist, Genre, Track


class ArtistRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Artist
        fields = ["id", "name", "spotify_id"]


def artist_refs(artists: Iterable[Artist]) -> list[dict[str, Any]]:
    """Plain dicts with ArtistRefSerializer's fields: a nested serializer per track cost more than the rest of a
    search result's serialisation (issue 14)."""
    return [{"id": artist.id, "name": artist.name, "spotify_id": artist.spotify_id} for artist in artists]


class AbsoluteUrlField(serializers.CharField):
    """The object's ``get_absolute_url()`` (a plain ``source`` would make DRF inspect the method on every call)."""

    def to_representation(self, value: Any) -> str:
        return value.get_absolute_url()


class TrackSerializer(DirectRepresentation, serializers.ModelSerializer):
    """A Track, or a TrackRow (catalog.refs) as search results read them."""

    artists = serializers.SerializerMethodField()
    album = serializers.CharField(source="album.name", default=None)
    genres = serializers.SerializerMethodField()
    features = serializers.SerializerMethodField()
    url = AbsoluteUrlField(source="*")
    cover_url = serializers.SerializerMethodField(help_text="the album's cover (about 300 px), or null: none known "
                                                            "yet, or cover art turned off")

    class Meta:
        model = Track
        fields = ["spotify_id", "name", "artists", "album", "genres", "popularity", "duration_ms", "explicit",
                  "features", "url", "cover_url"]

    @extend_schema_field(ArtistRefSerializer(many=True))
    def get_artists(self, track: Track) -> list[dict[str, Any]]:
        return artist_refs(track.ordered_artists)

    def get_genres(self, track: Track) -> list[str]:
        return track.genre_names

    def get_features(self, track: Track) -> dict:
        return track.feature_values()

    def get_cover_url(self, track: Track) -> str | None:
        return cover_url(getattr(track, "album", None))

    def represent(self, track: Any) -> dict[str, Any]:  # a Track, or a TrackRow for search results
        album = getattr(track, "album", None)
        return {"spotify_id": track.spotify_id, "name": track.name, "artists": self.get_artists(track),
                "album": None if album is None else album.name, "genres": self.get_genres(track),
                "popularity": _int_or_none(track.popularity), "duration_ms": _int_or_none(track.duration_ms),
                "explicit": track.explicit, "features": self.get_features(track), "url": track.get_absolute_url(),
                "cover_url": cover_url(album)}


class TrackDetailSerializer(TrackSerializer):
    """One track, its audio features as recommendations use them: a feature missing from the data shows the
    index's estimate, named in `estimated_features`."""

    estimated_features = serializers.SerializerMethodField(
        help_text="The features missing from the data whose value in `features` is the recommendation index's "
                  "estimate (the catalog's median; the commonest value for key, mode and time_signature). "
                  "Empty when every value is the track's own, or when the track is not in the index.")

    class Meta(TrackSerializer.Meta):
        fields = [*TrackSerializer.Meta.fields, "estimated_features"]

    def get_features(self, track: Track) -> dict:
        return filled_features(track).values

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=AUDIO_FEATURES)))
    def get_estimated_features(self, track: Track) -> list[str]:
        return list(filled_features(track).estimated)

    def represent(self, track: Track) -> dict:
        filled = filled_features(track)
        return {**super().represent(track), "features": filled.values, "estimated_features": list(filled.estimated)}


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


class SearchResultSerializer(TrackSerializer):
    score = serializers.FloatField(source="search_score")

    class Meta(TrackSerializer.Meta):
        fields = [*TrackSerializer.Meta.fields, "score"]

    def represent(self, track: Any) -> dict[str, Any]:  # a Track, or a TrackRow for search results
        return {**super().represent(track), "score": float(track.search_score)}


class TopTrackSerializer(serializers.Serializer):
    spotify_id = serializers.CharField()
    name = serializers.CharField()
    url = AbsoluteUrlField(source="*", read_only=True)


class ArtistMatchSerializer(serializers.Serializer):
    """An artist the query names, listed before the tracks with their most popular songs."""

    id = serializers.IntegerField(source="artist.pk")
    name = serializers.CharField(source="artist.name")
    url = AbsoluteUrlField(source="artist", read_only=True)
    exact = serializers.BooleanField(help_text="the query is the artist's name")
    track_count = serializers.IntegerField(source="artist.track_count")
    top_tracks = TopTrackSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    """Search results in the shape of a page of tracks (one page: ``next`` and ``previous`` are null), and the
    artists the query names."""

    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = SearchResultSerializer(many=True)
    artists = ArtistMatchSerializer(many=True)


class ArtistSerializer(serializers.ModelSerializer):
    track_count = serializers.IntegerField(read_only=True)
    genres: serializers.SlugRelatedField[Genre] = serializers.SlugRelatedField(many=True, read_only=True,
                                                                               slug_field="name")

    class Meta:
        model = Artist
        fields = ["id", "name", "spotify_id", "popularity", "genres", "track_count"]


@extend_schema_view(
    list=extend_schema(
        summary="List or fuzzy-search tracks",
        description="Without `q`: visible tracks by popularity, one release per song (the most popular), "
                    "paginated. With `q`: up to `limit` typo-tolerant matches over artist, title and album, best "
                    "first, each with its match `score` (0–100), and in `artists` the artists the query names "
                    "(their name, or its start) with their most popular songs.",
        parameters=[
            OpenApiParameter("q", {"type": "string", "maxLength": settings.SEARCH_MAX_QUERY_LENGTH},
                             description="search text (at most 200 characters)"),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 50},
                             description="search results to return, 1–50 (default 20)"),
            OpenApiParameter("genre", OpenApiTypes.STR, description="only tracks of this genre (listing only)"),
        ],
    ),
    retrieve=extend_schema(summary="One track with its audio features",
                           description="A feature missing from the data shows the value the recommendation index "
                                       "estimated for it, and is named in `estimated_features`."),
)
class TrackViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrackSerializer
    lookup_field = "spotify_id"
    lookup_value_regex = "[^/]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return TrackDetailSerializer if self.action == "retrieve" else TrackSerializer

    def get_queryset(self) -> QuerySet[Track]:
        if self.action == "list":
            return selectors.browse_tracks(genre=self.request.query_params.get("genre"))
        return Track.objects.visible().with_credits()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Both checked in both modes: a bad one is a 400 even where that mode ignores it.
        limit = parse_int(request.query_params.get("limit"), "limit", default=20, low=1, high=50)
        parse_int(request.query_params.get("page"), "page", low=1)  # search answers one page
        query = request.query_params.get("q")
        if query is None or not query.strip():
            return super().list(request, *args, **kwargs)
        results = selectors.search_results(query, limit=limit)
        payload = {"count": len(results), "next": None, "previous": None, "results": results,
                   "artists": selectors.matching_artists(query)}
        return Response(SearchResponseSerializer(payload).data)


@extend_schema_view(
    list=extend_schema(summary="List artists", parameters=[
        OpenApiParameter("name", OpenApiTypes.STR, description="case-insensitive name contains")]),
    retrieve=extend_schema(summary="One artist"),
)
class ArtistViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArtistSerializer

    def get_queryset(self) -> QuerySet[Artist]:
        queryset = selectors.artists_with_track_counts().order_by("name", "id")
        name = self.request.query_params.get("name")
        if name:
            queryset = queryset.filter(name__icontains=name[: settings.SEARCH_MAX_QUERY_LENGTH])
        return queryset
