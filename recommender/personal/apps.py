from django.apps import AppConfig


class PersonalConfig(AppConfig):
    """A Django app nested in the recommender: its own models and migrations under the label ``personal``."""

    name = "recommender.personal"
    label = "personal"
    verbose_name = "Listeners"

    def ready(self):
        from recommender.together.sources import register_row_source

        from .sources import listener_interactions

        # Listeners' likes, plays (and what is registered here, evaluators' ratings) reach the together model.
        register_row_source(listener_interactions)
