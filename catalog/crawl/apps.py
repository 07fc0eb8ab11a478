from django.apps import AppConfig


class CrawlConfig(AppConfig):
    """The crawl's own app, so its commands, admin and tasks are discovered like any app's.

    Its models declare ``app_label = "catalog"``: they stay in the catalog's migrations with their tables
    (``catalog_crawlrun`` …) and admin URLs (``/admin/catalog/crawlrun/``) unchanged.
    """

    name = "catalog.crawl"
    label = "crawl"
    verbose_name = "Spotify crawl"
