import math

import numpy as np
import pytest
from django.core.cache import cache

from catalog.explore.profile import compute_profile, load_frame
from catalog.explore.selectors import cached_profile
from catalog.explore.store import store_profiles
from catalog.models import CatalogRevision, Track
from tests.factories import ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    singer, band = ArtistFactory(name="Singer"), ArtistFactory(name="Band")
    tracks = [TrackFactory(energy=0.1 * i, loudness=-30 + 3 * i, popularity=10 * i, explicit=i % 3 == 0,
                           genres=["rock"] if i < 6 else ["jazz"], artists=[singer] if i < 7 else [band, singer])
              for i in range(10)]
    TrackFactory(energy=None, tempo=None, genres=["jazz"], artists=[band])
    TrackFactory(hidden=True, energy=0.99, genres=["rock"])
    return tracks


def test_each_feature_reports_its_missing_count_range_and_a_histogram_of_every_track(catalog):
    profile = compute_profile(load_frame())
    energy = next(item for item in profile["features"] if item["name"] == "energy")
    assert profile["tracks"] == 11  # the hidden track is left out
    assert (energy["count"], energy["missing"]) == (10, 1)
    assert energy["min"] == 0.0 and math.isclose(energy["max"], 0.9)
    assert energy["histogram"]["kind"] == "binned" and sum(energy["histogram"]["counts"]) == 10
    assert energy["histogram"]["edges"][0] == 0.0 and energy["histogram"]["edges"][-1] == 1.0
    mode = next(item for item in profile["features"] if item["name"] == "mode")
    assert mode["histogram"]["kind"] == "discrete" and set(mode["histogram"]["values"]) <= {0, 1}


def test_correlations_are_pearson_and_spearman_over_tracks_having_both_values(catalog):
    profile = compute_profile(load_frame())
    columns = profile["correlations"]["columns"]
    energy, loudness = columns.index("energy"), columns.index("loudness")
    rows = Track.objects.filter(hidden=False, energy__isnull=False).values_list("energy", "loudness")
    expected = np.corrcoef(np.array(list(rows)).T)[0, 1]
    assert math.isclose(profile["correlations"]["pearson"][energy][loudness], expected, abs_tol=1e-6)
    assert profile["correlations"]["spearman"][energy][loudness] == 1.0  # loudness rises with energy, strictly
    assert profile["correlations"]["pearson"][energy][energy] == 1.0


def test_genre_artist_explicit_and_popularity_distributions(catalog):
    profile = compute_profile(load_frame())
    assert profile["genres"] == [{"name": "rock", "count": 6}, {"name": "jazz", "count": 5}]
    assert profile["artists"][:2] == [{"name": "Singer", "count": 10}, {"name": "Band", "count": 4}]
    assert profile["explicit"] == {"explicit": 4, "clean": 7}
    assert sum(profile["popularity"]["counts"]) + profile["popularity"]["missing"] == 11


def test_a_genre_profile_covers_only_that_genres_tracks(catalog):
    frame = load_frame()
    jazz = compute_profile(frame, "jazz")
    assert jazz["genre"] == "jazz" and jazz["tracks"] == 5 and jazz["genres"] == [{"name": "jazz", "count": 5}]
    assert compute_profile(frame, "polka")["tracks"] == 0


def test_profiles_are_cached_per_catalog_revision_whole_and_per_genre(catalog):
    assert store_profiles() == 3  # all, rock, jazz
    revision = CatalogRevision.current()
    assert cache.get(f"explore:profile:{revision}:*")["tracks"] == 11
    assert cache.get(f"explore:profile:{revision}:jazz")["tracks"] == 5


def test_a_genre_with_spaces_gets_a_portable_cache_key(catalog):
    TrackFactory(genres=["dance pop"])
    store_profiles()
    assert cache.get(f"explore:profile:{CatalogRevision.current()}:dance%20pop")["tracks"] == 1
    assert cached_profile("dance pop") == (cache.get("explore:profile:latest:dance%20pop"), False)
