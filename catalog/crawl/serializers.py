"""Response shapes of the crawl API (the OpenAPI schema is generated from these)."""

from rest_framework import serializers

from .models import CrawlRun


class CrawlRunSerializer(serializers.ModelSerializer):
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = CrawlRun
        fields = ["id", "status", "trigger", "started_at", "finished_at", "duration_seconds", "message",
                  "features_provider", "requests", "seeds", "artists_seen", "artists_adopted", "albums_crawled",
                  "tracks_created", "tracks_updated", "features_filled", "features_missing", "rate_limit_waits",
                  "error_count", "errors", "cursor", "drift", "drift_flagged"]
        read_only_fields = fields

    def get_duration_seconds(self, run) -> float | None:
        return run.duration.total_seconds() if run.duration else None


class CursorSummarySerializer(serializers.Serializer):
    next_seed = serializers.CharField(allow_blank=True, help_text="key of the seed the crawl takes next")
    catalog_artist_after = serializers.CharField(allow_blank=True,
                                                 help_text="where the walk over the catalog's artists stands")
    artists_queued = serializers.IntegerField()
    albums_queued = serializers.IntegerField()
    to_retry = serializers.IntegerField(help_text="ids waiting to be asked again")


class CrawlScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    task = serializers.CharField()
    enabled = serializers.BooleanField()
    cron = serializers.CharField(allow_blank=True, help_text='five cron fields, e.g. "30 3 * * *"')
    timezone = serializers.CharField(allow_blank=True)
    last_run_at = serializers.DateTimeField(allow_null=True)
    total_run_count = serializers.IntegerField()


class CrawlStatusSerializer(serializers.Serializer):
    configured = serializers.BooleanField(help_text="Spotify credentials are set")
    features_provider = serializers.CharField()
    seeds = serializers.ListField(child=serializers.CharField())
    seed_error = serializers.CharField(allow_blank=True, help_text="why the configured seeds are unusable, if so")
    running = serializers.IntegerField(source="running.pk", allow_null=True,
                                       help_text="id of the crawl run in progress, if any")
    cursor = CursorSummarySerializer()
    schedule = CrawlScheduleSerializer(allow_null=True, help_text="the Beat entry of the nightly crawl")
    crawled_tracks = serializers.IntegerField(help_text="tracks fetched from Spotify at least once")
    tracks_missing_features = serializers.IntegerField()


class CrawlQueuedSerializer(serializers.Serializer):
    crawl_task = serializers.CharField(help_text="Celery task id of the crawl")
    rebuild_task = serializers.CharField(help_text="Celery task id of the index rebuild that follows it")
