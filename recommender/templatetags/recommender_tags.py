"""Template tags the catalog pages use to show recommendations (owned by the recommender app)."""

from django import template

from evaluation.scores import with_human_scores
from songrec.request_params import InvalidQuery, parse_int

from .. import selectors
from ..errors import RecommenderError
from ..systems import PRECOMPUTED

register = template.Library()

DEFAULT_K = 10
K_CHOICES = (10, 25, 50)
TITLES = {"cosine": "Cosine similarity", "euclidean": "Euclidean distance"}


def requested_k(request, limit):
    """``?k=`` bounded to 1..limit; anything unparsable falls back to the default."""
    try:
        k = parse_int(request.GET.get("k"), "k", DEFAULT_K) if request is not None else DEFAULT_K
    except InvalidQuery:
        k = DEFAULT_K
    return max(1, min(k, limit))


@register.inclusion_tag("recommender/similar_panel.html", takes_context=True)
def similar_panel(context, track):
    """Side-by-side cosine and euclidean top-k lists for ``track``, each item with its score and human score."""
    panel = {"track": track, "columns": [], "empty": None, "k": DEFAULT_K, "k_choices": [],
             # passed on for tags inside the panel (the listener's like buttons)
             "request": context.get("request"), "csrf_token": context.get("csrf_token")}
    version = selectors.active_version()
    if version is None:
        panel["empty"] = "No recommendation index has been built yet, so there are no similar tracks to show."
        return panel
    if track.hidden:
        panel["empty"] = "Hidden tracks are not recommended and get no recommendations."
        return panel
    k = requested_k(context.get("request"), version.k)
    panel.update(version=version, k=k, k_choices=[choice for choice in K_CHOICES if choice <= version.k])
    try:
        lists = selectors.similar_lists(PRECOMPUTED, track, k, version)
        with_human_scores(*lists)
        panel["columns"] = [{"metric": metric, "title": TITLES[metric], "items": listed.items}
                            for metric, listed in zip(PRECOMPUTED, lists, strict=True)]
    except RecommenderError:
        panel["columns"] = []
        panel["empty"] = ("This track isn’t in the recommendation index yet: it lacks audio features or was "
                          "added after the last rebuild.")
    return panel
