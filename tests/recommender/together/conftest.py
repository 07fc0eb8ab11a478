import pytest
from django.core.cache import cache

from catalog.playlists.models import Playlist, PlaylistTrack
from songrec.lib.process_cache import forget_all


@pytest.fixture(autouse=True)
def _fresh_caches():
    forget_all()
    cache.clear()
    yield
    forget_all()


def make_playlist(name, tracks, source=Playlist.Source.DATASET):
    playlist = Playlist.objects.create(name=name, source=source, external_id=name)
    PlaylistTrack.objects.bulk_create([PlaylistTrack(playlist=playlist, track=track, position=position)
                                       for position, track in enumerate(tracks)])
    return playlist


@pytest.fixture
def playlists(catalog):
    """People put rock 0–5 with jazz 0–5 (never close in content), over and over; k-pop is in no playlist."""
    rock, jazz = catalog["rock"], catalog["jazz"]
    made = []
    for number in range(8):
        chosen = [rock[(number + i) % 6] for i in range(3)] + [jazz[(number + i) % 6] for i in range(3)]
        made.append(make_playlist(f"rock and jazz {number}", chosen))
    return made
