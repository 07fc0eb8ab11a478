"""Connecting a Spotify account: PKCE authorization through the real spotipy against the fake Spotify over HTTP,
the state checked once, tokens sealed at rest, refreshed when expired, a revoked one asks to reconnect."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db
from django.utils import timezone

from recommender.personal.spotify_account.account import fresh_access_token
from recommender.personal.spotify_account.models import IMPORT_SCOPES, SpotifyConnection
from recommender.personal.spotify_account.sealing import unseal
from tests.fake_spotify import authorize, connect

pytestmark = pytest.mark.django_db


def test_connecting_asks_spotify_for_only_the_import_scopes_with_a_pkce_challenge(client, listener, spotify):
    client.force_login(listener)
    response = client.get("/me/spotify/connect/?for=import")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["scope"] == [" ".join(sorted(IMPORT_SCOPES))]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["redirect_uri"] == ["http://testserver/me/spotify/callback/"] and len(query["state"][0]) >= 32
    assert not SpotifyConnection.objects.exists()


def test_the_callback_exchanges_the_code_with_the_verifier_and_stores_the_tokens_sealed(client, listener, spotify):
    client.force_login(listener)
    response = connect(client, spotify)
    assert response.status_code == 302 and response["Location"] == "/me/spotify/"
    exchange = [call for call in spotify.calls("/api/token") if call.body.get("grant_type") == "authorization_code"]
    assert len(exchange) == 1 and len(exchange[0].body["code_verifier"]) >= 43
    assert "client_secret" not in exchange[0].body  # PKCE: the secret never leaves the server
    stored = SpotifyConnection.objects.get(user=listener)
    assert (stored.spotify_user_id, stored.status) == ("sp-listener", "connected")
    assert stored.scopes == set(IMPORT_SCOPES)
    (access_token,) = spotify.user_tokens
    (refresh_token,) = spotify.refresh_tokens
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token_sealed, refresh_token_sealed FROM spotify_account_spotifyconnection")
        raw = " ".join(cursor.fetchone())
    assert access_token not in raw and refresh_token not in raw
    assert unseal(stored.access_token_sealed) == access_token and unseal(stored.refresh_token_sealed) == refresh_token
    page = client.get("/me/spotify/").content.decode() + client.get("/api/me/spotify/").content.decode()
    assert "Listener on Spotify" in page and access_token not in page and refresh_token not in page


@pytest.mark.parametrize("tamper", ["wrong", "missing"])
def test_a_wrong_or_missing_state_is_refused_and_nothing_is_stored(client, listener, spotify, tamper):
    client.force_login(listener)
    callback = authorize(client, spotify)
    query = {key: values[0] for key, values in parse_qs(callback.query).items()}
    if tamper == "wrong":
        state = query["state"]
        query["state"] = ("y" if state.startswith("x") else "x") + state[1:]  # one character off, never the same
    else:
        del query["state"]
    response = client.get(callback.path, query)
    assert response.status_code == 400 and "does not match a connection started here" in response.content.decode()
    assert not SpotifyConnection.objects.exists()
    assert not [call for call in spotify.calls("/api/token") if call.body.get("grant_type") == "authorization_code"]


def test_a_replayed_callback_is_refused(client, listener, spotify):
    client.force_login(listener)
    callback = authorize(client, spotify)
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    SpotifyConnection.objects.all().delete()
    assert client.get(f"{callback.path}?{callback.query}").status_code == 400
    assert not SpotifyConnection.objects.exists()


def test_another_listeners_state_is_refused(client, listener, spotify, django_user_model):
    client.force_login(listener)
    callback = authorize(client, spotify)
    other = django_user_model.objects.create_user("other")
    client.force_login(other)  # a new session: the state was never given to this one
    assert client.get(f"{callback.path}?{callback.query}").status_code == 400
    assert not SpotifyConnection.objects.exists()


def test_a_code_exchanged_with_the_wrong_verifier_is_refused(client, listener, spotify):
    client.force_login(listener)
    callback = authorize(client, spotify)
    session = client.session
    for entry in session["spotify_oauth"].values():
        entry["verifier"] = "not-the-verifier-" * 3
    session.save()
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 400 and "code_verifier was incorrect" in response.content.decode()
    assert not SpotifyConnection.objects.exists()


def test_declining_on_spotify_stores_nothing(client, listener, spotify):
    spotify.deny_authorization = True
    client.force_login(listener)
    response = connect(client, spotify)
    assert response.status_code == 400 and "You declined" in response.content.decode()
    assert not SpotifyConnection.objects.exists()


def test_an_expired_access_token_is_refreshed_before_use(client, connected, spotify,
                                                         django_capture_on_commit_callbacks):
    SpotifyConnection.objects.update(expires_at=timezone.now() - timedelta(minutes=5))
    old = SpotifyConnection.objects.get().access_token_sealed
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/spotify/import/")
    stored = SpotifyConnection.objects.get()
    assert stored.import_status == "done", stored.import_message
    assert [call.body["grant_type"] for call in spotify.calls("/api/token")] == ["authorization_code", "refresh_token"]
    assert stored.access_token_sealed != old and stored.expires_at > timezone.now() + timedelta(minutes=30)
    assert stored.import_status == "done"


def test_a_revoked_token_marks_the_connection_broken_and_the_listener_is_told_to_reconnect(
        client, connected, spotify, django_capture_on_commit_callbacks):
    spotify.revoke_user("sp-listener")  # removed on Spotify's account page: the access token stops working too
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/spotify/import/")
    stored = SpotifyConnection.objects.get()
    assert stored.status == "broken" and stored.import_status == "failed"
    assert "Connect Spotify again" in stored.import_message
    page = client.get("/me/").content.decode()
    assert "Connect Spotify again" in page
    assert client.post("/api/me/spotify/import/").status_code == 409
    assert connect(client, spotify).status_code == 302  # connecting again mends it
    assert SpotifyConnection.objects.get().status == "connected"


def test_disconnecting_deletes_the_tokens_and_says_where_to_remove_the_app(client, connected, spotify):
    response = client.post("/me/spotify/disconnect/", follow=True)
    assert "spotify.com/account/apps" in response.content.decode()
    assert not SpotifyConnection.objects.exists()
    api = client.get("/api/me/spotify/").json()
    assert api["connected"] is False and api["account"] is None


def test_connecting_without_client_id_says_it_is_not_configured(client, listener, spotify, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    client.force_login(listener)
    response = client.get("/me/spotify/connect/")
    assert response.status_code == 503 and "not configured" in response.content.decode()


def test_spotify_down_while_connecting_is_told_and_stores_nothing(client, listener, spotify):
    client.force_login(listener)
    callback = authorize(client, spotify)
    spotify.fail("/api/token", 503)
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 503 and "try again" in response.content.decode()
    assert not SpotifyConnection.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, spotify):
    assert client.get("/me/spotify/connect/")["Location"].startswith("/accounts/login/")


def test_no_token_reaches_the_log_even_when_spotipys_log_level_is_debug(client, listener, spotify, caplog):
    floor = subprocess.run([sys.executable, "-c", "from django.conf import settings; "
                            "print(settings.LOGGING['loggers']['spotipy']['level'])"],
                           env={**os.environ, "DJANGO_SETTINGS_MODULE": "songrec.settings",
                                "SPOTIPY_LOG_LEVEL": "DEBUG"},
                           capture_output=True, text=True, check=True).stdout.strip()
    assert floor == "INFO"
    spotipy_logger = logging.getLogger("spotipy")
    level = spotipy_logger.level
    spotipy_logger.setLevel(floor)
    try:
        client.force_login(listener)
        with caplog.at_level(logging.DEBUG):
            connect(client, spotify)
            SpotifyConnection.objects.update(expires_at=timezone.now())
            fresh_access_token(SpotifyConnection.objects.get())
    finally:
        spotipy_logger.setLevel(level)
    assert len(spotify.refresh_tokens) == 1 and len(spotify.user_tokens) == 2
    for token in [*spotify.user_tokens, *spotify.refresh_tokens]:
        assert token not in caplog.text
