"""manage.py rebuild_index: build a new index version (both metrics), log it to MLflow, activate it."""

from django.core.management.base import BaseCommand, CommandError

from catalog.models import AUDIO_FEATURES
from recommender import services, tasks
from recommender.index import incremental
from recommender.index.params import MAX_K, IndexParams
from recommender.index.progress import STAGE_LABELS
from songrec.lib.console import StopsOnSigterm, is_terminal, progress_bar

from ...errors import RecommenderError


def feature_weight(text):
    name, separator, value = text.partition("=")
    if not separator:
        raise ValueError(text)
    return name.strip(), float(value)


class Command(StopsOnSigterm, BaseCommand):
    help = "Rebuild the recommendation index from the catalog and make it the active version."

    def add_arguments(self, parser):
        parser.add_argument("--if-stale", action="store_true",
                            help="do nothing if the active version was built with the same parameters from the "
                                 "current catalog")
        parser.add_argument("--k", type=int, help=f"neighbours stored per track and metric (1–{MAX_K})")
        parser.add_argument("--audio-weight", type=float)
        parser.add_argument("--genre-weight", type=float)
        parser.add_argument("--popularity-weight", type=float)
        parser.add_argument("--feature-weight", type=feature_weight, action="append", default=[],
                            metavar="NAME=WEIGHT",
                            help=f"weight of one audio feature ({', '.join(AUDIO_FEATURES)}); repeatable")
        parser.add_argument("--no-activate", action="store_true", help="build, but keep the current version active")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--incremental", action="store_true",
                            help="update the active version with the catalog's changes (its pipeline kept), or "
                                 "rebuild fully when the parameters changed or the catalog drifted")
        parser.add_argument("--distributed", action="store_true",
                            help="queue the rebuild as row shards for the Celery workers (a chord) and return")
        parser.add_argument("--shard-rows", type=int, help="rows per shard with --distributed")
        exactness = parser.add_mutually_exclusive_group()
        exactness.add_argument("--approximate", action="store_const", const=True, dest="approximate",
                               help="approximate neighbour lists (k-means lists, faiss; recall measured, the "
                                    "build refused under RECOMMENDER_APPROXIMATE_MIN_RECALL); default: "
                                    "RECOMMENDER_APPROXIMATE")
        exactness.add_argument("--exact", action="store_const", const=False, dest="approximate",
                               help="exact neighbour lists even when RECOMMENDER_APPROXIMATE is set")
        parser.add_argument("--nlist", type=int, help="k-means lists with --approximate (0: one per 256 tracks)")
        parser.add_argument("--nprobe", type=int, help="lists each track searches with --approximate")

    def handle(self, *args, **options):
        try:
            params = IndexParams.from_settings(
                k=options["k"], audio_weight=options["audio_weight"], genre_weight=options["genre_weight"],
                popularity_weight=options["popularity_weight"],
                feature_weights=dict(options["feature_weight"]) or None, approximate=options["approximate"],
                nlist=options["nlist"], nprobe=options["nprobe"])
        except RecommenderError as error:
            raise CommandError(str(error)) from None
        bar = None
        show = not options["no_progress"]
        on_terminal = is_terminal(self.stderr)
        stages_logged = set()

        def progress(stage, fraction):
            # The bar starts with the build's first report, so --if-stale with nothing to do prints no empty bar.
            nonlocal bar
            if not show:
                return
            label = STAGE_LABELS.get(stage, stage or "")
            if not on_terminal:  # a log: one line per stage instead of a bar's redraws
                if stage not in stages_logged:
                    stages_logged.add(stage)
                    self.stderr.write(f"{round(fraction * 100):3d}% {label}")
                return
            if bar is None:
                bar = progress_bar(self.stderr, total=100, unit="%",
                                   bar_format="{desc:<32} {bar} {percentage:3.0f}% {elapsed}")
            bar.set_description_str(label, refresh=False)
            bar.update(round(fraction * 100) - bar.n)

        if options["distributed"]:
            return self.queue_distributed(params, options["shard_rows"])
        try:
            if options["incremental"]:
                result = incremental.refresh_index(params, progress=progress)
            else:
                result = services.rebuild_index(params, if_stale=options["if_stale"],
                                                activate=not options["no_activate"], progress=progress)
        except RecommenderError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("interrupted; the previous version stays active") from None
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(self.summary(result))

    def queue_distributed(self, params, shard_rows):
        try:
            version, shards = tasks.start_distributed_rebuild(params, shard_rows)
        except RecommenderError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Index version {version.pk}: {len(shards)} shards queued for the Celery workers; "
                          f"it becomes active when the last one is done (see /index/).")

    def summary(self, result):
        version = result.version
        if result.skipped:
            return f"Nothing to do: {result.reason}."
        metrics = version.metrics
        precision = " / ".join(f"{metric} {values['genre_precision_at_10']:.3f}" for metric, values in metrics.items())
        timings = version.timings
        state = "now active" if result.activated else "ready (not activated)"
        state += f" ({result.reason})" if result.reason else ""
        mlflow = f"MLflow run {version.mlflow_run_id}" if version.mlflow_run_id else version.message
        pruned = f"; pruned version(s) {', '.join(map(str, result.pruned))}" if result.pruned else ""
        recall = " / ".join(f"{metric} {values['recall_at_k']:.4f}" for metric, values in metrics.items()
                            if "recall_at_k" in values)
        recall = f"; approximate, recall@{version.k} {recall}" if recall else ""
        return (f"Index version {version.pk} {state}: {version.n_tracks:,} tracks, k={version.k}{recall}, "
                f"{version.dimensions} dimensions; top-k {timings.get('top_k', 0):.1f} s, total "
                f"{timings.get('total', 0):.1f} s; genre precision@10 {precision}; {mlflow}{pruned}.")
