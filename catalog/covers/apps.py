from django.apps import AppConfig


class CoversConfig(AppConfig):
    """Cover art as its own app (label ``covers``): the oEmbed fetch job, its command and the cover template tag.

    The image URL itself lives on ``catalog.Album`` (the crawl stores it there too).
    """

    name = "catalog.covers"
    label = "covers"
    verbose_name = "Cover art"
