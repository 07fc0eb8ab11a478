"""Admin of playlists from every source: track counts, search, filters, and the tracks in order, paginated.

The tracks are a linked, paginated list rather than an inline: an inline of a 10,000-track playlist would render
10,000 forms and its save would exceed Django's limit on posted fields.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from .models import Playlist, PlaylistTrack


class SizeFilter(admin.SimpleListFilter):
    title = "size"
    parameter_name = "size"
    SIZES = {"empty": (0, 0), "small": (1, 9), "10-99": (10, 99), "100+": (100, None)}

    def lookups(self, request, model_admin):
        return [("empty", "empty"), ("small", "1–9 tracks"), ("10-99", "10–99 tracks"), ("100+", "100+ tracks")]

    def queryset(self, request, queryset):
        if self.value() not in self.SIZES:
            return queryset
        low, high = self.SIZES[self.value()]
        queryset = queryset.filter(track_count__gte=low)
        return queryset if high is None else queryset.filter(track_count__lte=high)


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "track_count", "genre", "subgenre", "owner", "visibility", "updated_at")
    list_filter = ("source", SizeFilter, "visibility", "genre", "subgenre")
    search_fields = ("name", "external_id", "description", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("tracks_in_order", "created_at", "updated_at")
    list_select_related = ("owner",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_count=Count("entries"))

    @admin.display(description="tracks", ordering="track_count")
    def track_count(self, playlist):
        return playlist.track_count

    @admin.display(description="tracks in order")
    def tracks_in_order(self, playlist):
        url = reverse("admin:playlists_playlisttrack_changelist") + f"?playlist__id__exact={playlist.pk}"
        return format_html('<a href="{}">{} tracks</a>', url, playlist.entries.count())


@admin.register(PlaylistTrack)
class PlaylistTrackAdmin(admin.ModelAdmin):
    list_display = ("position", "track", "playlist", "added_at")
    list_filter = ("playlist__source",)
    search_fields = ("track__name", "track__spotify_id", "playlist__name", "playlist__external_id")
    list_select_related = ("track", "playlist")
    raw_id_fields = ("playlist", "track")
    ordering = ("playlist", "position")
    list_per_page = 200
