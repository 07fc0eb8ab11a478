"""The recommendation systems songrec can serve, and what each one's score means.

``cosine`` and ``euclidean`` are content-based (precomputed neighbour lists); ``together`` ranks the tracks
people put in one playlist with the seed (or liked together: the together model), ``blend`` mixes it with cosine
in the share the benchmark chose; both fall back to content for a track nobody put with anything. ``random``
and ``popularity`` are baselines, computed on request, that the evaluation app compares against.
"""

SYSTEMS = ("blend", "cosine", "euclidean", "together", "random", "popularity")
PRECOMPUTED = ("cosine", "euclidean")
# What a similar list shows when no metric is asked for: see docs/playlists_benchmark.md for why.
DEFAULT_SYSTEM = "blend"

SCORE_LABELS = {
    "cosine": "cosine similarity (higher is closer)",
    "euclidean": "euclidean distance in the weighted feature space (lower is closer)",
    "together": "how often people put the two together (0–1; cosine similarity where nobody did)",
    "blend": "content (cosine) blended with how often people put the two together",
    "random": "random draw, reproducible per index version and seed (higher ranks first)",
    "popularity": "Spotify popularity 0–100 (tracks sharing a seed genre rank first)",
}
SHORT_LABELS = {"blend": "blend", "together": "together", "cosine": "similarity",
                "euclidean": "distance", "random": "draw", "popularity": "popularity"}
