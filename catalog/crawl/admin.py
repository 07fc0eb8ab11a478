"""Admin for the crawl's bookkeeping (found by admin autodiscovery). The schedule lives under Periodic tasks."""

from django.contrib import admin, messages

from .models import CrawlCursor, CrawlMark, CrawlRun
from .state import cursor_summary


@admin.register(CrawlRun)
class CrawlRunAdmin(admin.ModelAdmin):
    list_display = ["id", "started_at", "status", "trigger", "albums_crawled", "tracks_created", "tracks_updated",
                    "features_filled", "requests", "error_count", "short_message"]
    list_display_links = ["id", "started_at"]
    list_filter = ["status", "trigger", "started_at"]
    search_fields = ["message"]
    date_hierarchy = "started_at"
    fieldsets = [
        (None, {"fields": ["status", "trigger", "message", "started_at", "finished_at", "heartbeat_at",
                           "features_provider"]}),
        ("Counts", {"fields": [("requests", "rate_limit_waits", "seeds"), ("artists_seen", "artists_adopted"),
                               ("albums_crawled", "tracks_created", "tracks_updated"),
                               ("features_filled", "features_missing"), "error_count"]}),
        ("Errors and cursor", {"fields": ["errors", "cursor"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CrawlRun._meta.fields]

    def has_add_permission(self, request):
        return False  # runs are made by crawling (`manage.py crawl_spotify` or the nightly task)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Outcome")
    def short_message(self, run):
        return run.message if len(run.message) <= 80 else run.message[:79] + "…"


@admin.register(CrawlCursor)
class CrawlCursorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "summary", "updated_at"]
    readonly_fields = ["updated_at", "summary"]
    fields = ["summary", "state", "updated_at"]
    actions = ["reset"]

    @admin.display(description="Where it stands")
    def summary(self, cursor):
        queued = cursor_summary(cursor.state)
        return (f"next seed {queued['next_seed'] or '(first)'}; {queued['albums_queued']} albums and "
                f"{queued['artists_queued']} artists queued; {queued['to_retry']} to retry")

    @admin.action(description="Reset: forget queues and seed position")
    def reset(self, request, queryset):
        queryset.update(state={})
        self.message_user(request, "Cursor reset; the next crawl starts from the first seed.", messages.SUCCESS)


@admin.register(CrawlMark)
class CrawlMarkAdmin(admin.ModelAdmin):
    """Deleting marks makes the next crawl fetch those albums/artists/features again."""

    list_display = ["kind", "key", "fetched_at"]
    list_filter = ["kind", "fetched_at"]
    search_fields = ["key"]
    date_hierarchy = "fetched_at"

    def has_add_permission(self, request):
        return False
