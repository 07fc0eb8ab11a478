"""API clients in the admin: staff create them (the secret is shown once) and deactivate or re-key them."""

from django.contrib import admin, messages

from . import services
from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "client_id"]
    readonly_fields = ["client_id", "created_at"]
    actions = ["new_secret"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", "client_id", "active", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        credentials = services.create_api_client(obj.name)
        obj.pk, obj.client_id, obj.secret_sha256 = credentials.client.pk, credentials.client_id, \
            credentials.client.secret_sha256
        obj.created_at, obj.active = credentials.client.created_at, credentials.client.active
        obj._state.adding = False
        self._show_secret(request, credentials)

    @admin.action(description="Give the selected client a new secret (ends its tokens)")
    def new_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one client.", messages.ERROR)
            return
        self._show_secret(request, services.rotate_secret(queryset.get()))

    def _show_secret(self, request, credentials):
        self.message_user(request, f"client_id={credentials.client_id} client_secret={credentials.client_secret} "
                                   "— copy the secret now: it is stored only hashed and shown this once.",
                          messages.WARNING)
