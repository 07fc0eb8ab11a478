"""One song, shown once: releases of a song never share a list, and a seed's own song never comes back."""

import numpy as np
import pytest

from catalog.models import AUDIO_FEATURES
from recommender.blending import recommend_for_seeds
from recommender.index.topk import Neighbors, distinct_songs, valid_counts
from recommender.selectors import recommend, similar_items
from recommender.systems import SYSTEMS
from tests.factories import ArtistFactory, TrackFactory

from .conftest import build


@pytest.fixture
def releases(db):
    """12 songs by one artist, each released 3 times with identical audio features (so copies are nearest)."""
    artist = ArtistFactory(name="Gen Hoshino")
    songs = []
    for number in range(12):
        first = TrackFactory(name=f"Song {number}", genres=["j-pop"], artists=[artist], popularity=50 + number)
        same = {name: getattr(first, name) for name in AUDIO_FEATURES}
        songs.append([first] + [TrackFactory(name=f"song {number} ", genres=["j-pop"], artists=[artist],
                                             popularity=number, **same) for _ in range(2)])
    return songs


def _song_numbers(releases, track_ids):
    number_of = {track.pk: number for number, copies in enumerate(releases) for track in copies}
    return [number_of[track_id] for track_id in track_ids]


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_system_shows_each_song_once_and_never_the_seeds_own_song(releases, system):
    build(k=10)
    seed = releases[0][1]

    items = recommend(system, seed, 10)

    songs = _song_numbers(releases, [item.track_id for item in items])
    assert len(items) == 10
    assert len(set(songs)) == 10
    assert 0 not in songs


def test_similar_lists_keep_k_by_taking_songs_from_further_down(releases):
    result = build(k=5)
    for seed in (copies[2] for copies in releases):
        listed = similar_items("cosine", seed, 5)
        songs = _song_numbers(releases, [item.track.id for item in listed.items])
        assert len(songs) == len(set(songs)) == 5
        assert _song_numbers(releases, [seed.pk])[0] not in songs
    assert result.version.metrics["cosine"]["same_song_rate_at_10"] == 0.0
    assert result.version.metrics["euclidean"]["same_song_rate_at_10"] == 0.0


@pytest.mark.parametrize("system", SYSTEMS)
def test_multi_seed_recommendations_leave_out_every_seeds_song(releases, system):
    build(k=10)
    seeds = [releases[0][0].pk, releases[1][2].pk]

    result = recommend_for_seeds(system, seeds, 9)

    songs = _song_numbers(releases, [item.track_id for item in result.recommendations])
    assert len(songs) == len(set(songs)) == 9
    assert not {0, 1} & set(songs)


def test_distinct_songs_folds_releases_and_pads_short_rows():
    # Row 0's candidates: 1 (song A), 2 (song A again), 3 (its own song), 4 (song B).
    candidates = Neighbors("cosine", np.array([[1, 2, 3, 4], [0, 2, 3, 4]], dtype=np.int32),
                           np.array([[0.9, 0.8, 0.7, 0.6], [0.9, 0.8, 0.7, 0.6]], dtype=np.float32))
    songs = np.array([7, 1, 1, 7, 2])

    result = distinct_songs(candidates, songs, k=3)

    assert result.indices.tolist() == [[1, 4, -1], [0, 4, -1]]
    assert result.scores[0, :2].tolist() == pytest.approx([0.9, 0.6])
    assert np.isnan(result.scores[0, 2])
    assert valid_counts(result).tolist() == [2, 2]


@pytest.fixture
def reissued_hit(db):
    """One song released 40 times with the same audio features, and 12 other songs by the same artist."""
    artist = ArtistFactory(name="Bing Crosby")
    first = TrackFactory(name="White Christmas", genres=["holidays"], artists=[artist])
    same = {name: getattr(first, name) for name in AUDIO_FEATURES}
    copies = [first] + [TrackFactory(name="White Christmas", genres=["holidays"], artists=[artist], **same)
                        for _ in range(39)]
    others = [TrackFactory(name=f"Carol {number}", genres=["holidays"], artists=[artist]) for number in range(12)]
    return copies, others


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_a_seed_whose_stored_list_is_all_its_own_releases_still_gets_k_songs(reissued_hit, metric):
    copies, others = reissued_hit
    build(k=5)  # keeps 2·5+20 = 30 neighbours: all of them other releases of the seed's own song
    other_ids = {track.pk for track in others}

    listed = [item.track.id for item in similar_items(metric, copies[0], 5).items]
    recommended = [item.track_id for item in recommend(metric, copies[0], 5)]

    assert len(listed) == 5 and set(listed) <= other_ids
    assert recommended == listed


def merge_into(song_track, *tracks):
    """What the crawl's ISRC join does after a build: the tracks become releases of ``song_track``'s song."""
    from catalog.models import Track

    Track.objects.filter(pk__in=[track.pk for track in tracks]).update(song_key=song_track.song_key)


def test_a_song_merged_after_the_build_shows_once_in_similar_lists_and_never_as_the_seeds_own(releases):
    build(k=10)
    seed = releases[0][0]
    first, second, third = (item.track.id for item in similar_items("cosine", seed, 10).items[:3])
    by_id = {track.pk: track for copies in releases for track in copies}
    merge_into(by_id[first], by_id[second])  # two listed songs are now one
    merge_into(seed, by_id[third])  # and a third is now the seed's own song

    listed = [item.track.id for item in similar_items("cosine", seed, 10).items]

    # 12 songs, less the seed's own and the two the merges folded away: 9 (the exact list fills up past the stored one)
    assert len(listed) == 9 and first in listed
    assert second not in listed and third not in listed


def test_a_song_merged_after_the_build_shows_once_in_multi_seed_recommendations(client, releases):
    from catalog.models import Track

    build(k=10)
    seeds = [releases[0][0], releases[1][0]]
    path = f"/api/recommendations/?seed_tracks={','.join(seed.spotify_id for seed in seeds)}&limit=9"
    first, second, third = [item["spotify_id"] for item in client.get(path).json()["tracks"][:3]]
    by_spotify_id = {track.spotify_id: track for track in Track.objects.all()}
    merge_into(by_spotify_id[first], by_spotify_id[second])
    merge_into(seeds[1], by_spotify_id[third])

    listed = [item["spotify_id"] for item in client.get(path).json()["tracks"]]

    assert len(listed) == 9 and first in listed
    assert second not in listed and third not in listed
