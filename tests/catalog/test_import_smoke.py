from django.core.management import call_command

from catalog.models import Track
from tests.conftest import spotify_row


def test_smoke(db, write_spotify_csv):
    path = write_spotify_csv([spotify_row("a" * 22, artists="A;B"), spotify_row("a" * 22, genre="rock")])
    call_command("import_tracks", str(path), "--no-progress")
    track = Track.objects.get()
    assert [a.name for a in track.ordered_artists] == ["A", "B"]
    assert sorted(g.name for g in track.genres.all()) == ["pop", "rock"]
