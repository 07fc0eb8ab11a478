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

        from recommender.together.sources import register_row_source

        from .sources import listener_interactions

        # Listeners' likes, plays (and what is registered here, evaluators' ratings) reach the together model.
        register_row_source(listener_interactions)

        from recommender.generation.kinds import register_kind

        from .playlist_kind import FOR_YOU_KIND

        register_kind(FOR_YOU_KIND)  # "Save as playlist" on For you, refreshable like any generated playlist
