from django.apps import AppConfig


class PersonalConfig(AppConfig):
    """A Django app nested in the recommender: its own models and migrations under the label ``personal``."""

    name = "recommender.personal"
    label = "personal"
    verbose_name = "Listeners"

    def ready(self):
        from recommender.tasks import queue_after_rebuild

        from .tasks import TRAIN_TASK

        queue_after_rebuild(TRAIN_TASK)  # retrain the listeners' model after each nightly rebuild
