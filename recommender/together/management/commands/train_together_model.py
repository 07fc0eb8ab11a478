"""Train the together model now (what the nightly chain queues after the index rebuild)."""

from django.core.management.base import BaseCommand, CommandError

from recommender.together.fitting import FOLD_INS, WEIGHTINGS
from recommender.together.training import default_params, train_together_model
from songrec.lib.console import progress_bar

STAGES = ("reading", "weighting", "als", "neighbours", "artists", "saving", "logging")


class Command(BaseCommand):
    help = ("Fit the together model (implicit ALS and item-item kNN over every playlist and listener), save it "
            "beside the index, log it to MLflow and make it the active model.")

    def add_arguments(self, parser):
        parser.add_argument("--no-mlflow", action="store_true", help="don't log the run to MLflow")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--weighting", choices=WEIGHTINGS,
                            help="row weighting (default: the active model's, or bm25)")
        parser.add_argument("--factors", type=int, help="ALS factors (default: the active model's, or 64)")
        parser.add_argument("--fold-in", choices=FOLD_INS, help="how new rows are scored (default: the active "
                                                                "model's, or als)")
        parser.add_argument("--artist-weight", type=float, help="the artists' share of a together score, 0–1 "
                                                                "(default: the active model's; 0 = tracks only)")

    def handle(self, *args, no_mlflow=False, no_progress=False, weighting=None, factors=None, fold_in=None,
               artist_weight=None, **options):
        params = default_params()
        changes = {name: value for name, value in (("weighting", weighting), ("factors", factors),
                                                   ("fold_in", fold_in), ("artist_weight", artist_weight))
                   if value is not None}
        if factors is not None and not 1 <= factors <= 1024:
            raise CommandError(f"--factors must be between 1 and 1024, got {factors}")
        if artist_weight is not None and not 0.0 <= artist_weight <= 1.0:
            raise CommandError(f"--artist-weight must be between 0 and 1, got {artist_weight}")
        params = params.__class__(**{**params.as_dict(), **changes})
        bar = progress_bar(self.stderr, disable=no_progress, total=len(STAGES), unit="stage")

        def progress(stage):
            bar.set_description(stage)
            bar.update(1)

        try:
            result = train_together_model(params=params, log_to_mlflow=not no_mlflow, progress=progress)
        finally:
            bar.close()
        if result.model is None:
            self.stdout.write(f"Skipped: {result.skipped}; the active model (if any) keeps serving.")
            return
        model = result.model
        self.stdout.write(f"Together model {model.pk} active: {model.n_playlists} playlists, {model.n_listeners} "
                          f"listeners, {model.n_tracks} tracks, {model.n_interactions} entries, fit and saved in "
                          f"{model.train_seconds:.1f} s.")
