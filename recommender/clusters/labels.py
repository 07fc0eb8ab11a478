"""Name clusters after their dominant genres and most distinctive audio features.

A feature is distinctive when the cluster's mean lies far from the catalog's, in catalog standard
deviations (a z-score of the mean); the words say which way ("fast" / "slow").
"""

from dataclasses import dataclass

import numpy as np

from catalog.models import AUDIO_FEATURES

from .fitting import NOISE

# (word when above the catalog, word when below). Key, mode and time signature are not described: a cluster of
# minor-key tracks is "minor" by a wide margin on a 0/1 column, which would crowd out what the music sounds like.
WORDS = {
    "energy": ("energetic", "calm"), "tempo": ("fast", "slow"), "loudness": ("loud", "quiet"),
    "acousticness": ("acoustic", "little acoustic"), "danceability": ("danceable", "hardly danceable"),
    "valence": ("cheerful", "gloomy"), "instrumentalness": ("instrumental", "vocal"),
    "speechiness": ("spoken", "little speech"), "liveness": ("live", "studio")
}
DISTINCTIVE_Z = 0.4
DESCRIBED_FEATURES = 3
TOP_GENRES, LABEL_GENRES, MIN_GENRE_SHARE = 3, 2, 0.02  # 114 genres: 2 % is ~2× a genre's average share
# Cluster colours, largest cluster first: picked from Paul Tol's and Okabe–Ito's colour-blind-safe sets (and a few
# darker tones) as the 12 that stay farthest apart (CIELAB ΔE) in normal vision and simulated deuteranopia,
# protanopia and tritanopia (Machado 2009), each at least 3:1 against the map's white background (WCAG 1.4.11).
# Any 8 of the first 8 differ by ΔE ≥ 14 in all four views; tests/recommender/clusters/test_palette.py checks it.
PALETTE = ("#332288", "#CC3311", "#CC79A7", "#882255", "#9467BD", "#EE6677", "#9B2226", "#009E73", "#8C564B",
           "#6A3D9A", "#999933", "#005F73")
NOISE_COLOR = "#bbbbbb"


@dataclass
class ClusterDescription:
    number: int
    size: int
    label: str
    top_genres: list  # [(genre, share)]
    distinctive: list  # [(feature, z)]
    feature_means: dict
    color: str


def color_for(position):
    return PALETTE[position % len(PALETTE)]


def feature_words(distinctive):
    return [WORDS[name][0 if z > 0 else 1] for name, z in distinctive]


def describe(labels, audio, *, genre_indptr, genre_indices, genre_names):
    """One ClusterDescription per label value, largest cluster first.

    ``audio``: raw audio features per track (n × 12, AUDIO_FEATURES order); genres as the index's CSR arrays.
    """
    audio = np.asarray(audio, dtype=np.float64)
    mean, spread = audio.mean(axis=0), audio.std(axis=0)
    spread[spread == 0] = 1.0
    owners = np.repeat(np.arange(len(labels)), np.diff(genre_indptr))
    numbers, sizes = np.unique(labels, return_counts=True)
    order = sorted(zip(numbers.tolist(), sizes.tolist(), strict=True), key=lambda item: (item[0] == NOISE, -item[1]))
    described = []
    for position, (number, size) in enumerate(order):
        members = labels == number
        means = audio[members].mean(axis=0)
        z = (means - mean) / spread
        ranked = sorted((name for name in WORDS if abs(z[AUDIO_FEATURES.index(name)]) >= DISTINCTIVE_Z),
                        key=lambda name: -abs(z[AUDIO_FEATURES.index(name)]))[:DESCRIBED_FEATURES]
        distinctive = [(name, round(float(z[AUDIO_FEATURES.index(name)]), 3)) for name in ranked]
        counts = np.bincount(genre_indices[members[owners]], minlength=len(genre_names))
        leading = np.argsort(-counts, kind="stable")[:TOP_GENRES]
        top = [(genre_names[g], round(float(counts[g] / size), 4)) for g in leading
               if counts[g] / size >= MIN_GENRE_SHARE]
        words = ", ".join(feature_words(distinctive)) or "average sound"
        genres = ", ".join(name for name, _share in top[:LABEL_GENRES]) or "mixed genres"
        label = f"{words} — {genres}" if number != NOISE else f"unclustered ({words} — {genres})"
        described.append(ClusterDescription(
            number, size, label, top, distinctive,
            {name: round(float(means[i]), 4) for i, name in enumerate(AUDIO_FEATURES)},
            NOISE_COLOR if number == NOISE else color_for(position)))
    return described
