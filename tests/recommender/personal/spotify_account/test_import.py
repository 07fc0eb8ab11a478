""""Import from Spotify": saved tracks → likes (paged), recently played and top tracks → plays, matched by Spotify
id, unknown ids counted, idempotent, on demand and nightly; a rate limit midway stores nothing twice."""

from datetime import UTC, datetime

import pytest

from recommender.personal.models import Play, Reaction
from recommender.personal.spotify_account.models import SpotifyConnection
from recommender.personal.spotify_account.tasks import nightly_imports
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(spotify, db):
    """120 saved catalog tracks and 3 Spotify has but the catalog lacks; 3 recent plays; 4 top tracks."""
    tracks = [TrackFactory(name=f"Saved {number}") for number in range(120)]
    account = spotify.accounts["sp-listener"]
    unknown = [spotify.unknown_id("tr", number) for number in range(3)]
    account.saved = [t.spotify_id for t in tracks[:60]] + unknown + [t.spotify_id for t in tracks[60:]]
    account.recent = [(tracks[0].spotify_id, "2025-03-01T20:15:00.000Z"),
                      (tracks[0].spotify_id, "2025-03-01T19:10:00Z"),
                      (tracks[1].spotify_id, "2025-02-28T08:00:00Z"), (unknown[0], "2025-02-27T08:00:00Z")]
    account.top = [tracks[0].spotify_id, tracks[5].spotify_id, tracks[6].spotify_id, unknown[1]]
    return tracks


def run_import(client, capture, url="/me/spotify/import/"):
    with capture(execute=True):
        return client.post(url)


def test_saved_tracks_become_likes_over_every_page_and_recent_and_top_tracks_plays(
        client, connected, spotify, library, django_capture_on_commit_callbacks):
    response = run_import(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    connection = SpotifyConnection.objects.get()
    assert connection.import_status == "done", connection.import_message
    summary = connection.import_summary
    assert summary | {"unknown": None} == {"saved_tracks": 123, "recently_played": 4, "top_tracks": 4,
                                           "likes_added": 120, "plays_added": 5, "unknown_tracks": 3, "unknown": None}
    assert sorted(summary["unknown"]) == sorted(spotify.unknown_id("tr", n) for n in range(3))
    assert [call.query.get("offset", "0") for call in spotify.calls("/v1/me/tracks")] == ["0", "50", "100"]
    assert Reaction.objects.filter(user=connected, value=Reaction.LIKE).count() == 120
    plays = sorted(Play.objects.filter(user=connected).values_list("track__name", "played_at"))
    assert plays[:3] == [("Saved 0", datetime(2025, 3, 1, 19, 10, tzinfo=UTC)),
                         ("Saved 0", datetime(2025, 3, 1, 20, 15, tzinfo=UTC)),
                         ("Saved 1", datetime(2025, 2, 28, 8, 0, tzinfo=UTC))]
    assert [name for name, _ in plays[3:]] == ["Saved 5", "Saved 6"]  # top tracks not played recently: one play


def test_a_second_import_adds_nothing(client, connected, spotify, library, django_capture_on_commit_callbacks):
    run_import(client, django_capture_on_commit_callbacks)
    likes, plays = Reaction.objects.count(), Play.objects.count()
    run_import(client, django_capture_on_commit_callbacks, "/api/me/spotify/import/")
    summary = SpotifyConnection.objects.get().import_summary
    assert (summary["likes_added"], summary["plays_added"]) == (0, 0)
    assert (Reaction.objects.count(), Play.objects.count()) == (likes, plays)


def test_a_dislike_given_here_is_kept(client, connected, spotify, library, django_capture_on_commit_callbacks):
    Reaction.objects.create(user=connected, track=library[3], value=Reaction.DISLIKE)
    run_import(client, django_capture_on_commit_callbacks)
    assert Reaction.objects.get(user=connected, track=library[3]).value == Reaction.DISLIKE


def test_a_rate_limit_on_a_later_page_is_retried_and_stores_everything_once(
        client, connected, spotify, library, django_capture_on_commit_callbacks):
    spotify.fail("/v1/me/tracks", 429, headers={"Retry-After": "2"}, query_contains="offset=100")
    run_import(client, django_capture_on_commit_callbacks)
    connection = SpotifyConnection.objects.get()
    assert connection.import_status == "done" and connection.import_summary["likes_added"] == 120
    assert [call.query.get("offset", "0") for call in spotify.calls("/v1/me/tracks")] == ["0", "50", "100",
                                                                                         "0", "50", "100"]


def test_spotify_down_during_an_import_stores_nothing_and_says_so(
        client, connected, spotify, library, settings, django_capture_on_commit_callbacks):
    settings.SPOTIFY_ACCOUNT_MAX_RETRIES = 1
    spotify.fail("/v1/me/top/tracks", 502, times=10)
    run_import(client, django_capture_on_commit_callbacks)
    connection = SpotifyConnection.objects.get()
    assert connection.import_status == "failed" and "Spotify failed (502)" in connection.import_message
    assert not Reaction.objects.exists() and not Play.objects.exists()
    page = client.get("/me/").content.decode()
    assert "Spotify failed (502)" in page


def test_the_api_answers_202_with_the_status_and_409_when_not_connected(
        client, connected, spotify, library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/me/spotify/import/")
    assert response.status_code == 202 and response.json()["connected"] is True
    assert client.get("/api/me/spotify/").json()["import_summary"]["likes_added"] == 120
    client.post("/me/spotify/disconnect/")
    assert client.post("/api/me/spotify/import/").status_code == 409


def test_the_nightly_task_imports_every_connected_listener(
        client, connected, spotify, library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert nightly_imports() == {"queued": 1}
    assert Reaction.objects.filter(user=connected).count() == 120
