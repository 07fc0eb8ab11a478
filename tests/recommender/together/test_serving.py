from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from evaluation.campaigns import create_campaign, populate_campaign
from evaluation.models import RatingTask
from recommender.blending import recommend_for_seeds
from recommender.personal.foryou import for_you
from recommender.personal.models import Play, Reaction
from recommender.selectors import recommend, similar_items
from recommender.together import fitting
from recommender.together.scoring import blended
from recommender.together.training import train_together_model
from tests.factories import TrackFactory, UserFactory
from tests.recommender.conftest import build

pytestmark = pytest.mark.django_db
# The track level alone (what people put with the seed itself); the artist level is tested in test_artists.py.
SMALL = fitting.Params(factors=8, iterations=10, neighbours=20, threads=1, artist_weight=0.0)


@pytest.fixture
def model(active, playlists):
    return train_together_model(params=SMALL, log_to_mlflow=False).model


def ids(items):
    return [item.track_id for item in items]


def test_together_lists_what_people_put_with_the_seed_first(model, catalog):
    seed, jazz = catalog["rock"][0], {track.pk for track in catalog["jazz"][:6]}
    listed = ids(recommend("together", seed, 10))
    assert len(listed) == 10 and seed.pk not in listed
    # Only people, never content, put jazz beside rock: every jazz track it was put with ranks in the top.
    mates = {track.pk for track in catalog["rock"][:6]} | jazz
    assert set(listed[:8]) <= mates
    assert len(jazz & set(listed[:8])) > len(jazz & set(ids(recommend("cosine", seed, 10))[:8]))


def test_tracks_nobody_put_together_fall_back_to_content_without_a_gap(model, catalog):
    seed = catalog["k-pop"][0]
    cosine = ids(recommend("cosine", seed, 10))
    assert ids(recommend("together", seed, 10)) == cosine
    assert ids(recommend("blend", seed, 10)) == cosine


def test_blend_mixes_content_and_together_and_is_content_without_a_model(model, catalog, active):
    seed = catalog["rock"][0]
    blend = ids(recommend("blend", seed, 10))
    assert len(blend) == 10 and blend != ids(recommend("cosine", seed, 10))
    assert {track.pk for track in catalog["jazz"][:6]} & set(blend)
    model.status = model.Status.RETIRED
    model.save()
    assert ids(recommend("blend", seed, 10)) == ids(recommend("cosine", seed, 10))


def test_similar_api_serves_the_new_systems_with_blend_as_the_default(model, catalog, client):
    seed = catalog["rock"][0]
    response = client.get(f"/api/tracks/{seed.spotify_id}/similar/")
    assert response.status_code == 200 and response.json()["metric"] == "blend"
    together = client.get(f"/api/tracks/{seed.spotify_id}/similar/", {"metric": "together", "k": 5})
    assert together.status_code == 200 and len(together.json()["results"]) == 5
    assert client.get(f"/api/tracks/{seed.spotify_id}/similar/", {"metric": "nope"}).status_code == 400


def test_multi_seed_folds_the_whole_playlist_in_and_avoids_what_it_is_told(model, catalog):
    seeds = [track.pk for track in catalog["rock"][:3]]
    together = recommend_for_seeds("together", seeds, 6)
    jazz = {track.pk for track in catalog["jazz"][:6]}
    assert jazz & set(ids(together.recommendations))
    avoid = [track.pk for track in catalog["jazz"][:6]]
    avoided = recommend_for_seeds("blend", seeds, 10, avoid_track_ids=avoid)
    assert not set(avoid) & set(ids(avoided.recommendations)) and len(avoided.recommendations) == 10


def test_multi_seed_takes_up_to_100_seeds_on_the_api(model, catalog, client):
    many = [TrackFactory(genres=["rock"]) for _ in range(80)]
    build()
    seeds = [track.spotify_id for track in [*catalog["rock"], *catalog["jazz"], *many]][:100]
    url = "/api/recommendations/"
    response = client.get(url, {"seed_tracks": ",".join(seeds), "limit": 5})
    assert response.status_code == 200, response.content
    assert len(response.json()["seeds"]) == 100 and response.json()["metric"] == "blend"
    too_many = client.get(url, {"seed_tracks": ",".join([*seeds, catalog["k-pop"][0].spotify_id])})
    assert too_many.status_code == 400 and "at most 100" in str(too_many.json())
    unknown = client.get(url, {"seed_tracks": seeds[0], "avoid_tracks": "nosuchtrack"})
    assert unknown.status_code == 404
    avoided = client.get(url, {"seed_tracks": ",".join(seeds[:3]), "avoid_tracks": catalog["jazz"][0].spotify_id,
                               "metric": "together", "limit": 10})
    assert avoided.status_code == 200
    assert len(avoided.json()["tracks"]) == 10 and catalog["jazz"][0].spotify_id not in str(avoided.json()["tracks"])


def test_for_you_folds_a_new_listener_in_at_request_time(model, catalog):
    listener = UserFactory()  # joined after the training: the model has never seen them
    for track in catalog["rock"][:2]:
        Reaction.objects.create(user=listener, track=track, value=Reaction.LIKE)
    personal = for_you(listener, limit=10)
    assert personal.method == "hybrid" and personal.together.pk == model.pk and personal.model is None
    assert {track.pk for track in catalog["jazz"][:6]} & {item.track.id for item in personal.items}


def test_for_you_is_content_only_when_nothing_liked_has_co_occurrence(model, catalog):
    listener = UserFactory()
    Reaction.objects.create(user=listener, track=catalog["k-pop"][0], value=Reaction.LIKE)
    personal = for_you(listener, limit=5)
    assert personal.method == "content" and personal.together is None and len(personal.items) == 5


def test_the_default_system_lists_exactly_what_cosine_lists_before_any_training(active, catalog):
    seed = catalog["rock"][0]
    assert similar_items("blend", seed, 5).items and \
        [item.track.id for item in similar_items("blend", seed, 5).items] == ids(recommend("cosine", seed, 5))


def test_a_listener_with_50000_plays_is_folded_in_and_one_with_none_gets_the_popular_list(model, catalog):
    heavy = UserFactory()
    start = timezone.now() - timedelta(days=30)
    tracks = catalog["rock"][:6] + catalog["k-pop"][:4]
    Play.objects.bulk_create([Play(user=heavy, track=tracks[number % len(tracks)],
                                   played_at=start + timedelta(seconds=number), ms_played=200_000)
                              for number in range(50_000)], batch_size=10_000)
    personal = for_you(heavy, limit=10)
    assert personal.method == "hybrid" and personal.together.pk == model.pk and len(personal.items) == 10
    assert not {track.pk for track in tracks} & {item.track.id for item in personal.items}
    assert for_you(UserFactory(), limit=5).method == "popular"


def test_seeds_also_given_to_avoid_stay_seeds(model, catalog):
    seeds = [track.pk for track in catalog["rock"][:3]]
    result = recommend_for_seeds("blend", seeds, 5, avoid_track_ids=seeds)
    assert len(result.recommendations) == 5 and not set(seeds) & set(ids(result.recommendations))


def test_together_and_blend_are_campaign_systems_judged_blind(model, active):
    campaign = create_campaign(name="together vs content", index_version=active, systems=["blend", "together",
                                                                                          "cosine"],
                               seed_count=3, k=5, random_seed=3)
    populate_campaign(campaign)
    tasks = RatingTask.objects.filter(campaign=campaign)
    assert sorted({task.system for task in tasks}) == ["blend", "cosine", "together"]
    assert all(task.items.count() == 5 for task in tasks)


def test_a_full_together_share_keeps_content_order_after_the_co_occurring_tracks():
    content = np.array([0.9, 0.1, 0.5, 0.7])
    together = np.array([0.0, 1.0, 0.0, 0.0])
    assert np.argsort(-blended(content, together, 1.0)).tolist() == [1, 0, 3, 2]
    assert blended(content, None, 0.5).tolist() == content.tolist() and blended(content, None, 0.5) is not content


@pytest.mark.parametrize("fold_in", ["als", "knn", "both"])
def test_every_fold_in_scores_what_people_put_with_the_seeds(active, playlists, catalog, fold_in):
    params = fitting.Params(factors=8, iterations=10, neighbours=20, threads=1, fold_in=fold_in, artist_weight=0.0)
    train_together_model(params=params, log_to_mlflow=False)
    together = recommend_for_seeds("together", [track.pk for track in catalog["rock"][:3]], 6)
    assert {track.pk for track in catalog["jazz"][:6]} & set(ids(together.recommendations))
