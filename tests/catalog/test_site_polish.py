"""Site-wide details every page shares: favicon, the current page in the nav, error pages, the in-page player."""

import re

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import TrackFactory, UserFactory


@pytest.fixture
def track(db):
    return TrackFactory(spotify_id="4uLU6hMCjMI75M1A2tKUQC", name="Never Gonna Give You Up", popularity=77)


def nav_current(html):
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


def test_pages_name_their_favicon_and_the_old_address_redirects_to_it(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/songrec/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/songrec/favicon.svg"


@pytest.mark.parametrize("who, path, current", [
    ("anonymous", "/", ["Search"]),
    ("anonymous", "/tracks/4uLU6hMCjMI75M1A2tKUQC/", ["Search"]),
    ("anonymous", "/recommend/", ["Recommend"]),
    ("anonymous", "/campaigns/", ["Results"]),
    ("anonymous", "/accounts/login/", ["Log in"]),
    ("anonymous", "/explore/", ["Explore"]),
    ("listener", "/me/", ["My music"]),
    ("listener", "/me/for-you/", ["For you"]),  # one item, not also "My music"
    ("staff", "/index/", ["Index"]),
    ("staff", "/crawl/", ["Crawl"]),
])
def test_the_nav_marks_exactly_one_current_page(client, track, who, path, current):
    if who != "anonymous":
        client.force_login(UserFactory(username=who, is_staff=who == "staff"))
    assert nav_current(client.get(path).content.decode()) == current


def test_the_nav_has_a_menu_button_and_keeps_the_account_links_outside_it(client, track):
    html = client.get("/").content.decode()
    assert ('<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="site-nav">Menu</button>'
            in html)
    account = html[html.index('class="account-links"'):html.index('class="menu-toggle"')]
    assert ">Log in</a>" in account and ">Sign up</a>" in account
    client.force_login(UserFactory(username="listener"))
    html = client.get("/").content.decode()
    account = html[html.index('class="account-links"'):html.index('class="menu-toggle"')]
    assert ">For you</a>" in account and ">Index<" not in html  # staff pages are not offered to listeners


def test_an_unknown_page_has_the_site_s_own_404(client, db):
    response = client.get("/tracks/nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-header"' in html and "<code>/tracks/nope/</code>" in html


def test_a_server_error_has_the_site_s_own_500_page(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_popularity_is_written_out_not_a_heart(client, track):
    html = client.get("/").content.decode()
    assert "♥" not in html
    assert 'title="Spotify popularity, 0–100">popularity 77</span>' in html


def test_the_track_page_has_a_player_that_loads_only_on_request(client, track):
    html = client.get(track.get_absolute_url()).content.decode()
    button = re.search(r'<button type="button" class="player-toggle" data-embed="([^"]+)"[^>]*'
                       r'aria-expanded="false"\s+aria-controls="([^"]+)"', html)
    assert button and button.group(1) == "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"
    assert f'<div class="player-holder" id="{button.group(2)}" hidden></div>' in html
    assert "<iframe" not in html  # nothing from Spotify until someone presses Play
    assert '<script src="/static/songrec/player.js" defer></script>' in html
