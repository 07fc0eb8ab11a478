"""The /explore/ page: the cached catalog profile drawn as server-rendered SVG charts."""

from django.shortcuts import render

from . import charts
from .selectors import UnknownGenre, genre_names, parse_genre, profile_for


def explore(request):
    error, genre, profile, stale = None, None, None, False
    try:
        genre = parse_genre(request.GET.get("genre"))
    except UnknownGenre as problem:
        error = str(problem)
    else:
        profile, stale = profile_for(genre)
    context = {"genre": genre, "genres": genre_names(), "error": error, "profile": profile, "stale": stale}
    if profile is not None:
        tracks = profile["tracks"]
        correlations = profile["correlations"]
        context.update(
            histograms=[(summary, charts.histogram(summary)) for summary in profile["features"]],
            pearson=charts.heatmap(correlations["columns"], correlations["pearson"]),
            spearman=charts.heatmap(correlations["columns"], correlations["spearman"]),
            genre_rows=charts.count_rows(profile["genres"], tracks),
            artist_rows=charts.count_rows(profile["artists"], tracks),
            popularity=charts.histogram({"name": "popularity", "histogram": {
                "kind": "binned", "edges": profile["popularity"]["edges"], "counts": profile["popularity"]["counts"]}},
                width=300),
            explicit_percent=round(100 * profile["explicit"]["explicit"] / tracks, 1) if tracks else 0.0,
        )
    return render(request, "explore/profile.html", context, status=400 if error else 200)
