"""A listener likes a track straight from the search-as-you-type results, finds it on "My music", and undoes it.

The clicks go through the page's own script (personal/reactions.js: a PUT to /api/me/reactions/<id>/), so this
checks what a person sees: the button lights up, the like is stored and listed, a second click takes it back.
"""

import pytest

from recommender.personal.models import Reaction

from .browser import WIDE

pytestmark = pytest.mark.django_db  # lets the live server thread use the database while a test runs

RESULT_BUTTON = """
const wanted = arguments[0], kind = arguments[1];
const item = [...document.querySelectorAll('#search-results li')]
  .find(li => li.querySelector('strong') && li.querySelector('strong').textContent === wanted);
return item ? item.querySelector('form.reaction button.reaction-' + kind) : null;
"""
LIKED_NAMES = """
const heading = [...document.querySelectorAll('h2')].find(h => h.textContent.startsWith('Liked'));
const list = heading.nextElementSibling;
return [heading.textContent, list.matches('ul') ? [...list.querySelectorAll('li > a')].map(a => a.textContent) : []];
"""


def log_in(browser, site):
    browser.open("/accounts/login/?next=/", WIDE)
    browser.type_into("#id_username", site.evaluator_name)  # evaluators are listeners too
    browser.type_into("#id_password", site.password)
    browser.press("\ue007")
    browser.wait_for("return location.pathname === '/' && document.readyState === 'complete'")


def search_for(browser, track):
    query = track.name[:12].lower()
    browser.open("/", WIDE)
    browser.type_into("#search", query)
    # On a loaded machine a pause between two keys sends a search for the first letters; its list is redrawn when
    # the whole query's answer comes, so take the button from that answer only.
    browser.wait_for("return document.getElementById('search-status').textContent"
                     ".includes('for “' + arguments[0] + '”')", query.strip())
    return browser.wait_for(RESULT_BUTTON, track.name, "like")


def likes(site):
    return list(Reaction.objects.filter(user__username=site.evaluator_name, value=Reaction.LIKE)
                .values_list("track_id", flat=True))


def test_like_from_search_shows_on_my_music_and_undo_takes_it_back(browser, site):
    log_in(browser, site)
    button = search_for(browser, site.track)
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    browser.wait_for("return arguments[0].getAttribute('aria-pressed') === 'true'", button)
    assert likes(site) == [site.track.pk]

    browser.open("/me/", WIDE)
    assert browser.js(LIKED_NAMES) == ["Liked (1)", [site.track.name]]
    browser.check("my-music", "h1", ".results li a")

    button = search_for(browser, site.track)  # the search results show the like already given, lit
    browser.wait_for("return arguments[0].getAttribute('aria-pressed') === 'true'", button)
    button.click()  # the lit button undoes it
    browser.wait_for("return arguments[0].getAttribute('aria-pressed') === 'false'", button)
    assert likes(site) == []
    browser.open("/me/", WIDE)
    assert browser.js(LIKED_NAMES) == ["Liked (0)", []]
    assert browser.console_errors() == []
