"""The together model's artist level: the other songs of the artists people put in playlists, and the artists
people put with them, for tracks that are themselves in no playlist."""

import dataclasses

import numpy as np
import pytest

from recommender import storage
from recommender.personal.foryou import for_you
from recommender.personal.models import Reaction
from recommender.selectors import recommend
from recommender.together import fitting
from recommender.together.active import active_data
from recommender.together.files import ModelData
from recommender.together.scoring import folded_scores, neighbour_scores
from recommender.together.sources import artist_credits
from recommender.together.training import train_together_model
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TRACKS_ONLY = fitting.Params(factors=8, iterations=10, neighbours=20, threads=1, artist_weight=0.0)
WITH_ARTISTS = dataclasses.replace(TRACKS_ONLY, artist_weight=0.5, related_artists=0.3)


def ids(items):
    return [item.track_id for item in items]


def train(params):
    return train_together_model(params=params, log_to_mlflow=False).model


# The playlists hold rock and jazz songs 0–5; songs 6–9 are in none. Song i is by artist i % 4 of its genre, so
# rock song 8 is by the artist of rock songs 0 and 4.


def test_a_seeds_artist_brings_their_songs_that_are_in_no_playlist(active, playlists, catalog):
    seed, unlisted = catalog["rock"][0], catalog["rock"][8]
    train(TRACKS_ONLY)
    assert unlisted.pk not in ids(recommend("together", seed, 8))
    train(WITH_ARTISTS)
    listed = ids(recommend("together", seed, 8))
    assert unlisted.pk in listed and seed.pk not in listed


def test_a_new_listener_gets_the_other_songs_of_the_artists_they_like(active, playlists, catalog):
    train(WITH_ARTISTS)
    listener = UserFactory()
    for track in catalog["rock"][:2]:
        Reaction.objects.create(user=listener, track=track, value=Reaction.LIKE)
    model, data = active_data()
    scores = folded_scores(data, active.pk, {track.pk: 3.0 for track in catalog["rock"][:2]})
    positions = storage.version_data(active.pk).positions
    assert scores[positions([catalog["rock"][8].pk])[0]] > 0  # by rock artist 0, in no playlist
    assert scores[positions([catalog["k-pop"][0].pk])[0]] == 0  # nobody put k-pop anywhere
    personal = for_you(listener, limit=10)
    assert personal.method == "hybrid" and personal.together.pk == model.pk


def test_artists_in_no_playlist_leave_the_content_fallback_as_it_was(active, playlists, catalog):
    train(WITH_ARTISTS)
    seed = catalog["k-pop"][0]
    assert ids(recommend("blend", seed, 10)) == ids(recommend("cosine", seed, 10))
    _, data = active_data()
    assert neighbour_scores(data, active.pk, seed.pk) is None
    assert folded_scores(data, active.pk, {seed.pk: 1.0}) is None


def test_the_artist_level_is_saved_and_read_back_and_a_model_without_it_still_serves(active, playlists, catalog):
    model = train(WITH_ARTISTS)
    loaded = ModelData(model.pk)
    assert loaded.fitted.artists is not None and loaded.params.artist_weight == 0.5
    weights = {catalog["rock"][0].pk: 1.0}
    assert np.array_equal(loaded.artist_scores(active.pk, weights), active_data()[1].artist_scores(active.pk, weights))
    older = ModelData(None, dataclasses.replace(loaded.fitted, artists=None), loaded.params)
    assert older.artist_scores(active.pk, weights) is None
    assert folded_scores(older, active.pk, weights) is not None  # the tracks alone, as before


def test_the_artist_level_knows_only_artists_some_playlist_has(playlists, catalog):
    from recommender.together.sources import training_rows

    matrix = fitting.build_matrix(training_rows())
    artists = fitting.fit_artists(matrix, artist_credits(), WITH_ARTISTS)
    credited = set(artists.credit_tracks.tolist())
    assert catalog["rock"][8].pk in credited and catalog["jazz"][9].pk in credited
    assert not {track.pk for track in catalog["k-pop"]} & credited
    # Rock and jazz artists were put together in every playlist: each artist's neighbours are the others.
    assert artists.neighbours.shape == (8, 8) and artists.neighbours.diagonal().sum() == 0
    assert fitting.fit_artists(matrix, fitting.Credits(np.array([catalog["k-pop"][0].pk]), np.array([1])),
                               WITH_ARTISTS) is None
