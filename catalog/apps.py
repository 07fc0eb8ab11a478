from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from . import signals  # noqa: F401  (connects the catalog-revision signals)
        from .explore import tasks  # noqa: F401  (registers the profile task; autodiscovery finds only tasks.py)
