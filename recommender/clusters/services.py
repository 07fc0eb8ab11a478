"""Writes: fit the candidate clusterings of the active index version, log them, activate the best.

The candidates are fitted and scored in memory first; the rows (every candidate, the winner's clusters and
its ~90k memberships) are then written and switched in by one transaction, so pages keep showing the
previous clustering until the new one is complete.
"""

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from songrec.lib.mlflow_runs import log_run

from .. import storage
from ..errors import NoActiveIndex
from ..models import IndexVersion
from . import fitting
from .labels import ClusterDescription, describe
from .models import Cluster, Clustering, ClusterMember

logger = logging.getLogger(__name__)
MEMBER_BATCH = 5000


@dataclass
class ClusterResult:
    clustering: Clustering | None
    skipped: bool = False
    reason: str = ""
    candidates: int = 0
    seconds: float = 0.0


def build_clusters(*, force: bool = False, progress: Callable[[str], None] | None = None,
                   k_values: Sequence[int] | None = None, sample_size: int | None = None,
                   map_sample: int | None = None) -> ClusterResult:
    """Cluster the active index version's vectors; skip when its active clustering exists (unless ``force``).

    ``progress(message)`` is told about each candidate. Raises NoActiveIndex before the first index build.
    """
    started = time.perf_counter()
    version = IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()
    if version is None:
        raise NoActiveIndex()
    current = Clustering.objects.filter(active=True).first()
    if current is not None and current.version_id == version.pk and not force:
        return ClusterResult(current, skipped=True,
                             reason=f"index version {version.pk} is already clustered ({current})")
    data = storage.version_data(version.pk)
    if len(data) < 3:
        raise ValueError(f"index version {version.pk} holds {len(data)} tracks; clustering needs at least 3")
    space = fitting.prepare(data.normalized, settings.CLUSTERS_PCA_COMPONENTS,
                            sample_size or settings.CLUSTERS_SAMPLE)
    fits = []
    for candidate in fitting.candidates(k_values or settings.CLUSTERS_K_VALUES, len(data)):
        if progress is not None:
            progress(f"{candidate.algorithm} {candidate.params}")
        result = fitting.fit(candidate, space)
        result.mlflow_run_id = _log(result, version, space)
        fits.append(result)
    winner = fitting.best(fits)
    genre_names = json.loads((data.directory / "genres.json").read_text())
    descriptions = describe(winner.labels, data.attributes[:, :12], genre_indptr=data.genre_indptr,
                            genre_indices=data.genre_indices, genre_names=genre_names)
    clustering = _store(version, fits, winner, descriptions, track_ids=data.track_ids, space=space,
                        map_sample=map_sample or settings.CLUSTERS_MAP_SAMPLE)
    return ClusterResult(clustering, candidates=len(fits), seconds=time.perf_counter() - started)


def _log(result: fitting.Fit, version: IndexVersion, space: fitting.Space) -> str:
    """The candidate's MLflow run id, or "" when MLflow is unavailable (the clustering is good without it)."""
    return log_run(
        settings.CLUSTERS_EXPERIMENT, f"{result.candidate.algorithm}-v{version.pk}",
        params={"algorithm": result.candidate.algorithm, **result.candidate.params, "index_version": version.pk,
                "n_tracks": len(result.labels), "dimensions": space.vectors.shape[1],
                "pca_components": space.reduced.shape[1], "silhouette_sample": len(space.sample)},
        metrics={**result.metrics, "pca_seconds": space.pca_seconds},
        tags={"songrec.index_version": version.pk, "songrec.eligible": result.eligible},
        texts={"cluster_sizes.json": json.dumps(result.sizes)}).run_id


def _store(version: IndexVersion, fits: list[fitting.Fit], winner: fitting.Fit, descriptions: list[ClusterDescription],
           *, track_ids: np.ndarray, space: fitting.Space, map_sample: int) -> Clustering:
    rng = np.random.default_rng(fitting.SEED)
    on_map = np.zeros(len(track_ids), dtype=bool)
    on_map[rng.choice(len(track_ids), size=min(map_sample, len(track_ids)), replace=False)] = True
    coordinates = fitting.map_projection(space, winner.labels)
    with transaction.atomic():
        rows = {}
        for result in fits:
            rows[id(result)] = Clustering.objects.create(
                version=version, algorithm=result.candidate.algorithm, params=result.candidate.params,
                metrics=result.metrics, sizes=result.sizes, n_clusters=result.n_clusters, fit_seconds=result.seconds,
                mlflow_run_id=result.mlflow_run_id, eligible=result.eligible)
        chosen = rows[id(winner)]
        clusters = {item.number: Cluster.objects.create(
            clustering=chosen, number=item.number, label=item.label[:300], size=item.size, top_genres=item.top_genres,
            distinctive=item.distinctive, feature_means=item.feature_means, color=item.color)
            for item in descriptions}
        # The previous clustering's memberships go: only the active clustering keeps them.
        ClusterMember.objects.all().delete()
        cluster_ids = {number: cluster.pk for number, cluster in clusters.items()}
        for start in range(0, len(track_ids), MEMBER_BATCH):
            stop = min(len(track_ids), start + MEMBER_BATCH)
            ClusterMember.objects.bulk_create([
                ClusterMember(cluster_id=cluster_ids[int(winner.labels[i])], track_id=int(track_ids[i]),
                              x=float(coordinates[i, 0]), y=float(coordinates[i, 1]), on_map=bool(on_map[i]))
                for i in range(start, stop)])
        Clustering.objects.filter(active=True).update(active=False)
        chosen.active = True
        chosen.save(update_fields=["active"])
    cache.delete_many([f"clusters:map:{chosen.pk}"])
    return chosen
