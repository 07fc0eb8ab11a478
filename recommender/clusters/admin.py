"""Admin of the clusterings: compare candidates, rename a cluster's label."""

from django.contrib import admin

from .models import Cluster, Clustering


class ClusterInline(admin.TabularInline):
    model = Cluster
    fields = ["number", "label", "size", "top_genres", "color"]
    readonly_fields = ["number", "size", "top_genres"]
    extra = 0
    can_delete = False


@admin.register(Clustering)
class ClusteringAdmin(admin.ModelAdmin):
    list_display = ["id", "version", "algorithm", "params", "n_clusters", "silhouette", "fit_seconds", "eligible",
                    "active"]
    list_filter = ["algorithm", "active", "eligible"]
    readonly_fields = [field.name for field in Clustering._meta.fields]
    inlines = [ClusterInline]

    def has_add_permission(self, request):
        return False
