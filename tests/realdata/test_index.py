"""On the real catalog the index is built and active, its lists are served, and each song shows once."""

import random

import pytest

from catalog.models import Track
from catalog.songs import song_keys
from recommender.selectors import recommend

pytestmark = pytest.mark.django_db

YOASOBI = ("6MCjmGYlw6mQVWRFVgBRvB", "3dPtXHP0oXQ4HCWHsOA9js")  # "夜に駆ける", two releases


def test_the_index_covers_the_real_catalog_without_repeating_a_song(real_catalog):
    version = real_catalog.version
    assert version.n_tracks == 89_740
    for metric in ("cosine", "euclidean"):
        assert version.metrics[metric]["same_song_rate_at_10"] == 0.0


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_similar_lists_are_served_with_k_distinct_songs_and_never_the_seeds_own(real_catalog, client, metric):
    response = client.get(f"/api/tracks/{YOASOBI[0]}/similar/", {"metric": metric, "k": 10})

    assert response.status_code == 200
    ids = [item["spotify_id"] for item in response.json()["results"]]
    assert len(ids) == 10 and YOASOBI[1] not in ids
    tracks = Track.objects.filter(spotify_id__in=[YOASOBI[0], *ids])
    assert len({track.song_key for track in tracks}) == 11


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_no_list_of_300_random_seeds_shows_a_song_twice_or_the_seeds_own(real_catalog, metric):
    seeds = random.Random(300).sample(sorted(Track.objects.values_list("pk", flat=True)), 300)
    for seed in seeds:
        listed = [item.track_id for item in recommend(metric, seed, 10)]
        songs = song_keys([seed, *listed])
        assert len(listed) == 10
        assert len({songs[track_id] for track_id in listed}) == 10
        assert songs[seed] not in {songs[track_id] for track_id in listed}


def test_the_track_page_lists_the_other_release(real_catalog, client):
    html = client.get(f"/tracks/{YOASOBI[0]}/").content.decode()
    assert "Other releases of this song" in html
    assert f"/tracks/{YOASOBI[1]}/" in html
