"""TidyTuesday's spotify_songs.csv imports through its own column layout, beside the real catalog."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import Track
from catalog.songs import song_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def tidytuesday_path(real_catalog):
    path = Path(real_catalog.path).parent / "tidytuesday" / "spotify_songs.csv.gz"
    if not path.exists():
        pytest.fail(f"TidyTuesday's spotify_songs.csv.gz is not beside the real dataset ({path})")
    return path


def test_the_tidytuesday_file_imports_through_its_own_layout(tidytuesday_path, capsys):
    # Inside this test's transaction: the shared real catalog is left as it was.
    before = Track.objects.count()
    call_command("import_tracks", str(tidytuesday_path), "--no-progress")

    summary = re.search(r"Imported (\d+) tracks from 32833 rows \(TidyTuesday spotify_songs\): (\d+) new, (\d+) "
                        r"updated, (\d+) duplicate rows merged, (\d+) bad rows skipped", capsys.readouterr().out)
    imported, new, updated, duplicates, bad = (int(number) for number in summary.groups())
    assert imported == new + updated and imported + duplicates + bad == 32_833
    assert imported >= 28_000  # 28,356 distinct ids
    assert Track.objects.count() == before + new
    track = Track.objects.get(spotify_id="6f807x0ima9a1j3VPbc7VN")  # the file's first row
    assert track.time_signature is None  # TidyTuesday has no time signature
    assert track.album.spotify_id and track.album.release_date
    assert track.genres.exists()
    assert track.song_key == song_key(track.name, [artist.name for artist in track.ordered_artists])
