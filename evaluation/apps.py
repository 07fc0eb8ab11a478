from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"

    def ready(self):
        from recommender.personal.sources import register_interaction_source

        from .listeners import rating_interactions

        register_interaction_source(rating_interactions)
