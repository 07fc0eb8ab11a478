from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from recommender.annotations import register_list_annotator
        from recommender.personal.sources import register_interaction_source

        from .listeners import rating_interactions
        from .models import Rating
        from .scores import ratings_changed, with_human_scores

        register_interaction_source(rating_interactions)
        register_list_annotator(with_human_scores)  # the human scores beside similar lists, on pages and the API
        # Ratings written one by one (the admin, a retried insert) or deleted; bulk inserts call it themselves.
        for signal in (post_save, post_delete):
            signal.connect(lambda created=True, **kwargs: created and ratings_changed(), sender=Rating, weak=False,
                           dispatch_uid=f"ratings_changed_{signal is post_save}")
