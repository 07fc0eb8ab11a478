from django.contrib import admin, messages
from django.db.models import Count, Q

from .models import AUDIO_FEATURES, Album, Artist, CatalogRevision, Genre, Track, TrackArtist, TrackGenre

MISSING_ANY_FEATURE = Q()
for _feature in AUDIO_FEATURES:
    MISSING_ANY_FEATURE |= Q(**{f"{_feature}__isnull": True})


class MissingFeaturesFilter(admin.SimpleListFilter):
    title = "audio features"
    parameter_name = "features"

    def lookups(self, request, model_admin):
        return [("missing", "Missing some"), ("complete", "Complete")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(MISSING_ANY_FEATURE)
        if self.value() == "complete":
            return queryset.exclude(MISSING_ANY_FEATURE)
        return queryset


class TrackArtistInline(admin.TabularInline):
    model = TrackArtist
    extra = 0
    autocomplete_fields = ["artist"]
    ordering = ["position"]


class TrackGenreInline(admin.TabularInline):
    model = TrackGenre
    extra = 0
    autocomplete_fields = ["genre"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "artist_list", "album", "popularity", "hidden", "source", "updated_at"]
    list_filter = ["hidden", MissingFeaturesFilter, "source", "explicit", ("genres", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "spotify_id", "album__name", "artists__name"]
    search_help_text = "Search by title, Spotify id, album or artist."
    autocomplete_fields = ["album"]
    inlines = [TrackArtistInline, TrackGenreInline]
    readonly_fields = ["created_at", "updated_at", "fetched_at", "features_updated_at"]
    actions = ["hide_tracks", "unhide_tracks"]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["spotify_id", "name", "album", "hidden", "explicit", "popularity", "duration_ms",
                           "source"]}),
        ("Audio features", {"fields": [tuple(AUDIO_FEATURES[i:i + 3]) for i in range(0, len(AUDIO_FEATURES), 3)]}),
        ("Timestamps", {"fields": ["created_at", "updated_at", "fetched_at", "features_updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("album").prefetch_related("track_artists__artist")

    @admin.display(description="Artists")
    def artist_list(self, track):
        return track.artist_names

    def _set_hidden(self, request, queryset, hidden):
        changed = queryset.update(hidden=hidden)
        CatalogRevision.bump()
        verb = "Hid" if hidden else "Unhid"
        self.message_user(request, f"{verb} {changed} track{'s' if changed != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Hide selected tracks from search and recommendations")
    def hide_tracks(self, request, queryset):
        self._set_hidden(request, queryset, True)

    @admin.action(description="Unhide selected tracks")
    def unhide_tracks(self, request, queryset):
        self._set_hidden(request, queryset, False)


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "spotify_id", "track_count", "popularity"]
    search_fields = ["name", "spotify_id"]
    list_filter = [("genres", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["created_at", "updated_at"]
    filter_horizontal = ["genres"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_total=Count("tracks", distinct=True))

    @admin.display(description="Tracks", ordering="track_total")
    def track_count(self, artist):
        return artist.track_total


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ["name", "artist", "release_date", "spotify_id"]
    search_fields = ["name", "spotify_id", "artist__name"]
    autocomplete_fields = ["artist"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "track_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_total=Count("track_genres"))

    @admin.display(description="Tracks", ordering="track_total")
    def track_count(self, genre):
        return genre.track_total
