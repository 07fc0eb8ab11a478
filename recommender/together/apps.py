from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TogetherConfig(AppConfig):
    """A Django app nested in the recommender: the "together" model of tracks people put in one playlist or
    listen to together, under the label ``together``."""

    name = "recommender.together"
    label = "together"
    verbose_name = "Together (collaborative model)"

    def ready(self):
        from recommender.tasks import queue_after_rebuild

        from .active import models_changed  # the app registry must be ready before the models are imported
        from .models import TogetherModel
        from .tasks import TRAIN_TASK

        queue_after_rebuild(TRAIN_TASK)  # retrain the together model after each nightly rebuild

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: models_changed(), sender=TogetherModel, weak=False,
                           dispatch_uid=f"together_models_changed_{signal is post_save}")
