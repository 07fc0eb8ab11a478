from django.contrib import admin, messages

from . import services
from .errors import RecommenderError
from .models import IndexVersion


@admin.register(IndexVersion)
class IndexVersionAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "created_at", "n_tracks", "k", "dimensions", "build_seconds", "mlflow_run_id"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in IndexVersion._meta.fields]
    actions = ["activate"]

    def has_add_permission(self, request):
        return False  # versions come from rebuilds only

    @admin.action(description="Activate the selected version (roll back or forward)")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        try:
            version = services.activate_version(queryset.get())
        except RecommenderError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"Index version {version.pk} is now active.", messages.SUCCESS)
