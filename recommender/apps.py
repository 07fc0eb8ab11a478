from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"

    def ready(self):
        from .clusters import admin, tasks  # noqa: F401  (registers the task and admin; discovery finds neither)
