from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from songrec.lib.warmup import register_warmer

        from . import signals  # noqa: F401  (connects the catalog-revision signals)
        from .artist_names import warm_artist_names
        from .search import warm_search_index
        from .songs import songs_with_several_tracks

        register_warmer(warm_search_index)
        register_warmer(warm_artist_names)  # the artists a search names
        register_warmer(songs_with_several_tracks)  # which track pages have other releases to show
