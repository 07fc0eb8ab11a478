"""Serializers of the clusters API (the OpenAPI schema is generated from them)."""

from rest_framework import serializers

from .models import Cluster, Clustering


class ClusteringSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clustering
        fields = ["id", "version", "algorithm", "params", "metrics", "sizes", "n_clusters", "fit_seconds",
                  "mlflow_run_id", "eligible", "active", "created_at"]
        read_only_fields = fields


class ClusterSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = ["number", "label", "size", "top_genres", "distinctive", "feature_means", "color", "url"]
        read_only_fields = fields

    def get_url(self, cluster) -> str:
        return f"/clusters/{cluster.number}/"


class ClusterListSerializer(serializers.Serializer):
    clustering = ClusteringSerializer()
    candidates = ClusteringSerializer(many=True, help_text="every candidate fitted on the same index version")
    clusters = ClusterSerializer(many=True)


class ClusterTrackSerializer(serializers.Serializer):
    spotify_id = serializers.CharField()
    name = serializers.CharField()
    artists = serializers.ListField(child=serializers.CharField())
    popularity = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class ClusterDetailSerializer(ClusterSerializer):
    catalog_means = serializers.DictField(child=serializers.FloatField())
    tracks = ClusterTrackSerializer(many=True)
    page = serializers.IntegerField()
    pages = serializers.IntegerField()

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "catalog_means", "tracks", "page", "pages"]


class MapPointSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    x = serializers.FloatField()
    y = serializers.FloatField()
    cluster = serializers.IntegerField()


class MapFocusSerializer(serializers.Serializer):
    track = MapPointSerializer()
    neighbours = MapPointSerializer(many=True)


class LegendSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    number = serializers.IntegerField(required=False)
    label = serializers.CharField(required=False)
    size = serializers.IntegerField(required=False)
    color = serializers.CharField()


class ColumnField(serializers.ListField):
    """A column of the map, already plain floats / ints / strings (built by selectors.map_points): passed through
    whole instead of item by item, which for 6 × 15,000 values took most of the response time."""

    def to_representation(self, data):
        return list(data)


class MapSerializer(serializers.Serializer):
    """The map's sample as parallel arrays (compact for 10–20k dots)."""

    clustering = serializers.IntegerField()
    clusters = LegendSerializer(many=True)
    genres = LegendSerializer(many=True, help_text="the most common genres' colours; other genres are grey")
    other_color = serializers.CharField()
    x = ColumnField(child=serializers.FloatField())
    y = ColumnField(child=serializers.FloatField())
    cluster = ColumnField(child=serializers.IntegerField())
    genre = ColumnField(child=serializers.IntegerField(), help_text="index into genres, -1 for other")
    id = ColumnField(child=serializers.CharField())
    label = ColumnField(child=serializers.CharField(allow_blank=True))
    focus = MapFocusSerializer(allow_null=True, required=False)
