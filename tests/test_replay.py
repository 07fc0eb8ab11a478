"""tests/replay.py: a fixture's catalog made once per process is, when replayed, the catalog it made."""

import itertools
import random

import pytest

from catalog.models import Album, Artist, CatalogRevision, Genre, Track
from tests.factories import ArtistFactory, TrackFactory, UserFactory
from tests.replay import replayed

pytestmark = pytest.mark.django_db
_keys = itertools.count()


def make_small_catalog():
    random.seed(3)
    band = ArtistFactory(name="replay band")
    songs = [TrackFactory(name=f"replay song {i}", genres=["replay-rock", "replay-pop"][: 1 + i % 2],
                          artists=[band, ArtistFactory()] if i else [band]) for i in range(3)]
    return {"band": band, "songs": songs, "first twice": (songs[0], songs[0]), "note": "kept as it is"}


def described(track):
    """Everything a test can see of a track but its ids and timestamps."""
    fields = {field.attname: getattr(track, field.attname) for field in Track._meta.concrete_fields
              if field.attname not in ("id", "album_id", "created_at", "updated_at")}
    return {**fields, "album": (track.album.name, track.album.artist.name),
            "artists": [credit.artist.name for credit in track.track_artists.order_by("position")],
            "genres": sorted(genre.name for genre in track.genres.all())}


def empty_the_catalog():
    Track.objects.all().delete()
    Album.objects.all().delete()
    Artist.objects.all().delete()
    Genre.objects.all().delete()


def never_again():
    pytest.fail("make ran a second time")


def test_a_replay_writes_the_same_rows_under_new_ids_and_leaves_random_where_make_left_it():
    key = f"small {next(_keys)}"
    first = replayed(key, make_small_catalog)
    seen = [described(song) for song in first["songs"]]
    first_ids = {song.pk for song in first["songs"]}
    after_make = random.random()
    empty_the_catalog()
    revision = CatalogRevision.current()
    random.seed(99)

    again = replayed(key, never_again)

    assert [described(song) for song in again["songs"]] == seen
    assert not first_ids & {song.pk for song in again["songs"]}
    assert again["band"].name == "replay band" and again["band"].pk not in {first["band"].pk}
    assert again["first twice"][0] is again["first twice"][1] is again["songs"][0]
    assert again["note"] == "kept as it is"
    assert CatalogRevision.current() == revision + 1
    assert random.random() == after_make


def test_with_rows_already_in_the_catalog_make_runs_as_usual():
    key = f"small {next(_keys)}"
    replayed(key, make_small_catalog)
    made_again = []

    replayed(key, lambda: made_again.append(TrackFactory(name="one more")))

    assert [track.name for track in made_again] == ["one more"]


def test_a_fixture_returning_other_rows_than_the_catalogs_is_refused():
    with pytest.raises(TypeError, match="catalog rows, not User"):
        replayed(f"users {next(_keys)}", lambda: [UserFactory()])
