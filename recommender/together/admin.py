"""Staff view of the together models (read-only: models come from training only)."""

from django.contrib import admin

from .models import TogetherModel


@admin.register(TogetherModel)
class TogetherModelAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "n_playlists", "n_listeners", "n_tracks", "n_interactions", "train_seconds",
                    "similar_blend", "personal_blend", "seeds_blend", "mlflow_run_id", "created_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in TogetherModel._meta.fields]

    def has_add_permission(self, request):
        return False
