"""The similar-tracks panel of a track's page: cosine and euclidean top-k side by side (registered with the catalog).

Each list passes through the registered list annotators (recommender.annotations: evaluation adds human scores).
The rows reach the template as plain dicts of text: a template reads a dict key in one step, where an object's
attribute costs a failed key look-up first, and a track page shows 20 rows of ~15 values (bench/bench_load.py
``--only track``: 9.2 ms of CPU per page with rows written in Python, 12 ms reading the items' attributes).
"""

from songrec.lib.number_text import decimal_places
from songrec.lib.request_params import InvalidQuery, parse_int

from . import selectors
from .annotations import annotate
from .errors import RecommenderError
from .systems import PRECOMPUTED

DEFAULT_K = 10
K_CHOICES = (10, 25, 50)
TITLES = {"cosine": "Cosine similarity", "euclidean": "Euclidean distance"}


def requested_k(request, limit):
    """``?k=`` bounded to 1..limit; anything unparsable falls back to the default."""
    try:
        k = parse_int(request.GET.get("k"), "k", default=DEFAULT_K) if request is not None else DEFAULT_K
    except InvalidQuery:
        k = DEFAULT_K
    return max(1, min(k, limit))


def similar_rows(items):
    """The rows of one column as recommender/similar_panel.html shows them: values, not markup, the numbers
    already text (a template localizes each number it prints). With the player's label passed in
    _similar_row.html rather than missed and defaulted, the panel's template went from ~1.7 to ~1.4 ms."""
    places = decimal_places()
    return [{"rank": str(item.rank), "pk": item.track.id, "spotify_id": item.track.spotify_id, "name": item.track.name,
             "url": item.track.get_absolute_url(),
             "artists": [{"name": artist.name, "url": artist.get_absolute_url()} for artist in item.track.artists],
             "score": places(item.score, 3),
             "cosine": None if item.cosine_score is None else places(item.cosine_score, 3),
             "human": None if item.human_score is None else places(item.human_score, 1),
             "human_ratings": str(item.human_ratings)} for item in items]


def similar_panel(request, track):
    """``{"similar": panel}`` for recommender/similar_panel.html: the columns, or why there are none."""
    panel = {"columns": [], "empty": None, "k": DEFAULT_K, "k_choices": []}
    version = selectors.active_version()
    if version is None:
        panel["empty"] = "No recommendation index has been built yet, so there are no similar tracks to show."
        return {"similar": panel}
    if track.hidden:
        panel["empty"] = "Hidden tracks are not recommended and get no recommendations."
        return {"similar": panel}
    k = requested_k(request, version.k)
    panel.update(version=version, k=k, k_choices=[choice for choice in K_CHOICES if choice <= version.k])
    try:
        lists = selectors.similar_lists(PRECOMPUTED, track, k, version)
        annotate(*lists)
        panel["columns"] = [{"metric": metric, "title": TITLES[metric], "rows": similar_rows(listed.items)}
                            for metric, listed in zip(PRECOMPUTED, lists, strict=True)]
    except RecommenderError:
        panel["columns"] = []
        panel["empty"] = ("This track isn’t in the recommendation index yet: it lacks more than 3 audio features or "
                          "was added after the last rebuild.")
    return {"similar": panel}
