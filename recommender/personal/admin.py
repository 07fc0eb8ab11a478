"""Staff views of listeners' data (the only people besides the listener who may see it)."""

from django.contrib import admin

from .models import HistoryImport, PersonalModel, Play, Reaction, TastePick


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["user", "track", "value", "updated_at"]
    list_filter = ["value"]
    search_fields = ["user__username", "track__name", "track__spotify_id"]
    raw_id_fields = ["user", "track"]


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ["user", "track", "played_at", "ms_played"]
    search_fields = ["user__username", "track__name"]
    raw_id_fields = ["user", "track", "history_import"]
    date_hierarchy = "played_at"


@admin.register(HistoryImport)
class HistoryImportAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "filename", "size", "status", "progress", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "filename"]
    readonly_fields = [field.name for field in HistoryImport._meta.fields]


@admin.register(TastePick)
class TastePickAdmin(admin.ModelAdmin):
    list_display = ["user", "genre", "artist", "created_at"]
    raw_id_fields = ["user", "genre", "artist"]


@admin.register(PersonalModel)
class PersonalModelAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "n_listeners", "n_tracks", "n_interactions", "train_seconds", "blend_weight",
                    "mlflow_run_id", "created_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in PersonalModel._meta.fields]

    def has_add_permission(self, request):
        return False  # models come from training only
