"""The /explore/ page: the cached catalog profile drawn as server-rendered SVG charts."""

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import charts
from .selectors import UnknownGenre, cached_profile, genre_names, parse_genre
from .store import REVISION_TIMEOUT, genre_part


def chart_context(profile):
    """Geometry of every chart of a profile."""
    tracks = profile["tracks"]
    correlations = profile["correlations"]
    popularity = {"name": "popularity", "histogram": {
        "kind": "binned", "edges": profile["popularity"]["edges"], "counts": profile["popularity"]["counts"]}}
    return {
        "profile": profile,
        "histograms": [(summary, charts.histogram(summary)) for summary in profile["features"]],
        "pearson": charts.heatmap(correlations["columns"], correlations["pearson"]),
        "spearman": charts.heatmap(correlations["columns"], correlations["spearman"]),
        "genre_rows": charts.count_rows(profile["genres"], tracks),
        "artist_rows": charts.count_rows(profile["artists"], tracks),
        "popularity": charts.histogram(popularity, width=300),
        "explicit_percent": round(100 * profile["explicit"]["explicit"] / tracks, 1) if tracks else 0.0,
    }


def rendered_charts(profile):
    """The charts' HTML, rendered once per computed profile: ~1,000 SVG elements take far longer to render than
    the page may (< 100 ms), so the markup is cached beside the profile."""
    key = f"explore:html:{profile['revision']}:{genre_part(profile['genre'])}:{profile.get('computed_at', '')}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("explore/_profile_charts.html", chart_context(profile))
        cache.set(key, html, timeout=REVISION_TIMEOUT)
    return mark_safe(html)  # noqa: S308  (our own template's output, escaped when it was rendered)


def explore(request):
    error, genre, profile, stale = None, None, None, False
    try:
        genre = parse_genre(request.GET.get("genre"))
    except UnknownGenre as problem:
        error = str(problem)
    else:
        profile, stale = cached_profile(genre)
    context = {"genre": genre, "genres": genre_names(), "error": error, "profile": profile, "stale": stale,
               "charts": rendered_charts(profile) if profile is not None else ""}
    return render(request, "explore/profile.html", context, status=400 if error else 200)
