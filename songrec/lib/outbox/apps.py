from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The outbox as its own app (label ``outbox``); its table is still ``catalog_pendingtask``."""

    name = "songrec.lib.outbox"
    label = "outbox"
    verbose_name = "Task outbox"
