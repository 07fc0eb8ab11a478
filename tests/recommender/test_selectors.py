import numpy as np
import pytest

from recommender import selectors, storage
from recommender.blending import Constraints, recommend_for_seeds
from recommender.errors import IndexFilesMissing, NoActiveIndex, UnknownTrack
from recommender.selectors import Recommendation, cosine_similarities, recommend
from recommender.systems import SYSTEMS
from songrec.lib.process_cache import forget_all
from tests.factories import TrackFactory

from .conftest import build


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_system_returns_ranked_recommendations_without_the_seed(active, catalog, system):
    seed = catalog["rock"][0]
    items = recommend(system, seed, 7)
    assert len(items) == 7
    assert all(isinstance(item, Recommendation) for item in items)
    assert [item.rank for item in items] == list(range(1, 8))
    assert seed.pk not in [item.track_id for item in items]
    assert len({item.track_id for item in items}) == 7


@pytest.mark.parametrize("system", SYSTEMS)
def test_tracks_hidden_after_the_build_are_never_recommended(active, catalog, system):
    seed = catalog["jazz"][0]
    first = recommend(system, seed, 5)[0].track_id
    type(seed).objects.filter(pk=first).update(hidden=True)
    items = recommend(system, seed, 5)
    assert first not in [item.track_id for item in items]
    assert len(items) == 5 or system in ("cosine", "euclidean")


def test_precomputed_scores_are_ordered_like_their_metric(active, catalog):
    cosine = [item.score for item in recommend("cosine", catalog["rock"][1], 10)]
    euclidean = [item.score for item in recommend("euclidean", catalog["rock"][1], 10)]
    assert cosine == sorted(cosine, reverse=True)
    assert euclidean == sorted(euclidean)


def test_random_is_reproducible_per_version_and_seed(active, catalog):
    seed, other = catalog["rock"][0], catalog["rock"][1]
    assert recommend("random", seed, 10) == recommend("random", seed, 10)
    assert recommend("random", seed, 10) != recommend("random", other, 10)
    newer = build().version
    assert recommend("random", seed, 10, version=newer) != recommend("random", seed, 10, version=active)


def test_popularity_puts_the_seeds_genre_first_then_by_popularity(active, catalog):
    seed = catalog["jazz"][0]
    items = recommend("popularity", seed, 12)
    jazz = {track.pk: track.popularity for track in catalog["jazz"][1:]}
    assert [item.track_id for item in items[:9]] == sorted(jazz, key=lambda pk: -jazz[pk])
    assert [item.score for item in items[:9]] == sorted(jazz.values(), reverse=True)
    assert all(item.track_id not in jazz for item in items[9:])


def test_cosine_similarities_match_the_stored_vectors(active, catalog):
    seed, others = catalog["rock"][0], [catalog["jazz"][0].pk, catalog["rock"][5].pk, catalog["hidden"].pk]
    similarities = cosine_similarities(seed.pk, others)
    data = storage.version_data(active.pk)
    vectors = np.load(active.directory / "normalized.npy")
    for track_id in others[:2]:
        expected = float(vectors[data.position(track_id)] @ vectors[data.position(seed.pk)])
        assert similarities[track_id] == pytest.approx(expected, abs=1e-6)
    assert catalog["hidden"].pk not in similarities  # not in the version


def test_cosine_lists_carry_the_same_scores_as_cosine_similarities(active, catalog):
    seed = catalog["k-pop"][4]
    items = recommend("cosine", seed, 5)
    similarities = cosine_similarities(seed.pk, [item.track_id for item in items])
    for item in items:
        assert item.score == pytest.approx(similarities[item.track_id], abs=1e-5)


def test_a_seed_outside_the_version_is_an_unknown_track(active, catalog):
    newcomer = TrackFactory()
    for system in SYSTEMS:
        with pytest.raises(UnknownTrack, match=f"track {newcomer.pk} is not in index version"):
            recommend(system, newcomer, 5)
    with pytest.raises(UnknownTrack):
        cosine_similarities(catalog["incomplete"].pk, [])


def test_nothing_can_be_recommended_before_the_first_build(catalog):
    assert selectors.active_version() is None
    with pytest.raises(NoActiveIndex):
        recommend("cosine", catalog["rock"][0], 5)
    with pytest.raises(NoActiveIndex):
        cosine_similarities(catalog["rock"][0].pk, [])


def test_an_explicit_version_is_used_instead_of_the_active_one(active, catalog):
    newer = build(genre_weight=0).version
    seed = catalog["rock"][3]
    assert recommend("cosine", seed, 10, version=active) != recommend("cosine", seed, 10, version=newer)


def test_missing_files_are_reported_for_systems_that_need_them(active, catalog):
    storage.remove_version_files(active.pk)
    forget_all()
    assert recommend("cosine", catalog["rock"][0], 3)  # served from the database
    with pytest.raises(IndexFilesMissing):
        recommend("random", catalog["rock"][0], 3)


def test_similar_items_carry_tracks_cosine_and_human_scores(active, catalog):
    seed = catalog["rock"][2]
    similar = selectors.similar_items("euclidean", seed, 4)
    assert similar.seed.spotify_id == seed.spotify_id
    assert similar.seed.artist_names == seed.artist_names
    assert [item.rank for item in similar.items] == [1, 2, 3, 4]
    assert [item.track.id for item in similar.items] == [item.track_id for item in recommend("euclidean", seed, 4)]
    assert all(item.track.name and item.cosine_score is not None for item in similar.items)
    assert all(item.human_score is None and item.human_ratings == 0 for item in similar.items)


@pytest.mark.parametrize("system", ["cosine", "popularity"])
def test_similar_items_skip_tracks_hidden_since_the_build(active, catalog, system):
    seed = catalog["rock"][2]
    first = selectors.similar_items(system, seed, 3).items[0].track
    type(seed).objects.filter(pk=first.id).update(hidden=True)
    assert first.id not in [item.track.id for item in selectors.similar_items(system, seed, 3).items]


def test_similar_lists_of_precomputed_systems_take_few_queries(active, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        selectors.similar_items("cosine", catalog["rock"][2].pk, 10, active)


def test_several_seeds_blend_into_one_list_without_the_seeds(active, catalog):
    seeds = [catalog["rock"][0].pk, catalog["rock"][1].pk]
    result = recommend_for_seeds("cosine", seeds, 8)
    ids = [item.track_id for item in result.recommendations]
    assert len(ids) == 8 and not set(ids) & set(seeds)
    assert result.pool_size == 28 and result.filtered_size == 28
    scores = [item.score for item in result.recommendations]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(result.cosine_scores[ids[0]], abs=1e-6)  # cosine scores carry 6 decimals


@pytest.mark.parametrize("system", SYSTEMS)
def test_min_and_max_filter_every_system(active, catalog, system):
    constraints = Constraints(minimums={"energy": 0.6}, maximums={"popularity": 60})
    result = recommend_for_seeds(system, [catalog["jazz"][0].pk], 30, constraints)
    tracks = type(catalog["jazz"][0]).objects.in_bulk([item.track_id for item in result.recommendations])
    assert tracks and all(t.energy >= 0.6 and t.popularity <= 60 for t in tracks.values())
    assert result.filtered_size == len(result.recommendations)


def test_targets_pull_the_list_towards_them(active, catalog):
    seed = [catalog["k-pop"][0].pk]
    model = type(catalog["jazz"][0])

    def mean_tempo(result):
        return np.mean([model.objects.get(pk=item.track_id).tempo for item in result.recommendations])

    plain = recommend_for_seeds("cosine", seed, 5)
    slow = recommend_for_seeds("cosine", seed, 5, Constraints(targets={"tempo": 60}))
    fast = recommend_for_seeds("cosine", seed, 5, Constraints(targets={"tempo": 220}))
    assert mean_tempo(slow) < mean_tempo(plain) < mean_tempo(fast)
    assert all(value >= 0 for value in slow.target_penalties.values())
    assert plain.target_penalties == {}


def test_euclidean_blends_by_mean_distance(active, catalog):
    seeds = [catalog["rock"][0].pk, catalog["jazz"][0].pk]
    result = recommend_for_seeds("euclidean", seeds, 5)
    data = storage.version_data(active.pk)
    vectors = np.load(active.directory / "weighted.npy").astype(np.float64)
    first = data.position(result.recommendations[0].track_id)
    expected = np.mean([np.linalg.norm(vectors[first] - vectors[data.position(s)]) for s in seeds])
    assert result.recommendations[0].score == pytest.approx(expected, abs=1e-4)


def test_similar_lists_of_several_systems_are_each_systems_own_list_in_fewer_queries(
        active, catalog, django_assert_max_num_queries):
    seed = catalog["rock"][0]
    alone = [selectors.similar_items(system, seed, 5, active) for system in ("cosine", "euclidean", "popularity")]
    with django_assert_max_num_queries(2):  # the stored lists, then every list's tracks
        together = selectors.similar_lists(["cosine", "euclidean"], seed, 5, active)
    assert together == alone[:2]
    assert selectors.similar_lists(["cosine", "euclidean", "popularity"], seed, 5, active) == alone


@pytest.mark.parametrize("with_refs", [False, True])
def test_excluded_tracks_are_never_recommended_and_move_nothing_else(active, catalog, with_refs):
    seed = catalog["rock"][0]
    plain = [item.track_id for item in recommend_for_seeds("cosine", [seed.pk], 12).recommendations]
    excluded = plain[:3]
    result = recommend_for_seeds("cosine", [seed.pk], 9, exclude_track_ids=excluded,
                                 refs={} if with_refs else None)
    assert [item.track_id for item in result.recommendations] == plain[3:12]
