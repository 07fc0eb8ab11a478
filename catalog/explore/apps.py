from django.apps import AppConfig


class ExploreConfig(AppConfig):
    """The catalog explorer as its own app (label ``explore``): pages, API and the profile task (autodiscovered)."""

    name = "catalog.explore"
    label = "explore"
    verbose_name = "Catalog explorer"
