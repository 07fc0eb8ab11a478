"""Every page, with its data, at 1280 and 390 px, as an anonymous visitor, a listener and staff: axe-core finds no
serious or critical violation, nothing scrolls sideways, no console error (``Browser.check``).

The data is what makes pages wide: the explore heatmaps need the computed catalog profile, the cluster pages a
fitted clustering (its candidates table, the long genre labels), the listener pages likes and an import. All of
it is made once for the module and committed (the live server's thread can't see a test's transaction), and
removed again afterwards. Logging in sets a session cookie made here, rather than typing into the form again.
"""

import json
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

from catalog.explore.store import store_profiles
from catalog.models import Artist
from evaluation.assignment import next_task
from recommender.clusters.models import Cluster, Clustering
from recommender.clusters.services import build_clusters
from recommender.personal.models import HistoryImport, Reaction

from .browser import NARROW, WIDE

pytestmark = pytest.mark.django_db
LISTENER, STAFF = "browser-listener", "browser-staff"


@dataclass
class Pages:
    sessions: dict  # who → session key
    paths: dict  # page name → (who, path, key content selectors)


def _remove(names):
    Clustering.objects.all().delete()
    get_user_model().objects.filter(username__in=names).delete()


def _session(user):
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@pytest.fixture(scope="module")
def pages(site, django_db_blocker):
    names = [LISTENER, STAFF]
    with django_db_blocker.unblock():
        _remove(names)
        build_clusters(force=True, k_values=[8])
        store_profiles()
        User = get_user_model()
        listener = User.objects.create_user(LISTENER, password=site.password)
        staff = User.objects.create_user(STAFF, password=site.password, is_staff=True, is_superuser=True)
        for track in [site.track, *site.seeds]:
            Reaction.objects.create(user=listener, track=track, value=Reaction.LIKE)
        history = HistoryImport.objects.create(user=listener, filename="StreamingHistory_music_0.json",
                                               sha256="0" * 64, size=1, status=HistoryImport.Status.DONE, summary={
                "rows": 1, "plays": 1, "short_plays": 0, "matched_plays": 1, "matched_tracks": 1, "new_plays": 1,
                "unmatched_plays": 0, "unmatched_songs": 0, "unmatched": []})
        evaluator = User.objects.get(username=site.evaluator_name)
        task = next_task(evaluator, site.campaign)
        cluster = Cluster.objects.filter(clustering__active=True).order_by("-size").first()
        artist = Artist.objects.filter(pk__in=site.track.track_artists.values("artist")).first()
        sessions = {"listener": _session(listener), "staff": _session(staff), "evaluator": _session(evaluator)}
    paths = {
        "home": ("anonymous", "/", ["#search"]),
        "search-results": ("anonymous", "/?q=metallica", ["#search-results li"]),
        "track": ("anonymous", site.track.get_absolute_url(), ["h1"]),
        "artist": ("anonymous", artist.get_absolute_url(), ["h1"]),
        "recommend": ("anonymous", f"/recommend/?seeds={site.seeds[0].spotify_id}", ["h1"]),
        "explore": ("anonymous", "/explore/", ["svg"]),
        "clusters": ("anonymous", "/clusters/", ["h1", "table"]),
        "cluster": ("anonymous", f"/clusters/{cluster.number}/", ["h1"]),
        "cluster-map": ("anonymous", "/clusters/map/", ["h1"]),
        "campaigns": ("anonymous", "/campaigns/", ["h1"]),
        # Results are public once a campaign closes (an open one's would unblind its raters: a 403 page).
        "results": ("anonymous", f"/campaigns/{site.closed_campaign.pk}/results/", ["h1"]),
        "login": ("anonymous", "/accounts/login/", ["#id_username"]),
        "signup": ("anonymous", "/accounts/signup/", ["#id_username"]),
        "my-music": ("listener", "/me/", ["h1"]),
        "for-you": ("listener", "/me/for-you/", ["h1"]),
        "start": ("listener", "/me/start/", ["h1", "#genre-filter"]),
        "import": ("listener", "/me/import/", ["h1"]),
        "import-detail": ("listener", f"/me/import/{history.pk}/", ["h1"]),
        "playlist-import": ("listener", "/me/playlists/import/", ["h1", "#id_file", "#id_url"]),
        "song-path": ("anonymous", f"/song-path/?from={site.track.spotify_id}&to={site.seeds[0].spotify_id}",
                      ["h1", "#song-path h2"]),
        "generate": ("listener", "/me/generate/", ["h1", "#radio-form button"]),
        "evaluate": ("evaluator", "/evaluate/", ["h1"]),
        "rate": ("evaluator", task.get_absolute_url(), [".rate-item"]),
        "index": ("staff", "/index/", ["h1"]),
        "crawl": ("staff", "/crawl/", ["h1"]),
        "api-docs": ("anonymous", "/api/docs/", [".swagger-ui .opblock"]),
    }
    yield Pages(sessions=sessions, paths=paths)
    with django_db_blocker.unblock():
        HistoryImport.objects.filter(user__username__in=names).delete()
        _remove(names)


def as_who(browser, pages, who):
    """Log the browser in as ``who`` (or out, for "anonymous") by its session cookie."""
    if getattr(browser, "who", None) == who:
        return
    browser.driver.get(browser.base_url + "/favicon.ico")
    browser.driver.delete_all_cookies()
    if who != "anonymous":
        browser.driver.add_cookie({"name": django_settings.SESSION_COOKIE_NAME, "value": pages.sessions[who],
                                   "path": "/"})
    browser.who = who


PAGE_NAMES = ["home", "search-results", "track", "artist", "recommend", "explore", "clusters", "cluster",
              "cluster-map", "campaigns", "results", "login", "signup", "my-music", "for-you", "start", "import",
              "import-detail", "playlist-import", "song-path", "generate", "evaluate", "rate", "index", "crawl",
              "api-docs"]


# Swagger UI (drf-spectacular's bundle) nests its "copy path" button inside each operation's toggle button: its
# markup, not songrec's, and no stylesheet can move it. Every other rule applies to the API docs too.
SKIPPED_RULES = {"api-docs": ["nested-interactive"]}


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page(browser, pages, name, width):
    who, path, key_content = pages.paths[name]
    as_who(browser, pages, who)
    browser.open(path, width)
    browser.wait_for("return arguments[0].every(selector => document.querySelector(selector))", key_content)
    browser.check(f"page-{name}", *key_content, skip_rules=SKIPPED_RULES.get(name, ()))


def test_pages_have_no_raw_python_or_server_paths(browser, pages):
    for name in ("clusters", "index", "crawl"):
        who, path, _ = pages.paths[name]
        as_who(browser, pages, who)
        browser.open(path, WIDE)
        text = browser.js("return document.body.innerText")
        assert "{'" not in text and "':" not in text, f"{name} shows a raw Python dict"
        assert str(django_settings.BASE_DIR) not in text and "/tmp/" not in text, f"{name} shows a server path"
        assert json.dumps(text)  # (readable text, nothing binary)


def test_on_a_phone_the_menu_button_opens_the_navigation_and_the_account_links_stay_in_view(browser, pages):
    as_who(browser, pages, "anonymous")
    browser.open("/", NARROW)
    account = browser.js("return [...document.querySelectorAll('.account-links a')]")
    assert [link.text for link in account] == ["Log in", "Sign up"]
    assert [browser.visibility(link) for link in account] == ["visible", "visible"]
    button = browser.driver.find_element("css selector", ".menu-toggle")
    assert browser.visibility(button) == "visible" and button.get_attribute("aria-expanded") == "false"
    assert browser.visibility("#site-nav") == "hidden"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert browser.visibility("#site-nav a[href='/explore/']") == "visible"
    assert browser.js("return document.querySelectorAll('[aria-current=page]').length") == 1
    browser.screenshot("menu-open")
    browser.press("\ue00c")  # Escape closes it again
    assert button.get_attribute("aria-expanded") == "false" and browser.visibility("#site-nav") == "hidden"

    as_who(browser, pages, "listener")
    browser.open("/me/for-you/", NARROW)
    assert browser.visibility(".account-links a[href='/me/for-you/']") == "visible"
    assert browser.js("return [...document.querySelectorAll('[aria-current=page]')].map(a => a.textContent)") == [
        "For you"]
    assert browser.js("return document.querySelectorAll('.personal-list .player-toggle, table .player-toggle')"
                      ".length") > 0, "For you rows have a Play button"
