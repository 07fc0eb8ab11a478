"""Admin of playlists from every source: list, filter by source and genre, see the tracks in order."""

from django.contrib import admin

from .models import Playlist, PlaylistTrack


class PlaylistTrackInline(admin.TabularInline):
    model = PlaylistTrack
    extra = 0
    raw_id_fields = ("track",)
    ordering = ("position",)


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "owner", "visibility", "genre", "subgenre", "updated_at")
    list_filter = ("source", "visibility", "genre")
    search_fields = ("name", "external_id", "owner__username")
    raw_id_fields = ("owner",)
    inlines = [PlaylistTrackInline]
