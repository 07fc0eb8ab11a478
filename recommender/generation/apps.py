from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """Generated playlists (radio, more like this, song path, and the kinds higher layers register), label
    ``generation``."""

    name = "recommender.generation"
    label = "generation"
    verbose_name = "Generated playlists"

    def ready(self):
        # Registers the built-in kinds; models can be imported only once the app registry is ready.
        from . import kinds  # noqa: F401, PLC0415
