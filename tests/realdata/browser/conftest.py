"""A real browser on the real catalog: headless Chromium driven by Selenium through Debian's chromedriver.

The live server is pytest-django's ``LiveServer`` started here rather than through its ``live_server`` fixture:
that fixture turns every test using it into a transactional test, whose flush would wipe the real catalog the
other tests in tests/realdata share. What the pages need (evaluators, an open campaign, one rated list) is
created once per module and committed, so the server thread sees it, and deleted again afterwards. Each test
still asks for ``db``, which lets the server thread use the database while the test runs.

Chromium gets no network: every host but the live server resolves to nothing, so pressing "Play" shows that the
page asks for Spotify's embed, and nothing third-party is fetched before that.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from pytest_django.live_server_helper import LiveServer

from catalog.models import AUDIO_FEATURES, Track
from catalog.selectors import search_results
from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign, create_campaign, open_campaign, populate_campaign
from evaluation.evaluators import evaluator_group
from evaluation.models import Campaign, Rating
from evaluation.ratings import RatingEntry, submit_ratings

from .browser import Browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOT_DIR = Path(os.environ.get("SONGREC_SCREENSHOT_DIR", Path(django_settings.BASE_DIR) / "var" / "screenshots"))
PASSWORD = "listen-closely-42"
EVALUATOR = "browser-evaluator"
CAMPAIGN = "Browser walk"


@dataclass
class Site:
    url: str
    campaign: Campaign
    closed_campaign: Campaign  # results are public once a campaign closes
    track: Track  # a popular, indexed track with every feature
    seeds: list  # two more for the recommend page
    evaluator_name: str
    password: str


def _require_browser():
    if CHROMIUM and CHROMEDRIVER:
        return
    message = "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(message)  # .ci/run installs them: missing there is a broken set-up, not a skip
    pytest.skip(message)


def _make_users():
    User = get_user_model()
    users = []
    for name in (EVALUATOR, f"{EVALUATOR}-2"):
        user = User.objects.create_user(name, password=PASSWORD)
        user.groups.add(evaluator_group())
        users.append(user)
    return users


def _remove_walk_data():
    Rating.objects.filter(item__task__campaign__name__startswith=CAMPAIGN).delete()  # ratings protect their items
    Campaign.objects.filter(name__startswith=CAMPAIGN).delete()
    get_user_model().objects.filter(username__startswith=EVALUATOR).delete()


def _make_walk_data(version):
    """Two evaluators and two campaigns of 4 lists on ``version``, one list of each already rated by the second:
    one open, one closed (whose results anyone may see)."""
    evaluator, other = _make_users()
    campaigns = []
    for name in (CAMPAIGN, f"{CAMPAIGN} (closed)"):
        campaign = create_campaign(name=name, index_version=version, systems=["cosine", "random"],
                                   seed_count=2, k=5, ratings_per_item=1, random_seed=11)
        populate_campaign(campaign)
        open_campaign(campaign)
        assignment = next_task(other, campaign)
        submit_ratings(other, assignment.task, [RatingEntry(item.pk, 1 + item.display_position % 5)
                                                for item in assignment.task.items.all()])
        campaigns.append(campaign)
    close_campaign(campaigns[1], log_to_mlflow=False)
    return campaigns


@pytest.fixture(scope="module")
def site(real_catalog, real_var_dir, django_db_blocker):
    """The live server and the committed data its pages need, removed again afterwards (never a flush)."""
    _require_browser()
    previous = django_settings.MIDDLEWARE, django_settings.RECOMMENDER_INDEX_DIR
    django_settings.RECOMMENDER_INDEX_DIR = real_var_dir / "index"  # where the session's build wrote its files
    # The server thread builds its handler from the settings when it starts.
    django_settings.MIDDLEWARE = [*previous[0], "tests.realdata.browser.csp.strict_policy"]
    server = None
    try:
        with django_db_blocker.unblock():
            _remove_walk_data()  # left by an interrupted run on a reused database
            campaign, closed_campaign = _make_walk_data(real_catalog.version)
            indexed = Track.objects.filter(hidden=False, **{f"{name}__isnull": False for name in AUDIO_FEATURES})
            popular = list(indexed.filter(instrumentalness__gt=0.01).order_by("-popularity", "pk")[:3])
            # Built once here: the server thread shares this process's search index (90k tracks take a while).
            search_results(popular[0].name, limit=1)
        server = LiveServer("localhost")
        yield Site(url=server.url, campaign=campaign, closed_campaign=closed_campaign, track=popular[0],
                   seeds=popular[1:], evaluator_name=EVALUATOR,
                   password=PASSWORD)
    finally:
        if server is not None:
            server.stop()
        django_settings.MIDDLEWARE, django_settings.RECOMMENDER_INDEX_DIR = previous
        with django_db_blocker.unblock():
            _remove_walk_data()


@pytest.fixture(scope="module")
def browser(site):
    """One headless Chromium for the module; screenshots go to var/screenshots/ (or $SONGREC_SCREENSHOT_DIR)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    driver = Browser.start(CHROMIUM, CHROMEDRIVER, site.url, SCREENSHOT_DIR)
    try:
        yield driver
    finally:
        driver.quit()
