import sys

from django.core.management.base import BaseCommand, CommandError

from recommender.clusters.services import build_clusters
from recommender.errors import NoActiveIndex
from songrec.lib.console import StopsOnSigterm


class Command(StopsOnSigterm, BaseCommand):
    help = ("Fit PCA + KMeans over a range of k, MiniBatchKMeans and HDBSCAN on the active index version's "
            "vectors, log each to MLflow and activate the best.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="refit even when this version is clustered")
        parser.add_argument("--k", type=int, nargs="+", help="k values for PCA + KMeans (default CLUSTERS_K_VALUES)")
        parser.add_argument("--sample", type=int, help="silhouette / HDBSCAN sample size (default CLUSTERS_SAMPLE)")
        parser.add_argument("--no-progress", action="store_true", help="say nothing until the summary")

    def handle(self, force, k, sample, no_progress, **options):
        if k and min(k) < 2:
            raise CommandError("--k values must be at least 2")
        if sample is not None and sample < 10:
            raise CommandError("--sample must be at least 10")
        quiet = no_progress or not sys.stderr.isatty()
        try:
            result = build_clusters(force=force, k_values=k, sample_size=sample,
                                    progress=None if quiet else lambda message: self.stderr.write(f"fitting {message}"))
        except (NoActiveIndex, ValueError) as error:
            raise CommandError(str(error)) from None
        clustering = result.clustering
        if result.skipped:
            self.stdout.write(f"{result.reason}; nothing to do (--force refits).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Fitted {result.candidates} clusterings in {result.seconds:.1f} s; active: {clustering.algorithm} "
            f"{clustering.params} with {clustering.n_clusters} clusters, silhouette "
            f"{clustering.metrics.get('silhouette', float('nan')):.3f}."))
