"""What a listener and an evaluator see of the first hour's last fixes, in Chromium at 1280 and 390 px with axe:
cover art on search rows and the track page (a lazy image of fixed size, or a neutral placeholder), the rating
page's "don't know" / "can't play" answers by keyboard, and the cluster map's legend in distinct colours."""

import base64

import pytest

from evaluation.assignment import next_task
from recommender.clusters.models import Clustering
from recommender.clusters.services import build_clusters

from .browser import NARROW, WIDE
from .test_every_page import _session, as_who

pytestmark = pytest.mark.django_db
# A grey 300 px square, as the CSP allows (img-src data:); the browser has no network for Spotify's image hosts.
COVER = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" '
    b'fill="#777"/></svg>').decode()


@pytest.fixture(scope="module")
def covered(site, django_db_blocker):
    """The site's track with a cover on its album, and one track (another album) left without."""
    with django_db_blocker.unblock():
        album = site.track.album
        previous = album.image_url
        album.image_url = COVER
        album.save(update_fields=["image_url"])
    yield site.track
    with django_db_blocker.unblock():
        album.image_url = previous
        album.save(update_fields=["image_url"])


@pytest.fixture(scope="module")
def sessions(site, django_db_blocker):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        evaluator = get_user_model().objects.get(username=site.evaluator_name)
        assignment = next_task(evaluator, site.campaign)
        session = _session(evaluator)
    return type("Pages", (), {"sessions": {"evaluator": session}, "task": assignment})


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_search_rows_and_the_track_page_show_the_cover_at_a_fixed_size(browser, site, covered, width):
    browser.who = None
    browser.driver.get(browser.base_url + "/favicon.ico")
    browser.driver.delete_all_cookies()
    browser.open(f"/?q={covered.name}", width)
    browser.wait_for("return document.querySelector('#search-results li.track-row .cover')")
    covers = browser.js("return [...document.querySelectorAll('#search-results li .cover')].map(c => "
                        "[c.tagName, c.getAttribute('loading'), Math.round(c.getBoundingClientRect().width), "
                        "Math.round(c.getBoundingClientRect().height)])")
    assert ["IMG", "lazy", 48, 48] in covers
    assert all(cover[2:] == [48, 48] for cover in covers)  # placeholders take the same room
    browser.check(f"covers-search-{width}", "#search-results li.track-row img.cover")

    browser.open(covered.get_absolute_url(), width)
    image = browser.wait_for("const c = document.querySelector('.card.with-cover img.cover'); "
                             "return c && c.complete && c.naturalWidth > 0 && c")
    assert image.get_attribute("loading") == "lazy" and image.get_attribute("alt") == ""
    assert browser.visibility(image) == "visible"
    browser.check(f"covers-track-{width}", ".card.with-cover img.cover", "h1")


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_an_evaluator_answers_dont_know_and_cant_play_by_keyboard(browser, sessions, width):
    as_who(browser, sessions, "evaluator")
    browser.open(sessions.task.get_absolute_url(), width)
    browser.wait_for("return document.querySelector('.rate-item.focused')")
    labels = browser.js("return [...document.querySelectorAll('.rate-item .score-unknown, .rate-item "
                        ".score-unplayable')]")
    assert labels and all(browser.visibility(label) == "visible" for label in labels)
    browser.press("0", "x")
    checked = browser.js("return [...document.querySelectorAll('.rate-item')].slice(0, 2)"
                         ".map(item => (item.querySelector('input:checked') || {}).value)")
    assert checked == ["unknown", "unplayable"]
    hint = browser.js("return document.getElementById('rating-keys').textContent")
    assert "0 or n “don't know”" in hint and "x “can't play”" in hint
    browser.check(f"rate-unrated-{width}", ".rate-item .score-unknown")


@pytest.fixture(scope="module")
def clustered(site, django_db_blocker):
    with django_db_blocker.unblock():
        clustering = build_clusters(force=True, k_values=[8]).clustering
    yield clustering
    with django_db_blocker.unblock():
        Clustering.objects.all().delete()


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_the_map_gives_every_cluster_its_own_colour(browser, clustered, width):
    browser.who = None
    browser.open("/clusters/map/", width)
    browser.wait_for("return document.querySelectorAll('.cluster-map .legend li').length")
    colours = browser.js("return [...document.querySelectorAll('.cluster-map .legend circle')]"
                         ".map(c => c.getAttribute('fill').toLowerCase())")
    assert len(colours) == clustered.clusters.count()
    named = [colour for colour in colours if colour != "#bbbbbb"]  # the unclustered tracks' grey
    assert len(set(named)) == len(named), colours
    browser.check(f"map-{width}", ".cluster-map canvas")
