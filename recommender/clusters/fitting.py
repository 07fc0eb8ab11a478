"""Fit candidate clusterings of the index vectors and score them the same way.

Every candidate works on the index's normalised (cosine-space) vectors or their PCA reduction, and is
scored on the full vectors: silhouette on a fixed random sample (it is quadratic), Calinski–Harabasz and
Davies–Bouldin on every track. HDBSCAN is fitted on that sample in the PCA space (on all ~90k tracks it takes
far too long on two cores); the other tracks take the label of their nearest sample track.

The map plots the winner's clusters on the two directions that best separate them (``map_projection``, linear
discriminant analysis of the PCA space on the cluster labels): the first two principal components follow the
catalog's overall spread, along which eight clusters of the real catalog overlap as one blob.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans, MiniBatchKMeans
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.neighbors import NearestNeighbors

NOISE = -1
# The selection rule (README): among candidates with MIN..MAX clusters, no cluster over MAX_SHARE of the
# tracks and at most MAX_NOISE of them unassigned, the highest silhouette wins.
MIN_CLUSTERS, MAX_CLUSTERS, MAX_SHARE, MAX_NOISE = 6, 40, 0.35, 0.25
MINIBATCH_RUNS = 2  # MiniBatchKMeans is fitted with the largest k values of the range
SEED = 0


@dataclass
class Candidate:
    algorithm: str
    params: dict


@dataclass
class Fit:
    candidate: Candidate
    labels: np.ndarray  # int per track, NOISE for unassigned
    seconds: float
    metrics: dict = field(default_factory=dict)
    sizes: list = field(default_factory=list)
    eligible: bool = False
    mlflow_run_id: str = ""  # set once the candidate is logged

    @property
    def n_clusters(self):
        return len(self.sizes)


@dataclass
class Space:
    """The vectors in the forms the candidates use, and the fixed sample they are scored on."""

    vectors: np.ndarray  # n × d, the index's normalised vectors
    reduced: np.ndarray  # n × components, PCA of the vectors
    sample: np.ndarray  # row numbers, sorted
    pca_seconds: float


def prepare(vectors, components, sample_size, seed=SEED):
    started = time.perf_counter()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    components = max(2, min(components, vectors.shape[1], len(vectors)))
    reduced = PCA(n_components=components, random_state=seed).fit_transform(vectors).astype(np.float32)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(vectors), size=min(sample_size, len(vectors)), replace=False))
    return Space(vectors, reduced, sample, time.perf_counter() - started)


def candidates(k_values, n_tracks):
    """PCA + KMeans over ``k_values``, MiniBatchKMeans on the full vectors (largest k values), and HDBSCAN."""
    usable = sorted({k for k in k_values if 2 <= k < n_tracks})
    found = [Candidate("pca-kmeans", {"k": k}) for k in usable]
    found += [Candidate("minibatch-kmeans", {"k": k}) for k in usable[-MINIBATCH_RUNS:]]
    found.append(Candidate("hdbscan", {"min_cluster_size": 25, "min_samples": 10}))
    return found


def _labels(candidate, space):
    params = candidate.params
    if candidate.algorithm == "pca-kmeans":
        return KMeans(n_clusters=params["k"], n_init=2, random_state=SEED).fit_predict(space.reduced)
    if candidate.algorithm == "minibatch-kmeans":
        model = MiniBatchKMeans(n_clusters=params["k"], batch_size=4096, n_init=3, random_state=SEED)
        return model.fit_predict(space.vectors)
    if candidate.algorithm == "hdbscan":
        points = space.reduced[space.sample]
        min_cluster_size = max(2, min(params["min_cluster_size"], len(points) // 2))
        model = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min(params["min_samples"], min_cluster_size),
                        copy=False)  # ``points`` is already a copy (fancy indexing)
        sample_labels = model.fit_predict(points)
        nearest = NearestNeighbors(n_neighbors=1).fit(points).kneighbors(space.reduced, return_distance=False)
        return sample_labels[nearest[:, 0]]
    raise ValueError(f"unknown clustering algorithm {candidate.algorithm!r}")


def score(labels, space):
    """Quality of a labelling on the full vectors (noise left out); None where a score is undefined."""
    assigned = labels != NOISE
    metrics = {"noise_fraction": float(1 - assigned.mean()) if len(labels) else 0.0,
               "silhouette": None, "calinski_harabasz": None, "davies_bouldin": None}
    in_sample = space.sample[assigned[space.sample]]
    if len(np.unique(labels[assigned])) >= 2:
        vectors, kept = space.vectors[assigned], labels[assigned]
        metrics["calinski_harabasz"] = float(calinski_harabasz_score(vectors, kept))
        metrics["davies_bouldin"] = float(davies_bouldin_score(vectors, kept))
        if 2 <= len(np.unique(labels[in_sample])) < len(in_sample):
            metrics["silhouette"] = float(silhouette_score(space.vectors[in_sample], labels[in_sample]))
    return metrics


def fit(candidate, space):
    started = time.perf_counter()
    labels = np.asarray(_labels(candidate, space), dtype=np.int64)
    seconds = time.perf_counter() - started
    result = Fit(candidate, labels, seconds, metrics=score(labels, space))
    counts = np.bincount(labels[labels != NOISE]) if (labels != NOISE).any() else np.zeros(0, np.int64)
    result.sizes = sorted((int(count) for count in counts if count), reverse=True)
    largest = result.sizes[0] / len(labels) if result.sizes else 1.0
    result.metrics.update(fit_seconds=seconds, n_clusters=len(result.sizes), largest_share=largest,
                          smallest=result.sizes[-1] if result.sizes else 0)
    result.eligible = (MIN_CLUSTERS <= len(result.sizes) <= MAX_CLUSTERS and largest <= MAX_SHARE
                       and result.metrics["noise_fraction"] <= MAX_NOISE and result.metrics["silhouette"] is not None)
    return result


def best(fits):
    """The winner by the selection rule; when no candidate is eligible, the best silhouette of all."""
    pool = [item for item in fits if item.eligible] or [item for item in fits if item.metrics["silhouette"] is not None]
    if not pool:
        return None
    return max(pool, key=lambda item: (item.metrics["silhouette"], item.metrics["calinski_harabasz"] or 0.0))


def map_projection(space: Space, labels: np.ndarray) -> np.ndarray:
    """n × 2 map coordinates: the two discriminant directions of the clusters (fitted on the sample's clustered
    tracks, unclustered ones left out), or the first two principal components when there are fewer than three
    clusters to tell apart."""
    labels = np.asarray(labels)
    fitted_on = space.sample[labels[space.sample] != NOISE]
    if len(np.unique(labels[fitted_on])) < 3 or space.reduced.shape[1] < 2:
        return space.reduced[:, :2]
    lda = LinearDiscriminantAnalysis(n_components=2, solver="svd")
    lda.fit(space.reduced[fitted_on], labels[fitted_on])
    return lda.transform(space.reduced).astype(np.float32)
