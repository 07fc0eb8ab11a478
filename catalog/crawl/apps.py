from django.apps import AppConfig


class CrawlConfig(AppConfig):
    """The Spotify crawl as its own app (label ``crawl``): models, admin, commands and tasks discovered like any app's.

    Its tables keep the names they had under the catalog's label (``catalog_crawlrun`` …); the models moved by
    state-only migrations (catalog 0008, crawl 0001) and old admin URLs redirect (songrec/admin_moves.py).
    """

    name = "catalog.crawl"
    label = "crawl"
    verbose_name = "Spotify crawl"
