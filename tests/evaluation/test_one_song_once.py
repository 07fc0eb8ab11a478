"""A campaign asks about each song once: one release per song among its seeds and in each frozen list, never the
seed's own song, also when songs were merged after the index build."""

import random

import pytest

from catalog.models import Track
from catalog.songs import song_keys
from evaluation.campaigns import create_campaign, populate_campaign, seed_candidates
from evaluation.models import RatingTask
from recommender import services
from recommender.index.params import IndexParams
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory

SYSTEMS = ["cosine", "euclidean", "random", "popularity"]
FEATURES = ("danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence")
SONGS, RELEASES = 16, 3

pytestmark = pytest.mark.usefixtures("fresh_version_cache")


@pytest.fixture
def version(db):
    """16 songs of 3 releases each (same title, artist and sound on three albums), indexed with 10 neighbours.

    Songs 0 and 1 sound alike ("Dawn" and "Dawn (Remastered)"): each other's nearest neighbours.
    """
    rng = random.Random(8)
    artist = ArtistFactory(name="The Band")
    sounds = [{feature: rng.random() for feature in FEATURES} for _ in range(SONGS)]
    sounds[1] = {feature: abs(value - 0.001) for feature, value in sounds[0].items()}
    for number, sound in enumerate(sounds):
        title = {0: "Dawn", 1: "Dawn (Remastered)"}.get(number, f"Song {number}")
        for _ in range(RELEASES):
            TrackFactory(name=title, artists=[artist], album=AlbumFactory(artist=artist), genres=["rock"],
                         popularity=rng.randint(0, 100), tempo=120.0, loudness=-8.0, key=5, mode=1, **sound)
    return services.rebuild_index(IndexParams.from_settings(k=10)).version


def fill(version, seeds, name="One song once"):
    campaign = create_campaign(name=name, index_version=version, systems=SYSTEMS, seed_count=seeds, k=5,
                               random_seed=3)
    populate_campaign(campaign)
    return campaign


def assert_one_release_per_song(campaign):
    tasks = list(RatingTask.objects.filter(campaign=campaign).prefetch_related("items"))
    songs = song_keys(Track.objects.values_list("pk", flat=True))
    seeds = {task.seed_track_id for task in tasks}
    assert len({songs[seed] for seed in seeds}) == len(seeds)
    for task in tasks:
        listed = [songs[item.track_id] for item in task.items.all()]
        assert len(set(listed)) == len(listed) == campaign.k, (task.system, listed)
        assert songs[task.seed_track_id] not in listed, task.system


def test_seed_candidates_hold_one_release_of_each_song(version):
    campaign = create_campaign(name="Seeds", index_version=version, systems=["cosine"], seed_count=1, k=5)
    candidates = seed_candidates(campaign)
    songs = song_keys(candidates)
    assert len(candidates) == SONGS
    assert len(set(songs.values())) == SONGS


def test_a_campaign_over_every_song_never_shows_a_song_twice_nor_the_seeds_own(version):
    campaign = fill(version, seeds=SONGS)
    assert RatingTask.objects.filter(campaign=campaign).values("seed_track").distinct().count() == SONGS
    assert_one_release_per_song(campaign)


def test_songs_merged_since_the_build_are_still_one_song_in_seeds_and_lists(version):
    # The crawl found that "Dawn (Remastered)" shares its ISRC with "Dawn": its releases join that song.
    dawn = Track.objects.filter(name="Dawn").values_list("song_key", flat=True).first()
    Track.objects.filter(name="Dawn (Remastered)").update(song_key=dawn)

    campaign = fill(version, seeds=SONGS - 1)

    assert RatingTask.objects.filter(campaign=campaign).values("seed_track").distinct().count() == SONGS - 1
    assert_one_release_per_song(campaign)
