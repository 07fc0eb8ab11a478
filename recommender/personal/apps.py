from django.apps import AppConfig


class PersonalConfig(AppConfig):
    """A Django app nested in the recommender: its own models and migrations under the label ``personal``."""

    name = "recommender.personal"
    label = "personal"
    verbose_name = "Listeners"
