"""Campaigns freeze explicit lists, in a stored shuffled order, and open and close as asked."""

import pytest

from evaluation.campaigns import FrozenItem, add_task, close_campaign, create_campaign, open_campaign
from evaluation.errors import CampaignError
from evaluation.models import Campaign, RatingTask
from tests.factories import TrackFactory


def test_a_task_freezes_rank_system_score_and_cosine_of_each_item(make_campaign):
    seed, tracks = TrackFactory(), TrackFactory.create_batch(4)
    campaign = make_campaign(systems=["euclidean"], seeds=1, k=4,
                             lists={(seed, "euclidean"): [(track, 0.9 - i / 10) for i, track in enumerate(tracks)]})
    task = campaign.tasks.get()
    assert (task.seed_track, task.system) == (seed, "euclidean")
    items = list(task.items.order_by("rank"))
    assert [item.track for item in items] == tracks
    assert [item.rank for item in items] == [1, 2, 3, 4]
    assert [item.cosine_similarity for item in items] == pytest.approx([0.9, 0.8, 0.7, 0.6])
    assert [item.system_score for item in items] == [1.0, 0.5, pytest.approx(1 / 3), 0.25]


def test_display_order_is_shuffled_stored_and_not_derived_from_the_public_random_seed(make_campaign):
    seed, tracks = TrackFactory(), TrackFactory.create_batch(10)
    lists = {(seed, "cosine"): [(track, 0.5) for track in tracks]}
    first = make_campaign(systems=["cosine"], seeds=1, k=10, lists=lists, random_seed=3)
    again = make_campaign(systems=["cosine"], seeds=1, k=10, lists=lists, random_seed=3)

    def order(campaign):
        return [item.rank for item in campaign.tasks.get().items.order_by("display_position")]

    assert sorted(order(first)) == list(range(1, 11))
    assert order(first) != list(range(1, 11))
    assert order(first) != order(again)  # same random seed, fresh secret order (equal by chance: 1 in 3.6 million)


def test_campaign_parameters_are_validated(index_version):
    def make(**overrides):
        options = dict(name="Bad", index_version=index_version, systems=["cosine"], seed_count=5, k=5)
        options.update(overrides)
        return create_campaign(**options)

    for overrides, message in [
        ({"systems": ["cosine", "magic"]}, "Unknown systems magic"),
        ({"systems": []}, "at least one system"),
        ({"systems": ["cosine", "cosine"]}, "only once"),
        ({"k": 0}, "k must be between 1 and 50"),
        ({"k": 60}, "k must be between 1 and 50"),
        ({"seed_count": "lots"}, "seed_count must be a whole number"),
        ({"name": "  "}, "needs a name"),
        ({"index_version": None}, "build the recommendation index first"),
    ]:
        with pytest.raises(CampaignError, match=message):
            make(**overrides)
    assert not Campaign.objects.exists()


def test_k_cannot_exceed_the_neighbours_the_version_stores(index_version):
    index_version.k = 5
    with pytest.raises(CampaignError, match="longer than the 5 neighbours"):
        create_campaign(name="Long", index_version=index_version, systems=["cosine"], seed_count=1, k=10)


def test_names_are_unique(make_campaign):
    make_campaign(name="Spring")
    with pytest.raises(CampaignError, match="already exists"):
        make_campaign(name="Spring")


def test_a_list_repeating_a_track_is_refused(make_campaign):
    campaign = make_campaign(opened=False, lists={})
    seed, track = TrackFactory(), TrackFactory()
    with pytest.raises(CampaignError, match="repeats a track"):
        add_task(campaign, seed.pk, "cosine", [FrozenItem(track.pk, 1, 0.9), FrozenItem(track.pk, 2, 0.8)])
    assert not RatingTask.objects.exists()


def test_an_empty_campaign_cannot_open_and_a_closed_one_stays_closed(make_campaign):
    empty = make_campaign(opened=False, lists={})
    with pytest.raises(CampaignError, match="no tasks yet"):
        open_campaign(empty)
    campaign = make_campaign()
    assert campaign.status == Campaign.Status.OPEN and campaign.opened_at
    closed = close_campaign(campaign)
    assert closed.status == Campaign.Status.CLOSED and closed.closed_at
    with pytest.raises(CampaignError, match="closed campaigns stay closed"):
        open_campaign(closed)


def test_campaigns_keep_their_lists_when_the_index_version_is_pruned(campaign, index_version):
    index_version.delete()
    campaign.refresh_from_db()
    assert campaign.index_version is None
    assert campaign.tasks.count() == 4
