from django.apps import AppConfig


class ClustersConfig(AppConfig):
    """The clusters and the catalog map as their own app (label ``clusters``), over the recommender's index.

    Its tables keep the names they had under the recommender's label (``recommender_clustering`` …); the models
    moved by state-only migrations (recommender 0003, clusters 0001) and old admin URLs redirect
    (songrec/admin_moves.py).
    """

    name = "recommender.clusters"
    label = "clusters"
    verbose_name = "Clusters and catalog map"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalog.track_page import register_track_page_part
        from recommender.generation.kinds import register_kind
        from recommender.tasks import link_after_rebuild
        from songrec.lib.warmup import register_warmer

        from .models import Cluster, Clustering
        from .playlist_kind import CLUSTER_KIND
        from .selectors import clusterings_changed, warm_active_clusters
        from .tasks import build_clusters
        from .views import track_page_part

        register_kind(CLUSTER_KIND)  # "Make a playlist of this cluster"
        link_after_rebuild(build_clusters.si)
        register_track_page_part(track_page_part)
        register_warmer(warm_active_clusters)  # the track page's cluster of every track

        for signal in (post_save, post_delete):
            for model in (Clustering, Cluster):
                signal.connect(lambda **kwargs: clusterings_changed(), sender=model, weak=False,
                               dispatch_uid=f"clusterings_changed_{model.__name__}_{signal is post_save}")
