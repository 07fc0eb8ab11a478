"""Every page in a real browser at 1280 px and 390 px on the real catalog, as a new user would walk through them.

Each page must load without a console error (the suite's policy allows scripts only from the site and frames only
from Spotify's embed), must not scroll sideways on a phone, and must show its key content; each leaves a
screenshot in var/screenshots/. Tests run in order: the anonymous pages first, then logging in and rating.
"""

from urllib.parse import quote

import pytest

from catalog.models import Artist
from evaluation.models import Assignment, Rating

from .browser import NARROW, WIDE

pytestmark = pytest.mark.django_db  # lets the live server thread use the database while a test runs
BOTH = pytest.mark.parametrize("width", [WIDE, NARROW])

ONE_LINE = """
const range = document.createRange();
return [...document.querySelectorAll(arguments[0])].filter(element => {
  range.selectNodeContents(element);
  const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
  return lines.size > 1 || element.scrollWidth > element.clientWidth + 1;
}).map(element => element.textContent.trim());
"""
PLACEHOLDER_FITS = """
const input = document.querySelector(arguments[0]), style = getComputedStyle(input);
const context = document.createElement("canvas").getContext("2d");
context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
return context.measureText(input.placeholder).width <= room;
"""
OVERLAPPING_TICKS = """
const boxes = [...document.querySelectorAll("svg.chart text.tick")].filter(t => t.getClientRects().length)
  .map(t => [t.textContent, t.getBoundingClientRect()]);
const overlap = (p, q) => p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1;
return boxes.flatMap(([a, p], i) => boxes.slice(i + 1).filter(([, q]) => overlap(p, q)).map(([b]) => a + "/" + b));
"""
NAV_LINES = "return new Set([...document.querySelectorAll('.site-header nav > *')].map(e => e.offsetTop)).size"
FETCH_STATUS = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(response => done(response.status), () => done(0));
"""


def player_opens(browser, container):
    """No frame until "Play" is pressed; then Spotify's embed of that track, gone again on a second press."""
    button = browser.driver.find_element("css selector", f"{container} button.player-toggle")
    holder = f"#{button.get_attribute('aria-controls')}"
    assert browser.js(f"return document.querySelectorAll('{holder} iframe').length") == 0
    button.click()
    source = browser.wait_for(f"const f = document.querySelector('{holder} iframe'); return f && f.src")
    assert button.get_attribute("aria-expanded") == "true"
    button.click()  # hides it again, which stops the music
    assert browser.js(f"return document.querySelector('{holder} iframe')") is None
    return source


@BOTH
def test_search_as_you_type(browser, site, width):
    browser.open("/", width)
    assert browser.js(PLACEHOLDER_FITS, "#search"), "the search placeholder is cut"
    assert browser.js(NAV_LINES) == 1, "the nav wraps"
    assert browser.js("return document.querySelector('nav [aria-current=page]').textContent") == "Search"
    assert "♥" not in browser.js("return document.body.textContent")
    assert browser.driver.execute_async_script(FETCH_STATUS, "/favicon.ico") == 200
    browser.type_into("#search", site.track.name[:12].lower())
    browser.wait_for("return document.querySelectorAll('#search-results li').length > 0")
    assert browser.js("return document.getElementById('popular').hidden")
    assert site.track.name in browser.js("return document.getElementById('search-results').textContent")
    browser.check("search", "#search", "#search-results li", "#search-status")

    # The arrow keys leave the box for the results and walk through them; Escape goes back. An artist's name
    # finds the artist and many tracks (the track's own name finds one).
    artist = site.track.track_artists.first().artist
    browser.open(f"/?q={quote(artist.name)}", width)
    browser.driver.find_element("css selector", "#search").click()
    assert browser.js("return document.querySelector('#artist-results a').textContent") == artist.name
    links = ("[...document.querySelectorAll('#artist-results li > div > a:first-child, "
             "#search-results li > div > a:first-child')]")
    browser.press("\ue015")  # ArrowDown
    assert browser.js(f"return {links}.indexOf(document.activeElement)") == 0
    browser.press("\ue015")
    assert browser.js(f"return {links}.indexOf(document.activeElement)") == 1
    browser.press("\ue013", "\ue013")  # ArrowUp twice: back in the box
    assert browser.js("return document.activeElement.id") == "search"
    browser.press("\ue015", "\ue00c")  # ArrowDown, Escape
    assert browser.js("return document.activeElement.id") == "search"

    # While a query is out the page says so (the answer is held back here to see it).
    browser.js("window.fetch = () => new Promise(() => {})")
    browser.press("x")
    browser.wait_for("return document.getElementById('search-status').textContent === 'Searching…'")
    assert browser.js("return document.getElementById('search-results').getAttribute('aria-busy')") == "true"


@BOTH
def test_track_page_with_its_player(browser, site, width):
    browser.open(site.track.get_absolute_url(), width)
    assert browser.js(ONE_LINE, ".bars > span[role=listitem], .bars .num") == [], "feature labels or values cut"
    assert browser.js("return document.querySelectorAll('iframe').length") == 0
    assert browser.third_party_requests() == []
    source = player_opens(browser, ".track-player")
    assert source == f"https://open.spotify.com/embed/track/{site.track.spotify_id}"
    assert player_opens(browser, "#similar tbody tr:first-child").startswith("https://open.spotify.com/embed/track/")
    browser.check("track", "h1", ".track-player button.player-toggle", ".bars", "#similar tbody tr")


@BOTH
def test_artist_page(browser, site, width):
    """BTS's "Butter" is on three releases in the dataset: the page lists it once, under its most popular one."""
    artist = Artist.objects.filter(name="BTS").order_by("-popularity").first()
    browser.open(artist.get_absolute_url(), width)
    # (title, credits): "IDOL" and "IDOL" with Nicki Minaj are two recordings, the three "Butter"s one song.
    songs = browser.js("return [...document.querySelectorAll('.album-group .results li')].map(li => "
                       "li.querySelector('strong').textContent + ' / ' + li.querySelector('.meta').textContent"
                       ".split(' · ')[0])")
    assert [song.split(" / ")[0] for song in songs].count("Butter") == 1
    assert len(songs) == len(set(songs)), "a song is listed twice"
    assert browser.js("return document.querySelectorAll('.album-group h2').length") > 1
    assert browser.js("return document.querySelectorAll('#similar-artists li a').length") > 0
    browser.check("artist", "h1", ".album-group .results li", "#similar-artists")
    browser.driver.find_element("css selector", ".album-group h2 a").click()
    browser.wait_for("return location.pathname.startsWith('/albums/') && document.readyState === 'complete'")
    browser.check("album", "h1", ".results li")


@BOTH
def test_recommend_with_seeds_and_targets(browser, site, width):
    seeds = ",".join(track.spotify_id for track in site.seeds)
    browser.open(f"/recommend/?seeds={seeds}&metric=euclidean&limit=10&target_energy=0.9&target_danceability=0.8",
                 width)
    headers = browser.js("return [...document.querySelectorAll('table:not(.tune) thead th')].map(t => t.textContent)")
    assert "Off target" in headers
    assert browser.third_party_requests() == []
    player_opens(browser, "table:not(.tune) tbody tr:first-child")
    browser.check("recommend", ".seed-chips .chip", "table:not(.tune) tbody tr td:nth-child(2) a",
                  "table:not(.tune) thead th:last-child")


def test_recommend_adds_a_seed_as_you_type(browser, site):
    first, second = site.seeds
    browser.open(f"/recommend/?seeds={first.spotify_id}", WIDE)
    browser.type_into("#seed-query", second.name[:12].lower())
    browser.wait_for("return !document.getElementById('suggestions').hidden")
    position = browser.js("return [...document.querySelectorAll('#suggestions li strong')]"
                          ".map(e => e.textContent).indexOf(arguments[0])", second.name)
    assert position >= 0, "the track typed is among the suggestions"
    browser.press(*["\ue015"] * (position + 1), "\ue007")  # ArrowDown to it, Enter
    browser.wait_for("return location.search.includes(arguments[0])", second.spotify_id)
    assert browser.console_errors() == []


def test_log_in_and_rate_a_whole_task_by_keyboard(browser, site):
    browser.open("/accounts/login/?next=/evaluate/", WIDE)
    browser.check("login", "#id_username", "#id_password")
    browser.type_into("#id_username", site.evaluator_name)
    browser.type_into("#id_password", site.password)
    browser.press("\ue007")
    browser.wait_for("return location.pathname === '/evaluate/' && document.readyState === 'complete'")
    browser.check("evaluate", "form button[type=submit]")

    browser.press("\ue007")  # "Start next task" has the focus
    browser.wait_for("return !!document.querySelector('.rate-item') && document.readyState === 'complete'")
    task_path = browser.js("return location.pathname")
    browser.press("\ue007")  # submitting nothing marks every track
    browser.wait_for("return !!document.getElementById('rating-errors')")
    assert all("status of 400" in error for error in browser.console_errors())  # the page's own answer
    browser.check("rate-missing", "#rating-errors", ".rate-item.has-error")
    items = browser.js("return document.querySelectorAll('.rate-item').length")
    assert browser.js("return document.querySelectorAll('.score-error').length") == items

    browser.press("s")  # the seed's player
    browser.wait_for("return !!document.querySelector('#seed-player iframe')")
    browser.press("p")  # the focused track's player, and again to hide it
    browser.wait_for("return !!document.querySelector('.rate-item.focused iframe')")
    browser.press("p")
    assert browser.js("return document.querySelector('.rate-item iframe')") is None

    hint = browser.js("return document.getElementById('rating-keys').textContent")
    assert "rate the focused track and jump to the next unrated one" in hint, hint  # so nobody presses j as well
    scores = ["3", "4", "5", "2", "1"][:items]
    browser.press(*scores)  # each key rates the focused track and moves to the next unrated one
    assert browser.js("return [...document.querySelectorAll('.rate-item input:checked')].map(i => i.value)") == scores
    assert browser.js("return document.querySelectorAll('.score-error, .rate-item.has-error, #rating-errors')"
                      ".length") == 0, "the red messages go once the tracks are rated"
    browser.check("rate", ".seed h1", "#seed-player button.player-toggle", ".rate-item .scores")

    browser.press("\ue007")
    browser.wait_for("return location.pathname !== arguments[0] && document.readyState === 'complete'", task_path)
    assignment = Assignment.objects.get(public_id=task_path.strip("/").split("/")[-1])  # the path's opaque id
    stored = Rating.objects.filter(evaluator__username=site.evaluator_name, item__task_id=assignment.task_id)
    assert sorted(stored.values_list("score", flat=True)) == sorted(int(score) for score in scores)
    assignment.refresh_from_db()
    assert assignment.evaluator.username == site.evaluator_name and assignment.status == "submitted"
    browser.resize(NARROW)
    browser.open(browser.js("return location.pathname"))
    browser.check("rate-next", ".seed h1", ".rate-item .scores", ".submit-row button")


@BOTH
def test_results_page(browser, site, width):
    browser.open(f"/campaigns/{site.closed_campaign.pk}/results/", width)
    browser.check("results", ".results-table", ".results-table thead th:last-child", "svg.chart")
    smallest = browser.js("""return Math.min(...[...document.querySelectorAll('svg.chart text')].map(text =>
        parseFloat(getComputedStyle(text).fontSize) * text.ownerSVGElement.getScreenCTM().a))""")
    assert smallest >= 10, f"chart labels drawn at {smallest:.1f} px"
    overlapping = browser.js(OVERLAPPING_TICKS)
    assert overlapping == [], f"chart labels run into each other: {overlapping}"


@BOTH
@pytest.mark.parametrize("path, name, key_content", [
    ("/accounts/login/", "login-form", ["#id_username", "#id_password"]),
    ("/campaigns/", "campaigns", ["table tbody tr"]),
    ("/evaluate/", "evaluate-home", ["h1"]),
])
def test_other_pages(browser, site, width, path, name, key_content):
    browser.open(path, width)
    browser.wait_for("return arguments[0].every(selector => document.querySelector(selector))", key_content)
    browser.check(name, *key_content)


def test_not_found_page(browser, site):
    browser.open("/tracks/no-such-track/", NARROW)
    assert all("404" in message for message in browser.console_errors())
    browser.screenshot("not-found")
    assert browser.overflowing() == []
    assert browser.visibility(".error-page h1") == "visible"
    assert browser.js("return document.querySelector('.error-page h1').textContent") == "Page not found"
