"""The recommendation systems songrec can serve, and what each one's score means.

``cosine`` and ``euclidean`` are content-based (precomputed neighbour lists); ``random`` and ``popularity``
are baselines, computed on request, that the evaluation app compares against.
"""

SYSTEMS = ("cosine", "euclidean", "random", "popularity")
PRECOMPUTED = ("cosine", "euclidean")

SCORE_LABELS = {
    "cosine": "cosine similarity (higher is closer)",
    "euclidean": "euclidean distance in the weighted feature space (lower is closer)",
    "random": "random draw, reproducible per index version and seed (higher ranks first)",
    "popularity": "Spotify popularity 0–100 (tracks sharing a seed genre rank first)",
}
SHORT_LABELS = {"cosine": "similarity", "euclidean": "distance", "random": "draw", "popularity": "popularity"}
