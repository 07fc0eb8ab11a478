"""Evaluation's part in personal recommendations: ratings as interactions, and "personal" campaign lists.

A rating of 4 or 5 says the evaluator likes that track; the collaborative model counts it (1 for a 4, 2 for a
5). Registered with ``recommender.personal.sources`` when the app loads, so the recommender never imports us.
"""

from catalog.models import Track
from recommender.errors import RecommenderError
from recommender.personal.foryou import for_you
from recommender.personal.interactions import load_interactions
from recommender.selectors import cosine_similarities

from .campaigns import PERSONAL, FrozenItem, add_task
from .models import Campaign, Rating, RatingTask

RATING_WEIGHTS = {4: 1.0, 5: 2.0}


def rating_interactions():
    rows = Rating.objects.filter(score__gte=4).values_list("evaluator_id", "item__track_id", "score")
    for evaluator_id, track_id, score in rows.iterator(10000):
        yield evaluator_id, track_id, RATING_WEIGHTS[score]


def ensure_personal_tasks(evaluator, campaign_ids):
    """Freeze the evaluator's "personal" list in each of these campaigns that compares it, once.

    The list is the evaluator's own "For you" from the campaign's index version, its seed their profile's
    heaviest track. Evaluators without a profile (no likes, plays, picks or high ratings) get no personal task.
    """
    campaigns = [campaign for campaign in Campaign.objects.filter(pk__in=list(campaign_ids))
                 .select_related("index_version") if PERSONAL in campaign.systems]
    for campaign in campaigns:
        if campaign.index_version is None or RatingTask.objects.filter(
                campaign=campaign, listener=evaluator, system=PERSONAL).exists():
            continue
        frozen, seed_id = personal_list(evaluator, campaign.k, campaign.index_version)
        if frozen:
            add_task(campaign, seed_id, PERSONAL, frozen, listener=evaluator)


def personal_list(evaluator, k, version):
    """(FrozenItems of the evaluator's For-you list, seed track id), or ([], None) without a profile."""
    try:
        personal = for_you(evaluator, k, version=version)
    except RecommenderError:
        return [], None
    if personal.method == "popular" or not personal.items:
        return [], None
    interactions = load_interactions(evaluator)
    visible = set(Track.objects.visible().filter(pk__in=list(interactions.positives)).values_list("pk", flat=True))
    seed_id = max(visible, key=lambda track_id: (interactions.positives[track_id], -track_id), default=None)
    if seed_id is None:
        return [], None
    items = [item for item in personal.items if item.track.id != seed_id]
    try:
        cosines = cosine_similarities(seed_id, [item.track.id for item in items], version)
    except RecommenderError:
        cosines = {}
    return [FrozenItem(item.track.id, rank, float(item.score), cosines.get(item.track.id))
            for rank, item in enumerate(items, start=1)], seed_id
