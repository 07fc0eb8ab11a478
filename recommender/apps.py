from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalog.feature_estimates import register_estimator

        from .active_version import index_versions_changed
        from .clusters import admin, tasks  # noqa: F401  (registers the task and admin; discovery finds neither)
        from .clusters.models import Cluster, Clustering
        from .clusters.selectors import clusterings_changed
        from .estimates import index_estimates
        from .models import IndexVersion

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: index_versions_changed(), sender=IndexVersion, weak=False,
                           dispatch_uid=f"index_versions_changed_{signal is post_save}")
            for model in (Clustering, Cluster):
                signal.connect(lambda **kwargs: clusterings_changed(), sender=model, weak=False,
                               dispatch_uid=f"clusterings_changed_{model.__name__}_{signal is post_save}")
        register_estimator(index_estimates)
