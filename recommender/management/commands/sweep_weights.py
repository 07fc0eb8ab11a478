"""manage.py sweep_weights: measure similar lists for a grid of genre/audio weights, one MLflow run each."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommender.index.features import load_catalog
from recommender.index.weight_sweep import EXPERIMENT, Sweep, describe, mlflow_logger

from ...errors import RecommenderError


def weight_list(text):
    """"0,0.25,0.5" → [0.0, 0.25, 0.5] (the values are checked by IndexParams)."""
    try:
        return [float(value) for value in text.split(",") if value.strip()]
    except ValueError:
        raise ValueError(text) from None


class Command(BaseCommand):
    help = ("For a sample of seed tracks of the catalog, compute their exact similar lists under each weighting "
            "of a genre × audio weight grid and report genre precision, audio distance, artist diversity, "
            "coverage and same-song rates; each weighting and metric is logged as an MLflow run.")

    def add_arguments(self, parser):
        parser.add_argument("--genre-weights", type=weight_list, default=[0.0, 0.25, 0.5, 0.75],
                            metavar="W,W,…", help="genre weights to try (default 0,0.25,0.5,0.75)")
        parser.add_argument("--audio-weights", type=weight_list, default=[1.0], metavar="W,W,…",
                            help="audio weights to try (default 1)")
        parser.add_argument("--seeds", type=int, default=3000, help="random seed tracks measured (default 3000)")
        parser.add_argument("-k", type=int, default=10, help="list length measured (default 10)")
        parser.add_argument("--random-seed", type=int, default=3000, help="fixes the choice of seed tracks")
        parser.add_argument("--experiment", default=EXPERIMENT, help=f"MLflow experiment (default {EXPERIMENT})")
        parser.add_argument("--no-mlflow", action="store_true", help="print only")

    def handle(self, *args, **options):
        sweep = Sweep(table=None, genre_weights=options["genre_weights"], audio_weights=options["audio_weights"],
                      seeds=options["seeds"], k=options["k"], random_seed=options["random_seed"])
        try:
            sweep.weightings()  # bad weights fail before the catalog is read
            sweep.table = load_catalog()
            log = None if options["no_mlflow"] else mlflow_logger(
                settings.MLFLOW_TRACKING_URI, options["experiment"], dataset="catalog")
            results = sweep.run(on_result=lambda result: self.stdout.write(describe(result)), log=log)
        except RecommenderError as error:
            raise CommandError(str(error)) from None
        where = "not logged" if options["no_mlflow"] else f"MLflow experiment {options['experiment']}"
        self.stdout.write(self.style.SUCCESS(
            f"{len(results)} runs ({len(results) // 2} weightings × 2 metrics) over {results[0].seeds} seeds of "
            f"{len(sweep.table):,} tracks, k={sweep.k}; {where}."))
