"""Train the listeners' collaborative model now (what the nightly Beat entry runs)."""

from django.core.management.base import BaseCommand

from recommender.personal.training import train_personal_model


class Command(BaseCommand):
    help = "Train, evaluate (held-out @10 metrics), activate and log to MLflow the collaborative (ALS) model."

    def add_arguments(self, parser):
        parser.add_argument("--no-mlflow", action="store_true", help="don't log the run to MLflow")

    def handle(self, *args, no_mlflow=False, **options):
        result = train_personal_model(log_to_mlflow=not no_mlflow)
        if result.model is None:
            self.stdout.write(f"Skipped: {result.skipped}.")
            return
        model = result.model
        methods = ", ".join(f"{name} {values['ndcg_at_10']:.4f}" for name, values in sorted(model.metrics.items())
                            if name in ("als", "content", "hybrid", "popularity"))
        self.stdout.write(f"Personal model {model.pk}: {model.n_listeners} listeners, {model.n_tracks} tracks, "
                          f"{model.n_interactions} interactions, fit {model.train_seconds:.1f} s, blend weight "
                          f"{model.blend_weight}; nDCG@10: {methods or 'not evaluated'}.")
