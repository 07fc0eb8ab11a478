"""The taste profile: a listener's positive tracks clustered into a few tastes in the index's feature space.

A listener who likes both jazz and metal has two tastes; averaging them would point at neither (somewhere
around mellow rock). So the weighted unit vectors of their tracks are clustered by a small spherical k-means
(deterministic farthest-point start); clusters whose centres are close merge, tiny ones join their nearest.
Each taste scores the catalog by cosine similarity to its centre, and the lists are interleaved in proportion
to the tastes' weights.
"""

from dataclasses import dataclass

import numpy as np

MAX_TASTES = 4
# Two tastes whose centres are this similar are one taste; a taste under this share of weight joins another.
MERGE_SIMILARITY = 0.5
MIN_SHARE = 0.1
KMEANS_ROUNDS = 10


@dataclass
class Taste:
    centre: np.ndarray  # unit vector
    weight: float  # share of the profile's weight, the tastes' sum to 1
    members: np.ndarray  # positions (in the index version) of the profile tracks in this taste


def find_tastes(vectors, weights, positions):
    """Tastes of a profile: ``vectors`` (n × d unit rows), ``weights`` (n, > 0), ``positions`` (n)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    weights = np.asarray(weights, dtype=np.float64)
    n = len(vectors)
    if n == 0:
        return []
    k = min(MAX_TASTES, n)
    labels = _spherical_kmeans(vectors, weights, k)
    labels = _merge(vectors, weights, labels)
    tastes = []
    total = float(weights.sum())
    for label in np.unique(labels):
        members = labels == label
        tastes.append(Taste(_centre(vectors[members], weights[members]), float(weights[members].sum()) / total,
                            np.asarray(positions)[members]))
    tastes.sort(key=lambda taste: -taste.weight)
    return tastes


def _centre(vectors, weights):
    centre = (vectors * weights[:, None].astype(np.float32)).sum(axis=0)
    norm = float(np.linalg.norm(centre))
    return centre / norm if norm > 0 else centre


def _spherical_kmeans(vectors, weights, k):
    # Farthest-point start from the heaviest track: deterministic, and it finds a far-away second taste.
    centres = [vectors[int(np.argmax(weights))]]
    for _ in range(1, k):
        nearest = np.max(vectors @ np.stack(centres).T, axis=1)
        candidate = int(np.argmin(nearest))
        if nearest[candidate] > MERGE_SIMILARITY:
            break
        centres.append(vectors[candidate])
    centres = np.stack(centres)
    labels = np.zeros(len(vectors), dtype=np.int64)
    weighted = vectors * weights[:, None].astype(np.float32)
    for _ in range(KMEANS_ROUNDS):
        new_labels = np.argmax(vectors @ centres.T, axis=1)
        if _ == 0 or not np.array_equal(new_labels, labels):
            labels = new_labels
        else:
            break
        # Every cluster's weighted sum at once (a one-hot product), each normalised; an empty one keeps its centre.
        sums = np.eye(len(centres), dtype=np.float32)[labels].T @ weighted
        norms = np.linalg.norm(sums, axis=1)
        centres = np.where((norms > 0)[:, None], sums / np.maximum(norms, 1e-12)[:, None], centres)
    return labels


def _merge(vectors, weights, labels):
    """Merge tastes whose centres are too similar, and fold tiny ones into the nearest other taste."""
    while True:
        present = np.unique(labels)
        if len(present) < 2:
            return labels
        centres = np.stack([_centre(vectors[labels == c], weights[labels == c]) for c in present])
        shares = np.array([weights[labels == c].sum() for c in present]) / weights.sum()
        similarity = centres @ centres.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[i, j] >= MERGE_SIMILARITY:
            labels = np.where(labels == present[j], present[i], labels)
            continue
        smallest = int(np.argmin(shares))
        if shares[smallest] < MIN_SHARE:
            nearest = int(np.argmax(similarity[smallest]))
            labels = np.where(labels == present[smallest], present[nearest], labels)
            continue
        return labels


def interleave(ranked_lists, shares, limit, allowed):
    """Merge per-taste rankings (lists of (position, score)) into one list of (position, taste number, score).

    Slots go to the taste furthest below its share so far (largest remainder), so a 60/40 profile gets about
    6 and 4 of every 10; ``allowed(position)`` says whether a position may still be taken (it is called once per
    position and should remember what it accepted).
    """
    cursors = [0] * len(ranked_lists)
    taken = [0] * len(ranked_lists)
    out = []
    while len(out) < limit:
        order = sorted(range(len(ranked_lists)), key=lambda t: taken[t] - shares[t] * (len(out) + 1))
        for taste in order:
            ranked = ranked_lists[taste]
            while cursors[taste] < len(ranked) and not allowed(ranked[cursors[taste]][0]):
                cursors[taste] += 1
            if cursors[taste] < len(ranked):
                position, score = ranked[cursors[taste]]
                cursors[taste] += 1
                taken[taste] += 1
                out.append((position, taste, score))
                break
        else:
            return out
    return out
