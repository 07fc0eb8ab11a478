"""Human scores for (seed track, recommended track) pairs, for display beside cosine scores."""

from dataclasses import dataclass

from django.db.models import Avg, Count

from songrec.lib.process_cache import ProcessCachedRead, caching

from .models import Rating

RATED_SEEDS_TOKEN_KEY = "evaluation:rated-seeds-token"


@dataclass(frozen=True)
class HumanScore:
    mean: float
    count: int


def human_scores(seed_track_id, track_ids):
    """Map each of ``track_ids`` that evaluators have rated as a recommendation for the seed to its HumanScore.

    Both arguments are catalog Track primary keys. Unrated tracks are absent from the result. The mean pools
    every rating of that track in any list for that seed, across tasks, systems and campaigns (one query);
    "don't know" / "can't play" answers are no scores and count for nothing here.
    """
    track_ids = list(track_ids)
    if seed_track_id is None or not track_ids:
        return {}
    # Most seeds were never rated: skip the query for them where the process can know that without one.
    if caching() and seed_track_id not in _rated_seeds.get():
        return {}
    rows = (Rating.objects.filter(item__task__seed_track_id=seed_track_id, item__track_id__in=track_ids,
                                  score__isnull=False)
            .order_by().values("item__track_id").annotate(mean=Avg("score"), count=Count("pk"))
            .values_list("item__track_id", "mean", "count"))
    return {track_id: HumanScore(float(mean), count) for track_id, mean, count in rows}


def _read_rated_seeds():
    return frozenset(Rating.objects.filter(score__isnull=False).order_by()
                     .values_list("item__task__seed_track_id", flat=True).distinct())


_rated_seeds = ProcessCachedRead(RATED_SEEDS_TOKEN_KEY, _read_rated_seeds)


def ratings_changed():
    """Called when ratings are created or deleted: processes read the set of rated seeds again on commit."""
    _rated_seeds.changed()


def with_human_scores(similar, *more):
    """Fill the items of recommender ``SimilarList``s of one seed with their mean human score and rating count.

    One query for all the lists given (a track page shows two). Returns the first list. The recommender does
    not know about evaluation: EvaluationConfig.ready registers this as one of its list annotators.
    """
    items = [item for listed in (similar, *more) for item in listed.items]
    ids = list({item.track.id for item in items})
    humans = human_scores(similar.seed.id, ids) if ids else {}
    for item in items:
        human = humans.get(item.track.id)
        if human is not None:
            item.human_score, item.human_ratings = human.mean, human.count
    return similar
