"""The active index's estimates of a track's missing features: on the track page and in the track API."""

import numpy as np
import pytest

from catalog.feature_estimates import filled_features
from catalog.models import Track
from recommender.estimates import index_estimates
from recommender.index.features import indexable_tracks
from songrec.lib.process_cache import forget_all
from tests.factories import TrackFactory
from tests.recommender.conftest import build


@pytest.fixture
def gap(catalog):
    """A rock track without danceability and time signature (the index estimates both), then the index built."""
    track = TrackFactory(name="no meter", genres=["rock"], danceability=None, time_signature=None)
    build()
    return track


def test_the_index_estimates_exactly_the_features_it_filled_with_the_catalogs_median_and_mode(gap, catalog):
    danceability = np.median([value for value in indexable_tracks().values_list("danceability", flat=True)
                              if value is not None])
    assert index_estimates(gap) == pytest.approx({"danceability": danceability, "time_signature": 4.0})
    filled = filled_features(gap)
    assert filled.estimated == ("danceability", "time_signature")
    assert filled.values["time_signature"] == 4 and isinstance(filled.values["time_signature"], int)
    assert filled.values["energy"] == gap.energy  # its own values stay
    assert filled_features(catalog["rock"][0]).estimated == ()
    assert index_estimates(catalog["incomplete"]) == {}  # four missing: not indexed, nothing estimated


def test_a_feature_filled_in_after_the_build_is_the_tracks_own(gap):
    Track.objects.filter(pk=gap.pk).update(time_signature=3)
    gap.refresh_from_db()
    filled = filled_features(gap)
    assert filled.estimated == ("danceability",) and filled.values["time_signature"] == 3


def test_without_an_index_or_its_files_nothing_is_estimated(catalog, settings, tmp_path):
    track = TrackFactory(genres=["rock"], time_signature=None)
    assert index_estimates(track) == {}  # no index built yet
    build()
    settings.RECOMMENDER_INDEX_DIR = tmp_path / "elsewhere"
    forget_all()
    assert index_estimates(track) == {}


def test_the_track_api_names_the_estimated_features_and_gives_the_value_used(client, gap, catalog):
    body = client.get(f"/api/tracks/{gap.spotify_id}/").json()
    assert body["estimated_features"] == ["danceability", "time_signature"]
    assert body["features"]["time_signature"] == 4
    assert body["features"]["danceability"] == pytest.approx(index_estimates(gap)["danceability"])
    assert body["features"]["energy"] == pytest.approx(gap.energy)
    complete = client.get(f"/api/tracks/{catalog['rock'][0].spotify_id}/").json()
    assert complete["estimated_features"] == []
    incomplete = client.get(f"/api/tracks/{catalog['incomplete'].spotify_id}/").json()
    assert incomplete["estimated_features"] == [] and incomplete["features"]["tempo"] is None
    # Lists and search results carry the stored values only.
    listed = next(track for track in client.get("/api/tracks/", {"genre": "rock"}).json()["results"]
                  if track["spotify_id"] == gap.spotify_id)
    assert "estimated_features" not in listed and listed["features"]["time_signature"] is None


def test_the_track_page_marks_estimated_values_for_eyes_and_screen_readers(client, gap, catalog):
    html = client.get(gap.get_absolute_url()).content.decode()
    value = index_estimates(gap)["danceability"]
    assert f'aria-label="Danceability {value:.2f}, estimated"' in html
    assert 'class="bar estimated"' in html and html.count('class="tag estimated"') == 2  # danceability, meter
    assert '4/4 <span class="tag estimated"' in html
    assert 'id="estimated-note"' in html and "not in the recommendation index" not in html
    assert 'aria-label="Energy ' in html and f'aria-label="Energy {gap.energy:.2f}, estimated"' not in html

    complete = client.get(catalog["rock"][0].get_absolute_url()).content.decode()
    assert "estimated" not in complete
    incomplete = client.get(catalog["incomplete"].get_absolute_url()).content.decode()
    assert "not in the recommendation index yet" in incomplete and 'class="tag estimated"' not in incomplete
