"""The "personal" system in evaluation campaigns: each evaluator rates, blind, a list made for their profile."""

import pytest

from evaluation.assignment import next_task
from evaluation.campaigns import create_campaign, open_campaign, populate_campaign
from evaluation.evaluators import evaluator_group
from evaluation.models import RatingTask
from evaluation.ratings import RatingEntry, submit_ratings
from evaluation.selectors import campaign_aggregates
from recommender.personal.models import Reaction
from recommender.personal.sources import listener_interactions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def evaluator(name, liked=()):
    user = UserFactory(username=name)
    user.groups.add(evaluator_group())
    for track in liked:
        Reaction.objects.create(user=user, track=track, value=Reaction.LIKE)
    return user


@pytest.fixture
def campaign(index):
    campaign = create_campaign(name="Personal vs item-based", index_version=index,
                               systems=["personal", "cosine", "popularity"], seed_count=2, k=5, ratings_per_item=2,
                               random_seed=3)
    populate_campaign(campaign)
    return open_campaign(campaign)


def take_all(user, campaign):
    tasks = []
    while (assignment := next_task(user, campaign)) is not None:
        task = assignment.task
        submit_ratings(user, task, [RatingEntry(item.pk, 4 if task.system == "personal" else 2)
                                    for item in task.items.all()])
        tasks.append(task)
    return tasks


def test_each_evaluator_gets_a_list_for_their_own_profile_beside_the_baselines(campaign, tracks):
    jazz_fan = evaluator("jazzfan", tracks["jazz"][:3])
    metal_fan = evaluator("metalfan", tracks["metal"][:3])
    assert RatingTask.objects.filter(campaign=campaign, system="personal").count() == 0  # made on demand

    jazz_tasks = take_all(jazz_fan, campaign)
    metal_tasks = take_all(metal_fan, campaign)

    assert sorted(task.system for task in jazz_tasks) == ["cosine", "cosine", "personal", "popularity",
                                                          "popularity"]
    jazz_personal = next(task for task in jazz_tasks if task.system == "personal")
    metal_personal = next(task for task in metal_tasks if task.system == "personal")
    assert jazz_personal.listener == jazz_fan and metal_personal.listener == metal_fan
    assert jazz_personal.seed_track_id in {track.pk for track in tracks["jazz"][:3]}
    liked = {track.pk for track in tracks["jazz"][:3]}
    assert not liked & set(jazz_personal.items.values_list("track_id", flat=True))
    assert metal_personal not in jazz_tasks  # nobody else is offered your list


def test_human_scores_compare_personal_and_item_based_lists(campaign, tracks):
    take_all(evaluator("jazzfan", tracks["jazz"][:3]), campaign)
    aggregates = {row.system: row for row in campaign_aggregates(campaign).systems}
    assert aggregates["personal"].mean.mean == 4 and aggregates["cosine"].mean.mean == 2


def test_an_evaluator_without_a_profile_gets_only_the_item_based_lists(campaign, tracks):
    tasks = take_all(evaluator("newcomer"), campaign)
    assert "personal" not in {task.system for task in tasks} and len(tasks) == 4


def test_high_ratings_count_as_interactions_for_the_collaborative_model(campaign, tracks):
    rater = evaluator("rater")
    take_all(rater, campaign)  # scores 2: not a sign of liking
    assert not [pair for pair in listener_interactions() if pair[0] == rater.pk]
    jazz_fan = evaluator("jazzfan", tracks["jazz"][:3])
    take_all(jazz_fan, campaign)
    personal_items = RatingTask.objects.get(listener=jazz_fan).items.values_list("track_id", flat=True)
    weights = listener_interactions()
    assert all(weights[(jazz_fan.pk, track_id)] == 1.0 for track_id in personal_items)
