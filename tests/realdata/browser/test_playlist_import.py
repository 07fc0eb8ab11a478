"""A listener imports a playlist file through the page, at 1280 and 390 px: the report names the new playlist and
the entry that did not match, and the page passes every check (axe-core, no sideways scrolling, no console error).

The live server commits what it stores, so the test runs with the database unblocked (no rolled-back transaction)
and removes the playlists it made.
"""

import pytest

from catalog.playlists.models import Playlist

from .browser import NARROW, WIDE
from .test_my_music import log_in


@pytest.fixture
def unblocked(django_db_blocker, site):
    with django_db_blocker.unblock():
        yield
        Playlist.objects.filter(owner__username=site.evaluator_name).delete()


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_import_a_playlist_file_from_the_page(browser, site, unblocked, tmp_path, width):
    playlist_file = tmp_path / "Evening walk.m3u8"
    playlist_file.write_text(f"#EXTM3U\n#EXTINF:200,{site.track.artist_names} - {site.track.name}\n"
                             f"https://open.spotify.com/track/{site.track.spotify_id}\n"
                             "#EXTINF:100,Nobody Known - A Song Nobody Has\n/music/nothing.mp3\n")
    log_in(browser, site)
    browser.open("/me/playlists/import/", width)
    browser.driver.find_element("css selector", "#id_file").send_keys(str(playlist_file))
    browser.driver.find_element("css selector", "form button[type=submit]").click()
    report = browser.wait_for("return document.querySelector('#import-report')")
    text = report.text
    assert "Evening walk" in text and "1 track from 2 entries" in text and "1 not in the catalog" in text
    assert "A Song Nobody Has" in text
    browser.check(f"playlist-import-report-{width}", "#import-report h2")
    assert Playlist.objects.filter(owner__username=site.evaluator_name, name="Evening walk").count() == 1
