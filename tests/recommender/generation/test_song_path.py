"""Song path: even steps from one track to another, no song twice, each step with its distance."""

import numpy as np
import pytest

from recommender import storage
from recommender.errors import UnknownTrack
from recommender.generation.errors import GenerationError, UnknownSeed
from recommender.generation.selectors import path_between
from recommender.generation.song_path import song_path
from recommender.selectors import active_version
from tests.factories import ArtistFactory, TrackFactory
from tests.recommender.conftest import build

from .conftest import STEADY


def test_a_path_runs_from_one_end_to_the_other_in_even_steps(line):
    path = song_path(line[0].pk, line[40].pk, 11)
    assert [step.track.id for step in path.steps] == [line[i].pk for i in range(0, 41, 4)]
    assert path.steps[0].distance == 0
    assert all(step.distance == pytest.approx(path.straight_step, rel=1e-4) for step in path.steps[1:])
    assert path.total_distance == pytest.approx(10 * path.straight_step, rel=1e-4)


def test_each_step_is_at_most_twice_the_straight_step_and_no_song_comes_twice(line):
    # 41 tracks, 17 points: the nearest tracks are not evenly spaced, but never far off the line's steps.
    path = song_path(line[3].pk, line[37].pk, 17)
    ids = [step.track.id for step in path.steps]
    assert len(ids) == len(set(ids)) == 17
    assert ids[0] == line[3].pk and ids[-1] == line[37].pk
    assert all(step.distance <= 2 * path.straight_step for step in path.steps[1:])
    # Never more than the straight step plus the two tracks' offsets from their points.
    assert all(step.distance <= path.straight_step + before.offset + step.offset + 1e-6
               for before, step in zip(path.steps, path.steps[1:], strict=False))


def test_distances_are_the_euclidean_distances_of_the_index_vectors(line):
    path = song_path(line[40].pk, line[0].pk, 6)
    data = storage.version_data(active_version().pk)
    vectors = np.asarray(data.weighted[data.positions([step.track.id for step in path.steps])], dtype=np.float64)
    expected = np.sqrt(((vectors[1:] - vectors[:-1]) ** 2).sum(axis=1))
    assert [step.distance for step in path.steps[1:]] == pytest.approx(expected.tolist(), rel=1e-5)


def test_other_releases_of_a_song_on_the_path_are_skipped(db):
    artist = ArtistFactory(name="releases")
    tracks = [TrackFactory(name=f"t{i}", genres=["ambient"], artists=[artist], energy=i / 10, **STEADY)
              for i in range(11)]
    # The same song (title and artist) again, right where the path's middle point is.
    twin = TrackFactory(name="t5", genres=["ambient"], artists=[artist], energy=0.51, **STEADY)
    build()
    path = song_path(tracks[0].pk, tracks[10].pk, 11)
    songs = [step.track.song for step in path.steps]
    assert len(songs) == len(set(songs))
    assert twin.pk not in [step.track.id for step in path.steps] or tracks[5].pk not in \
        [step.track.id for step in path.steps]


def test_hidden_tracks_are_never_on_the_path(line):
    line[20].hidden = True
    line[20].save()
    ids = [step.track.id for step in song_path(line[0].pk, line[40].pk, 11).steps]
    assert line[20].pk not in ids and len(ids) == 11


def test_bad_ends_and_lengths_are_refused_with_a_message(line):
    with pytest.raises(GenerationError, match="two different songs"):
        song_path(line[0].pk, line[0].pk, 5)
    with pytest.raises(GenerationError, match="3 to 100"):
        song_path(line[0].pk, line[1].pk, 2)
    with pytest.raises(UnknownSeed, match="No track with id 'nope'"):
        path_between("nope", line[1].spotify_id, 5)
    line[1].hidden = True
    line[1].save()
    with pytest.raises(UnknownSeed):
        path_between(line[0].spotify_id, line[1].spotify_id, 5)
    unindexed = TrackFactory(name="after the build", genres=["ambient"], **STEADY)
    with pytest.raises(UnknownTrack):
        path_between(line[0].spotify_id, unindexed.spotify_id, 5)
