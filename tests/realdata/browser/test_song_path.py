"""A listener picks two tracks with the search-as-you-type pickers, sees the song path between them and saves it.

At 1280 and 390 px: the pickers (generation/track_picker.js over GET /api/tracks/?q=) fill in the Spotify ids,
the path shows each step with its distance, passes the checks every page passes (axe included), and "Save as
playlist" stores it as a private playlist of the listener's and goes to its page.
"""

import re

import pytest

from catalog.models import Track
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids

from .browser import NARROW, WIDE
from .test_my_music import log_in

pytestmark = pytest.mark.django_db


def pick(browser, field, track):
    """Type the start of the track's name and choose the first suggestion of that name (a song may have several
    releases: whichever the search lists first); returns the Spotify id the picker put in the field."""
    browser.type_into(f"#{field}-search", track.name[:14].lower())
    option = browser.wait_for(f"return [...document.querySelectorAll('#{field}-suggestions li')]"
                              ".find(li => li.querySelector('strong').textContent === arguments[0])", track.name)
    chosen = option.get_attribute("data-spotify-id")
    browser.js("arguments[0].dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))", option)
    browser.wait_for(f"return document.getElementById('{field}').value === arguments[0]", chosen)
    return chosen


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_a_song_path_is_picked_shown_and_saved(browser, site, width):
    log_in(browser, site)
    start, end = site.track, site.seeds[0]
    browser.open("/song-path/", width)
    browser.check(f"song-path-form-{width}", "#from-search", "#to-search")
    start_id, end_id = pick(browser, "from", start), pick(browser, "to", end)
    browser.js("document.querySelector('#song-path-form input[name=length]').value = '12';"
               "document.getElementById('song-path-form').submit();")
    browser.wait_for("return document.querySelectorAll('#song-path .path-steps > li').length === 12")
    steps = browser.js("return [...document.querySelectorAll('#song-path .path-steps > li')]"
                       ".map(li => li.querySelector('strong').textContent)")
    assert steps[0] == start.name and steps[-1] == end.name
    assert browser.js("return document.querySelectorAll('#song-path .path-steps > li .meta')[3].textContent"
                      ".includes('step')")
    browser.check(f"song-path-{width}", "#song-path h2", "#save-path button")

    before = set(Playlist.objects.filter(owner__username=site.evaluator_name).values_list("pk", flat=True))
    browser.js("document.querySelector('#save-path button').click()")
    browser.wait_for("return /^\\/playlists\\/\\d+\\/$/.test(location.pathname)")
    pk = int(re.search(r"/playlists/(\d+)/", browser.js("return location.pathname")).group(1))
    saved = Playlist.objects.get(pk=pk)
    assert pk not in before and saved.owner.username == site.evaluator_name
    assert saved.visibility == Playlist.Visibility.PRIVATE and saved.recipe["kind"] == "song_path"
    ids = playlist_track_ids(saved)
    ends = dict(Track.objects.filter(spotify_id__in=[start_id, end_id]).values_list("spotify_id", "pk"))
    assert len(ids) == 12 and ids[0] == ends[start_id] and ids[-1] == ends[end_id]
