"""On the real catalog k stays k and each song is shown once: seeds whose stored list ran out of distinct songs
still get k of them, and 3-seed lists never hold two releases of one song nor any seed's own song."""

import random

import pytest
from django.db.models.functions import Length

from catalog.models import Track
from catalog.songs import song_keys
from recommender.models import NeighborList

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_seeds_whose_stored_list_is_short_get_k_distinct_songs_through_the_api(real_catalog, client, metric):
    version = real_catalog.version
    k = version.k
    # Rudolph The Red-Nosed Reindeer and the like: dozens of releases fill the 2k+20 stored neighbours.
    short = list(NeighborList.objects.filter(version=version, metric=metric)
                 .annotate(length=Length("neighbor_ids")).filter(length__lt=8 * k)
                 .order_by("length", "track_id").values_list("track_id", flat=True)[:20])
    assert short, "no stored list is shorter than k any more: pick another real case"

    for seed in Track.objects.filter(pk__in=short):
        response = client.get(f"/api/tracks/{seed.spotify_id}/similar/", {"metric": metric, "k": k})

        assert response.status_code == 200
        listed = dict(Track.objects.filter(spotify_id__in=[item["spotify_id"] for item in response.json()["results"]])
                      .values_list("spotify_id", "pk"))
        songs = song_keys([seed.pk, *listed.values()])
        assert len(listed) == k
        assert len({songs[pk] for pk in listed.values()}) == k
        assert songs[seed.pk] not in {songs[pk] for pk in listed.values()}


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_three_seed_recommendations_show_each_song_once_and_none_of_the_seeds_songs(real_catalog, client, metric):
    tracks = dict(Track.objects.visible().values_list("spotify_id", "pk"))
    songs = song_keys(tracks.values())
    rng = random.Random(f"three seeds {metric}")
    pool = sorted(tracks)

    for _ in range(300):
        seeds = rng.sample(pool, 3)
        response = client.get("/api/recommendations/", {"seed_tracks": ",".join(seeds), "metric": metric,
                                                        "limit": 10})

        assert response.status_code == 200
        listed = [songs[tracks[item["spotify_id"]]] for item in response.json()["tracks"]]
        assert len(listed) == 10
        assert len(set(listed)) == 10, seeds
        assert not {songs[tracks[seed]] for seed in seeds} & set(listed), seeds
