"""Server-rendered pages: multi-seed recommendations and the index status."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from catalog.search import QueryError
from catalog.selectors import search_results
from songrec.lib.outbox import BrokerUnavailable, send_now_or_later
from songrec.lib.request_params import InvalidQuery, parse_int

from . import selectors, services
from .blending import MAX_SEEDS, blended_recommendations, seed_tracks
from .errors import RecommenderError
from .request_params import PREFIXES, parse_constraints, parse_seed_ids, parse_system
from .systems import SCORE_LABELS, SHORT_LABELS, SYSTEMS
from .tasks import rebuild_index

TUNABLE = ("energy", "danceability", "valence", "acousticness", "instrumentalness", "speechiness", "liveness",
           "tempo", "loudness", "popularity")
PLACED_ERRORS = {"seeds", "avoid", "q", "metric", "system", "limit",
                 *(prefix + name for prefix in PREFIXES for name in TUNABLE)}


@dataclass
class TuneField:
    """One min_/max_/target_ input of the tuning table, keeping what was typed when it was rejected."""

    name: str
    value: str
    error: str | None


def _url_with(request, **changes):
    query = request.GET.copy()
    for key, value in changes.items():
        if value:
            query[key] = value
        else:
            query.pop(key, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _parsed(errors, parse, default):
    """parse(), or ``default`` with the problem recorded in ``errors`` under its field name."""
    try:
        return parse()
    except InvalidQuery as error:
        errors[error.field] = error.message
        return default


def recommend(request):
    """Pick up to MAX_SEEDS seeds (search, or ?seeds=id,id) and songs to avoid (?avoid=id,id), tune, and get a
    blended list."""
    params, errors = request.GET, {}
    version = selectors.active_version()
    raw_seeds = params.get("seeds", "").strip()
    seed_ids = _parsed(errors, lambda: parse_seed_ids(raw_seeds, field="seeds") if raw_seeds else [], [])
    system = _parsed(errors, lambda: parse_system(params.get("metric")), "cosine")
    if "system" in params:  # the name the form's label used to have; never silently ignore it
        errors["system"] = "not a parameter of this page: choose the system with metric=" + "|".join(SYSTEMS)
    limit = _parsed(errors, lambda: parse_int(params.get("limit"), "limit", default=20, low=1, high=100), 20)
    constraints = _parsed(errors, lambda: parse_constraints(params), None)
    raw_avoid = params.get("avoid", "").strip()
    avoid_ids = _parsed(errors, lambda: parse_seed_ids(raw_avoid, field="avoid", required=False), [])
    seeds, unknown = seed_tracks(seed_ids)
    if unknown:
        errors["seeds"] = f"Unknown track id(s): {', '.join(unknown)}"
    avoid, unknown_avoided = seed_tracks(avoid_ids)
    if unknown_avoided:
        errors["avoid"] = f"Unknown track id(s): {', '.join(unknown_avoided)}"

    query, matches = params.get("q", "").strip(), []
    if query:
        try:
            matches = search_results(query, limit=10)
        except QueryError as error:
            errors["q"] = str(error)
    current = [seed.spotify_id for seed in seeds]
    avoided = [track.spotify_id for track in avoid]
    for seed in seeds:
        seed.remove_url = _url_with(request, seeds=",".join(i for i in current if i != seed.spotify_id), q="")
    for track in avoid:
        track.remove_url = _url_with(request, avoid=",".join(i for i in avoided if i != track.spotify_id), q="")
    for match in matches:
        match.add_url = _url_with(request, seeds=",".join([*current, match.spotify_id]), q="")
        match.avoid_url = _url_with(request, avoid=",".join([*avoided, match.spotify_id]), q="")

    results, result, problem = [], None, None
    if seeds and version is not None and not errors:
        try:
            result, recommended = blended_recommendations(system, seeds, limit, constraints, version=version,
                                                          avoid=avoid)
        except RecommenderError as error:
            problem = str(error)
        else:
            results = [(item, track, result.cosine_scores[item.track_id], result.target_penalties.get(item.track_id))
                       for item, track in recommended]
    context = {
        "version": version, "seeds": seeds, "seed_value": ",".join(current), "max_seeds": MAX_SEEDS,
        "avoid": avoid, "avoid_value": ",".join(avoided), "can_avoid": len(avoid) < MAX_SEEDS,
        "can_add": len(seeds) < MAX_SEEDS, "query": query, "matches": matches, "system": system,
        "systems": [(name, SCORE_LABELS[name]) for name in SYSTEMS], "short_label": SHORT_LABELS[system],
        "limit": limit, "errors": errors, "problem": problem, "results": results, "result": result,
        "tunable": [(name, [TuneField(prefix + name, params.get(prefix + name, ""), errors.get(prefix + name))
                            for prefix in PREFIXES]) for name in TUNABLE],
        # Errors not shown beside their own field (e.g. min_foo, an attribute the table doesn't offer).
        "other_errors": {field: message for field, message in errors.items() if field not in PLACED_ERRORS},
        "tuned": any(key.startswith(("min_", "max_", "target_")) and params.get(key) for key in params),
    }
    return render(request, "recommender/recommend.html", context, status=400 if errors else 200)


@staff_member_required
def index_status(request):
    """Staff: active version, its metrics, recent versions and a running build's progress (polled as JSON)."""
    info = selectors.index_status()
    context = {"info": info, "active": info.active, "building": info.building, "versions": info.versions,
               "can_queue": not settings.CELERY_TASK_ALWAYS_EAGER, "experiment": settings.MLFLOW_EXPERIMENT_NAME}
    return render(request, "recommender/index_status.html", context)


@require_POST
@staff_member_required
def rebuild(request):
    """Queue a rebuild on the Celery workers (never inline: it takes about a minute)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        messages.error(request, "No Celery broker is configured, so the rebuild can't run in the background: "
                                "run `manage.py rebuild_index` instead.")
    elif services.running_build() is not None:
        messages.error(request, "A rebuild is already running.")
    else:
        try:
            send_now_or_later(rebuild_index.si(force=True), "the rebuild", "recommender.tasks.rebuild_index",
                              kwargs={"force": True}, dedupe_key="rebuild-index")
        except BrokerUnavailable as error:
            messages.error(request, str(error))
            response = index_status(request)
            response.status_code = 503
            return response
        messages.success(request, "Rebuild queued; progress appears below within a few seconds.")
    return redirect("recommender:index_status")
