"""Every page is served under a strict Content-Security-Policy, and no page needs more than it allows."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from catalog.playlists.services import create_listener_playlist
from evaluation.assignment import next_task
from recommender.personal.models import HistoryImport
from tests.evaluation.conftest import campaign, evaluator, index_version, make_campaign, make_evaluator  # noqa: F401
from tests.factories import ArtistFactory, TrackFactory, UserFactory

# Pages that only accept POST (they redirect) are covered by the forms that post to them.
POST_ONLY = {"recommender:index_rebuild", "evaluation:next", "logout", "personal:react", "personal:delete",
             "catalog:crawl_start", "playlists:add", "playlists:edit", "playlists:remove", "playlists:move",
             "playlists:duplicate", "spotify_account:disconnect", "spotify_account:import",
             "spotify_account:privacy", "spotify_account:save_playlist", "generation:refresh", "generation:extend",
             "clusters:playlist", "personal:save_for_you"}
# Not pages: /favicon.ico redirects to the static icon. A cluster's page needs a fitted clustering; it is served
# by the same base template as the cluster list, which is checked.
# This fixture's index version has no files: "For you" answers its 503 page saying so (the CSP applies all the same).
# Connecting Spotify without SPOTIFY_CLIENT_ID is a 503 page; a callback without a state a 400 page.
EXPECTED_STATUS = {"personal:for_you": 503, "spotify_account:connect": 503, "spotify_account:callback": 400}
# Pages a signed-in person is redirected away from.
ANONYMOUS_PAGES = {"personal:signup"}
NOT_CHECKED_HERE = {"catalog:favicon", "clusters:detail"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(client, evaluator, campaign):  # noqa: F811
    """{url name: path} for every page, with the data each needs, seen by a staff evaluator."""
    artist = ArtistFactory(name="Daft Punk")
    track = TrackFactory(spotify_id="0DiWol3AO6WpXZgp0goxAV", artists=[artist], genres=["house"])
    evaluator.is_staff = evaluator.is_superuser = True
    evaluator.save()
    client.force_login(evaluator)
    assignment = next_task(evaluator, campaign)
    history_import = HistoryImport.objects.create(
        user=evaluator, filename="StreamingHistory_music_0.json", size=2, sha256="0" * 64, status="queued",
        message="The task queue is unreachable right now, so this import waits.")
    playlist = create_listener_playlist(owner=evaluator, name="Mine", track_ids=[track.pk])
    return {
        "catalog:home": "/?q=daft", "catalog:track": track.get_absolute_url(),
        "catalog:artist": f"/artists/{artist.pk}/", "catalog:album": track.album.get_absolute_url(),
        "dashboard": "/dashboard/",
        "catalog:crawl_status": "/crawl/", "recommender:recommend": f"/recommend/?seeds={track.spotify_id}",
        "recommender:index_status": "/index/", "evaluation:home": "/evaluate/",
        "evaluation:task": assignment.get_absolute_url(), "evaluation:campaigns": "/campaigns/",
        "evaluation:results": f"/campaigns/{campaign.pk}/results/",
        "evaluation:version_results": f"/campaigns/versions/{campaign.index_version_id}/",
        "login": "/accounts/login/", "api-schema": "/api/schema/", "api-docs": "/api/docs/",
        "api-redoc": "/api/redoc/",
        "explore:profile": "/explore/", "clusters:list": "/clusters/", "clusters:map": "/clusters/map/",
        "personal:signup": "/accounts/signup/", "personal:my_music": "/me/", "personal:for_you": "/me/for-you/",
        "personal:start": "/me/start/", "personal:import": "/me/import/", "personal:export": "/me/export/",
        "personal:import_detail": reverse("personal:import_detail", args=[history_import.pk]),
        "playlists:mine": "/me/playlists/", "playlists:detail": playlist.get_absolute_url(),
        "playlists:delete": reverse("playlists:delete", args=[playlist.pk]),
        "playlist_transfer:import": "/me/playlists/import/",
        "spotify_account:account": "/me/spotify/", "spotify_account:connect": "/me/spotify/connect/",
        "spotify_account:callback": "/me/spotify/callback/",
        "generation:song_path": "/song-path/", "generation:generate": "/me/generate/",
    }


def page_url_names(resolver=None, namespace=""):
    """The names of every URL outside the admin and the JSON APIs (songrec's under /api/, Spotify's under /v1/)."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = str(pattern.pattern)
            if prefix.startswith(("admin/", "api/", "v1/")):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= page_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not str(pattern.pattern).startswith("api/"):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_the_fixture_covers_every_page(pages):
    """A new page fails here until it is added to ``pages``, and so gets its CSP checked."""
    assert page_url_names() - POST_ONLY - NOT_CHECKED_HERE - set(pages) == set()


def test_every_page_has_the_strict_policy_and_needs_nothing_inline(client, pages):
    expected = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name, url in pages.items():
        response = (Client() if name in ANONYMOUS_PAGES else client).get(url)
        assert response.status_code == EXPECTED_STATUS.get(name, 200), (name, url, response.status_code)
        directives = policy(response)
        if name == "api-redoc":
            continue  # checked below
        assert directives == expected, name
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (name, INLINE_SCRIPT.search(html).group())
            assert not INLINE_STYLE.search(html), (name, html[INLINE_STYLE.search(html).start() - 80:][:200])
            assert not EVENT_HANDLER.search(html), (name, EVENT_HANDLER.search(html).group())


def test_the_policy_allows_only_the_site_itself_the_spotify_player_and_spotifys_cover_images(client, db, settings):
    directives = policy(client.get("/"))
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == ["'self'"]
    assert directives["frame-src"] == ["https://open.spotify.com"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    third_party = {value for values in directives.values() for value in values
                   if value.startswith("http") or "." in value}
    assert third_party == {"https://open.spotify.com", *settings.COVER_ART_IMAGE_HOSTS}  # frames; cover art
    assert set(directives["img-src"]) == {"'self'", "data:", *settings.COVER_ART_IMAGE_HOSTS}


def test_redoc_alone_may_use_the_inline_styles_and_worker_it_builds(client, db):
    directives = policy(client.get("/api/redoc/"))
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["worker-src"] == ["blob:"]
    assert directives["script-src"] == ["'self'"]


def test_swagger_ui_loads_its_start_up_script_from_the_site(client, db):
    html = client.get("/api/docs/").content.decode()
    script = re.findall(r'<script src="([^"]+)"', html)[-1]
    response = client.get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/tracks/", "/tracks/nope/", "/tracks/%00/", "/admin/"])
def test_api_answers_error_pages_and_the_admin_carry_the_policy_too(client, db, url):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert policy(client.get(url))["script-src"] == ["'self'"]


def test_the_periodic_task_admin_form_runs_no_inline_script(client, db):
    """django-celery-beat's form explains the chosen crontab in words; here from a static file the policy allows."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/django_celery_beat/periodictask/add/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = [tag.group() for tag in INLINE_SCRIPT.finditer(html)]
    assert all('type="application/json"' in tag for tag in scripts), scripts
    assert "songrec/periodic_task_form.js" in html
    assert 'id="readable-crontabs"' in html and 'id="crontab-help"' in html
