"""The playlist-continuation protocol (RecSys Challenge 2018 metrics) of bench/bench_playlists.py and of
``fit_weights --playlists dev``, as pure functions.

* ``half(external_id)``: "dev" or "test" by a stable hash of the playlist's own id (SHA-256, not Python's hash),
  so a playlist stays in its half whatever the import order or the machine.
* ``split_songs``: per playlist a seeded 80/20 split of its songs (releases folded), at least one hidden.
* ``fold_of``: the playlists of one half in ``folds`` groups, also by hash: a fold's playlists are left out of the
  model that is asked about them, so each one is new to it (a new listener, a new playlist).
* metrics over a ranked list of songs (seeds never in it): R-precision, NDCG@50, recall@50 and clicks (pages of
  10 before the first hidden song in the top 100; 11 when none), and 95 % bootstrap confidence intervals of means.
"""

import hashlib
import math
import random

import numpy as np

HIDDEN_SHARE = 0.2
CUTOFF = 50
LIST_LENGTH = 100
NO_CLICK = LIST_LENGTH // 10 + 1


def _hash(text):
    return int.from_bytes(hashlib.sha256(str(text).encode()).digest()[:8], "big")


def half(external_id):
    return "test" if _hash(f"half:{external_id}") % 2 else "dev"


def fold_of(external_id, folds):
    return _hash(f"fold:{external_id}") % folds


def split_songs(external_id, songs, seed):
    """(visible, hidden) song lists: a seeded shuffle of the playlist's songs, the last 20 % (≥ 1) hidden."""
    shuffled = list(songs)
    random.Random(f"{seed}:{external_id}").shuffle(shuffled)
    hidden = max(1, int(round(len(shuffled) * HIDDEN_SHARE)))
    return shuffled[:-hidden], shuffled[-hidden:]


def metrics(ranked_songs, hidden):
    """{r_precision, ndcg_at_50, recall_at_50, clicks} of a ranked song list against the hidden songs."""
    hidden = set(hidden)
    count = len(hidden)
    gains = [1.0 if song in hidden else 0.0 for song in ranked_songs[:LIST_LENGTH]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains[:CUTOFF]))
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(count, CUTOFF)))
    first = next((rank for rank, gain in enumerate(gains) if gain), None)
    return {"r_precision": sum(gains[:count]) / count, "ndcg_at_50": dcg / ideal,
            "recall_at_50": sum(gains[:CUTOFF]) / count, "clicks": NO_CLICK if first is None else first // 10}


def bootstrap(values, draws=1000, seed=0):
    """(mean, low, high): the mean and its 95 % percentile bootstrap interval over the playlists."""
    values = np.asarray(values, dtype=np.float64)
    if not len(values):
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(draws, len(values)))].mean(axis=1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def top_songs(key, songs, skip_songs, count=LIST_LENGTH):
    """The best-keyed positions' songs, one per song, none of ``skip_songs``; -inf and NaN keys never taken."""
    key = np.nan_to_num(np.asarray(key, dtype=np.float64), nan=-np.inf)
    want = min(len(key), 4 * count + len(skip_songs) + 50)
    while True:
        top = np.argpartition(-key, want - 1)[:want] if want < len(key) else np.arange(len(key))
        top = top[np.isfinite(key[top])]
        top = top[np.lexsort((top, -key[top]))]
        seen, kept = set(skip_songs), []
        for position in top:
            song = int(songs[position])
            if song not in seen:
                seen.add(song)
                kept.append(song)
                if len(kept) == count:
                    return kept
        if want >= len(key):
            return kept
        want = min(len(key), want * 4)
