"""Helpers that make the hot read paths cheaper give exactly what the slow way gives (issue 14)."""

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse, set_script_prefix

from recommender.ranking import ranked_positions
from songrec.lib.links import object_url


@pytest.mark.parametrize(("name", "object_id"), [
    ("catalog:track", "4uLU6hMCjMI75M1A2tKUQC"), ("catalog:artist", 123), ("catalog:track", "0"),
    ("catalog:track", "id with spaces & ünïcode"), ("catalog:track", "a:b@c"),
])
def test_object_url_is_what_reverse_gives(name, object_id):
    assert object_url(name, object_id) == reverse(name, args=[object_id])


def test_object_url_follows_the_script_prefix():
    try:
        set_script_prefix("/songrec/")
        assert object_url("catalog:track", "abc123") == "/songrec/tracks/abc123/" == reverse(
            "catalog:track", args=["abc123"])
    finally:
        set_script_prefix("/")
    assert object_url("catalog:track", "abc123") == "/tracks/abc123/"


def reference_ranked_positions(key, count):
    """The definition: finite keys, best first, ties by position."""
    finite = [position for position in range(len(key)) if np.isfinite(key[position])]
    return sorted(finite, key=lambda position: (-key[position], position))[:count]


@pytest.mark.parametrize("seed", range(20))
def test_ranked_positions_takes_the_best_finite_keys_ties_by_position(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 300))
    key = rng.integers(0, 8, size).astype(np.float64)  # many ties, also at the cut
    key[rng.random(size) < 0.3] = -np.inf
    key[rng.random(size) < 0.05] = np.nan
    for count in (1, 5, 20, size, size + 10):
        assert ranked_positions(key, count).tolist() == reference_ranked_positions(key, count)


def test_the_redis_cache_reuses_one_client_per_server():
    if not hasattr(cache, "_cache"):
        pytest.skip("the cache is not Redis here (no REDIS_URL)")
    cache.set("hot-path-test", 1)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache.get("hot-path-test") == 1
    cache.delete("hot-path-test")


def direct_serializer_cases():
    """(serializer, item) pairs covering every DirectRepresentation serializer, with None where fields allow it."""
    from catalog.api import SearchResultSerializer, TrackSerializer
    from catalog.refs import AlbumRef, ArtistRef, TrackRef, TrackRow
    from recommender.selectors import SimilarItem
    from recommender.serializers import RecommendedItemSerializer, RecommendedTrack, SimilarItemSerializer

    artists = [ArtistRef(7, "Gen Hoshino", "1S2S00lgLYLGHWA44qGEUs"), ArtistRef(8, "아이유 ", None)]
    ref = TrackRef(3, "5SuOikwiRyPMVoIQDJUgSV", "Comedy", False, artists)
    bare = TrackRef(4, "0000000000000000000000", "夜に駆ける", False, [])
    row = TrackRow(5, "6SuOikwiRyPMVoIQDJUgSV", "Love Is Gone", False, artists[:1], album=AlbumRef("Love Is Gone"),
                   popularity=71, duration_ms=175000, explicit=True, features={"danceability": 0.5, "tempo": None},
                   genre_names=["edm", "pop"])
    row.search_score = 97.5
    lone = TrackRow(6, "7SuOikwiRyPMVoIQDJUgSV", "Untitled", False, [], album=None, popularity=None,
                    duration_ms=None, explicit=False, features={}, genre_names=[])
    lone.search_score = 83
    cases = []
    for metric in ("cosine", "euclidean", "random"):
        for item in (SimilarItem(ref, 1, 0.123456789, 0.98765432, 4.25, 3), SimilarItem(bare, 10, -2.5, None)):
            cases.append((SimilarItemSerializer(context={"metric": metric}), item))
    for item in (RecommendedTrack(ref, 1, 0.9876543219, 0.9876543219, None), RecommendedTrack(bare, 20, -1, 0.1, 2.5)):
        cases.append((RecommendedItemSerializer(), item))
    for track in (row, lone):
        cases += [(TrackSerializer(), track), (SearchResultSerializer(), track)]
    return cases


def test_direct_serializers_write_exactly_what_drf_writes_field_by_field():
    for serializer, item in direct_serializer_cases():
        direct, generic = serializer.to_representation(item), serializer.generic_representation(item)
        assert direct == generic, type(serializer).__name__
        assert list(direct) == list(generic), type(serializer).__name__  # key order too


@pytest.mark.django_db
def test_the_track_serializer_writes_a_track_model_as_drf_does():
    from catalog.api import TrackDetailSerializer, TrackSerializer
    from catalog.models import Track
    from tests.factories import TrackFactory

    with_album, without_album = TrackFactory(), TrackFactory(album=None, popularity=None, tempo=None)
    for track in Track.objects.with_credits().filter(pk__in=[with_album.pk, without_album.pk]):
        for serializer in (TrackSerializer(), TrackDetailSerializer()):
            direct, generic = serializer.to_representation(track), serializer.generic_representation(track)
            assert direct == generic and list(direct) == list(generic)


def test_a_serializer_that_adds_fields_without_writing_them_is_refused():
    from rest_framework import serializers

    from recommender.serializers import RecommendedItemSerializer

    with pytest.raises(TypeError, match="does not write"):
        type("Extended", (RecommendedItemSerializer,), {"extra": serializers.IntegerField()})


@pytest.mark.parametrize("seed", range(6))
def test_ranked_positions_over_a_whole_version_takes_the_best_keys(seed):
    """Long arrays go through the blocks' maxima first: the same positions as sorting every key."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(20_000, 120_000))
    key = np.round(rng.normal(size=size), 2)  # many ties, also at the cut
    key[rng.random(size) < 0.2] = -np.inf
    key[rng.random(size) < 0.01] = np.nan
    if seed % 2:
        key[rng.integers(0, size, 300)] = 9.0  # a clump of best keys, as tracks of the seeds' genre
    if seed == 4:
        key[: size - 10] = -np.inf  # fewer finite keys than asked
    for count in (1, 20, 64, 256):
        finite = np.flatnonzero(np.isfinite(key))
        expected = finite[np.lexsort((finite, -key[finite]))][:count]
        assert ranked_positions(key, count).tolist() == expected.tolist()


def test_decimal_places_write_what_floatformat_writes():
    from django.template.defaultfilters import floatformat

    from songrec.lib.number_text import decimal_places

    rng = np.random.default_rng(0)
    values = [0, 1, -1, 0.0, -0.0, 0.0005, 0.0015, 0.00049, -0.0004, -0.0005, 2.675, 1e-7, -1e-7, 123456789.98765,
              1e22, 5e-324, float("inf"), float("-inf"), float("nan"), None, True, "0.98765", 3.25, 4.75, 0.05]
    values += rng.normal(scale=2, size=400).tolist() + np.round(rng.random(200), 4).tolist()
    values += [float(np.float32(value)) for value in rng.random(200)]  # scores come from float32 arrays
    format_number = decimal_places()
    for value in values:
        for places in (1, 3):
            assert format_number(value, places) == floatformat(value, places), (value, places)


def test_decimal_places_is_floatformat_where_numbers_are_grouped(settings):
    from django.template.defaultfilters import floatformat

    from songrec.lib.number_text import decimal_places

    settings.USE_THOUSAND_SEPARATOR = True
    assert decimal_places() is floatformat
