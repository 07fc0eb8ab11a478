"""Generated playlists on the real catalog: a song path of 20 between two real tracks, more like a real playlist."""

import numpy as np
import pytest
from django.core.management import call_command
from scipy.stats import spearmanr

from catalog.models import Track
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from catalog.songs import song_keys
from recommender import storage
from recommender.generation.selectors import path_between
from recommender.generation.services import extend_playlist, generate_playlist
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _most_popular_indexed(genre, version):
    data = storage.version_data(version.pk)
    candidates = list(Track.objects.visible().filter(genres__name=genre).order_by("-popularity", "pk")[:50])
    return next(track for track in candidates if data.position(track.pk) is not None)


def test_a_song_path_of_20_between_two_real_tracks_moves_in_steps_near_the_straight_one(real_catalog):
    start = _most_popular_indexed("acoustic", real_catalog.version)
    end = _most_popular_indexed("metal", real_catalog.version)
    path = path_between(start.spotify_id, end.spotify_id, 20)
    ids = [step.track.id for step in path.steps]
    assert len(ids) == 20 and ids[0] == start.pk and ids[-1] == end.pk
    songs = song_keys(ids)
    assert len({songs[pk] for pk in ids}) == 20
    assert not Track.objects.filter(pk__in=ids, hidden=True).exists()
    data = storage.version_data(real_catalog.version.pk)
    vectors = np.asarray(data.weighted[data.positions(ids)], dtype=np.float64)
    steps = np.sqrt(((vectors[1:] - vectors[:-1]) ** 2).sum(axis=1))
    assert [step.distance for step in path.steps[1:]] == pytest.approx(steps.tolist(), rel=1e-5)
    # The line's points lie in gaps of the space, so steps are longer than the straight one; but never longer than
    # it plus the two tracks' offsets from their points (the triangle inequality), the path keeps moving towards the
    # end, and the smoothing keeps the whole walk within a few times the line's length (4.1× here).
    offsets = [step.offset for step in path.steps]
    assert all(distance <= path.straight_step + offsets[i] + offsets[i + 1] + 1e-5
               for i, distance in enumerate(steps))
    to_end = np.sqrt(((vectors - vectors[-1]) ** 2).sum(axis=1))
    assert spearmanr(np.arange(20), to_end).correlation <= -0.9
    assert path.total_distance <= 6 * 19 * path.straight_step


def test_more_like_a_real_tidytuesday_playlist_leaves_out_its_own_songs(tidytuesday_path, real_catalog):
    call_command("import_tracks", str(tidytuesday_path), "--no-progress")  # inside this test's transaction
    data = storage.version_data(real_catalog.version.pk)
    playlist = max(Playlist.objects.filter(source=Playlist.Source.DATASET).order_by("pk")[:60],
                   key=lambda candidate: int((data.positions(playlist_track_ids(candidate)) >= 0).sum()))
    own = playlist_track_ids(playlist)
    listener = UserFactory(username="real-listener")
    generated = generate_playlist(owner=listener, kind="continuation", params={"playlist": playlist.pk}, length=50)
    ids = generated.track_ids
    assert len(ids) == 50 and not set(ids) & set(own)
    songs = song_keys([*own, *ids])
    assert not {songs[pk] for pk in ids} & {songs[pk] for pk in own}
    assert len({songs[pk] for pk in ids}) == 50
    assert generated.playlist.name == f"More like {playlist.name}"
    more = extend_playlist(owner=listener, playlist_id=generated.playlist.pk, count=20)
    assert len(set(more.track_ids)) == 70 and not set(more.track_ids) & set(own)
