"""A listener makes a playlist from the search-as-you-type results, adds a second track, reorders it with the
keyboard on its page, and the API and the page's JSPF download list the new order — at 1280 and at 390 px, each page
passing the axe check.

The clicks go through the pages' own scripts (playlists/playlists.js posts to the API from "Add to playlist",
playlists/reorder.js moves a row with ↑ / ↓ without reloading), so this checks what a person sees and gets.
"""

import json

import pytest
from selenium.webdriver.support.ui import Select

from catalog.playlists.models import Playlist

from .browser import NARROW, WIDE
from .test_my_music import log_in

pytestmark = pytest.mark.django_db  # lets the live server thread use the database while a test runs

ADD_CONTROL = """
const wanted = arguments[0];
const item = [...document.querySelectorAll('#search-results li')]
  .find(li => li.querySelector('strong') && li.querySelector('strong').textContent === wanted);
return item ? item.querySelector('details.add-to-playlist') : null;
"""
JSPF_BUTTON = """
const done = arguments[arguments.length - 1];
const link = [...document.querySelectorAll('.export-buttons a')].find(a => a.textContent.trim() === 'JSPF');
if (!link) { done('no JSPF button'); return; }
fetch(link.href, {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done(String(e)));
"""
API_ORDER = """
const done = arguments[arguments.length - 1];
fetch('/api/playlists/' + arguments[0] + '/', {credentials: 'same-origin', headers: {Accept: 'application/json'}})
  .then(r => r.text()).then(done, e => done(String(e)));
"""


def spotify_ids(playlist):
    return list(playlist.entries.order_by("position").values_list("track__spotify_id", flat=True))


def add_from_search(browser, track, width, *, new_name=None, playlist=None):
    query = track.name[:12].lower()
    browser.open("/", width)
    browser.type_into("#search", query)
    browser.wait_for("return document.getElementById('search-status').textContent"
                     ".includes('for “' + arguments[0] + '”')", query.strip())
    control = browser.wait_for(ADD_CONTROL, track.name)
    control.find_element("css selector", "summary").click()
    form = control.find_element("css selector", "form")
    if new_name:
        Select(form.find_element("css selector", "select")).select_by_value("new")
        form.find_element("css selector", "input[name=name]").send_keys(new_name)
    else:
        Select(form.find_element("css selector", "select")).select_by_value(str(playlist.pk))
    form.find_element("css selector", "button[type=submit]").click()
    status = browser.wait_for("return arguments[0].querySelector('.add-status').textContent.startsWith('Added')"
                              " && arguments[0].querySelector('.add-status').textContent", form)
    # Search shows one release per song: the row's own track, which may be another release of the one looked for.
    return status, form.get_attribute("data-track")


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_make_a_playlist_from_search_reorder_it_by_keyboard_export_it_and_see_it_in_the_api(browser, site, width):
    first_track, second_track = site.track, site.seeds[0]
    name = f"Browser mix {width}"
    try:
        log_in(browser, site)
        status, first = add_from_search(browser, first_track, width, new_name=name)
        assert status == f"Added to the new playlist “{name}”."
        playlist = Playlist.objects.get(owner__username=site.evaluator_name, name=name)
        status, second = add_from_search(browser, second_track, width, playlist=playlist)
        assert status == f"Added to “{name}”."
        assert spotify_ids(playlist) == [first, second]

        browser.open("/me/playlists/", width)
        browser.check("my-playlists", "h1", ".playlist-list a")
        browser.open(f"/playlists/{playlist.pk}/", width)
        browser.check("playlist", "h1", "#playlist-rows .player-toggle")

        # Keyboard only: focus the first song's "move down" and press Enter; the focus stays on the moved song.
        down = browser.js("return document.querySelector('#playlist-rows li .move-down')")
        browser.js("arguments[0].focus()", down)
        browser.press("\ue007")
        browser.wait_for("return document.getElementById('reorder-status').textContent.startsWith('Moved')")
        assert browser.js("return [...document.querySelectorAll('#playlist-rows > li')].map(li => li.dataset.track)") \
            == [second, first]
        assert browser.js("return document.activeElement.closest('li').dataset.track") == first
        assert spotify_ids(playlist) == [second, first]

        body = json.loads(browser.driver.execute_async_script(API_ORDER, playlist.pk))
        assert [track["spotify_id"] for track in body["tracks"]] == [second, first]
        # The page's JSPF button downloads the playlist in its new order (ListenBrainz's JSON form of XSPF).
        jspf = json.loads(browser.driver.execute_async_script(JSPF_BUTTON))
        assert jspf["playlist"]["title"] == name
        assert [track["identifier"] for track in jspf["playlist"]["track"]] == [
            [f"https://open.spotify.com/track/{spotify_id}"] for spotify_id in (second, first)]
        assert browser.console_errors() == []
    finally:
        Playlist.objects.filter(owner__username=site.evaluator_name).delete()  # committed: the live server's data
