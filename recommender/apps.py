from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalog.crawl.tasks import run_after_crawl
        from catalog.feature_estimates import register_estimator
        from catalog.track_page import register_track_page_part
        from songrec.lib.warmup import register_warmer

        from .active_version import index_versions_changed
        from .estimates import index_estimates
        from .models import IndexVersion, index_versions_updated
        from .selectors import warm_active_index
        from .tasks import nightly_rebuild
        from .track_page import similar_panel

        run_after_crawl(nightly_rebuild)
        register_track_page_part(similar_panel)
        register_warmer(warm_active_index)
        register_estimator(index_estimates)

        for signal in (post_save, post_delete, index_versions_updated):
            signal.connect(lambda **kwargs: index_versions_changed(), sender=IndexVersion, weak=False,
                           dispatch_uid=f"index_versions_changed_{signal is post_save}_{signal is post_delete}")
