"""Serializers of the explorer API (the OpenAPI schema is generated from them)."""

from rest_framework import serializers


class HistogramSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["binned", "discrete"])
    edges = serializers.ListField(child=serializers.FloatField(), required=False,
                                  help_text="bin edges (binned features): len(counts) + 1 values")
    values = serializers.ListField(child=serializers.IntegerField(), required=False,
                                   help_text="the values counted (discrete features: key, mode, time_signature)")
    counts = serializers.ListField(child=serializers.IntegerField())


class FeatureSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="tracks with a value")
    missing = serializers.IntegerField(help_text="tracks without one")
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    std = serializers.FloatField(allow_null=True)
    histogram = HistogramSerializer()


class CorrelationsSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    pearson = serializers.ListField(child=serializers.ListField(child=serializers.FloatField(allow_null=True)))
    spearman = serializers.ListField(child=serializers.ListField(child=serializers.FloatField(allow_null=True)))


class NameCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class ExplicitSerializer(serializers.Serializer):
    explicit = serializers.IntegerField()
    clean = serializers.IntegerField()


class PopularitySerializer(serializers.Serializer):
    missing = serializers.IntegerField()
    edges = serializers.ListField(child=serializers.IntegerField())
    counts = serializers.ListField(child=serializers.IntegerField())
    mean = serializers.FloatField(allow_null=True)


class ProfileSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="the catalog revision the profile was computed from")
    stale = serializers.BooleanField(help_text="true while the current revision's profile is being computed")
    computed_at = serializers.DateTimeField()
    seconds = serializers.FloatField(help_text="time the summary took (after reading the catalog)")
    genre = serializers.CharField(allow_null=True)
    tracks = serializers.IntegerField()
    features = FeatureSummarySerializer(many=True)
    correlations = CorrelationsSerializer()
    genres = NameCountSerializer(many=True, help_text="the most common genres, most tracks first")
    genre_count = serializers.IntegerField(help_text="distinct genres among the tracks")
    artists = NameCountSerializer(many=True, help_text="artists with the most credited tracks")
    explicit = ExplicitSerializer()
    popularity = PopularitySerializer()
