"""Template tags the catalog pages use to show recommendations (owned by the recommender app)."""

from django import template
from django.utils.safestring import mark_safe

from catalog.templatetags.player import track_player
from evaluation.scores import with_human_scores
from recommender.personal.templatetags.personal_tags import reaction_buttons
from songrec.lib.escaping import escaped
from songrec.lib.number_text import decimal_places
from songrec.lib.request_params import InvalidQuery, parse_int

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


# One row of a similar-tracks table, formatted here rather than by the template's loop: a track page shows 20 rows,
# and the template's per-row work (~25 variable lookups, filters and tags each) was the largest part of the page's
# CPU (issue 14). The markup is exactly what the loop in similar_panel.html wrote before; values are escaped with
# songrec.lib.escaping rather than format_html's wrappers (tests/songrec/lib/test_hot_path_helpers.py checks
# both agree).
ROW_HTML = """
            <tr>
              <td class="num">{rank}</td>
              <td><a href="{url}">{name}</a>
                {reactions}<br><small>{artists}</small>
                {player}</td>
              <td class="num">{score}</td>
              {cosine}
              <td class="num">{human}</td>
            </tr>
          """
ARTIST_HTML = '<a class="muted" href="{}">{}</a>'
CELL_HTML = '<td class="num hide-narrow">{}</td>'
HUMAN_HTML = '{} <span class="muted">({})</span>'
NOT_RATED = '<span class="muted" title="not rated yet">—</span>'


@register.simple_tag(takes_context=True)
def similar_rows(context, column):
    """The table rows of one column of the similar panel."""
    euclidean = column["metric"] == "euclidean"
    floatformat = decimal_places()
    rows = []
    for item in column["items"]:
        track = item.track
        if euclidean:
            cosine = CELL_HTML.format("—" if item.cosine_score is None else floatformat(item.cosine_score, 3))
        else:
            cosine = ""
        human = NOT_RATED if item.human_score is None else HUMAN_HTML.format(
            floatformat(item.human_score, 1), escaped(item.human_ratings))
        rows.append(ROW_HTML.format(
            rank=escaped(item.rank), url=escaped(track.get_absolute_url()), name=escaped(track.name),
            reactions=escaped(reaction_buttons(context, track)),
            artists=", ".join(ARTIST_HTML.format(escaped(artist.get_absolute_url()), escaped(artist.name))
                              for artist in track.artists),
            player=escaped(track_player(track)), score=floatformat(item.score, 3), cosine=cosine, human=human))
    return mark_safe("".join(rows))  # every value above was escaped; the markup is ours
