"""Client credentials as Spotify does them: /api/token, bearer tokens, 401s, the per-client throttle, the command."""

import base64

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from recommender.spotify_api.auth import secret_sha256
from recommender.spotify_api.models import ApiClient
from recommender.spotify_api.services import rotate_secret

from .spotify_schema import validate_error

TRACKS = "/v1/recommendations/available-genre-seeds"


def basic(client_id, secret):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token(client, client_id, secret, **extra):
    return client.post("/api/token", {"grant_type": "client_credentials", **extra},
                       HTTP_AUTHORIZATION=basic(client_id, secret))


def test_token_by_basic_auth_and_by_form_fields(db, credentials):
    client = APIClient()
    answer = token(client, credentials.client_id, credentials.client_secret)
    assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
    assert answer.json()["expires_in"] == 3600 and answer["Cache-Control"] == "no-store"
    form = client.post("/api/token", {"grant_type": "client_credentials", "client_id": credentials.client_id,
                                      "client_secret": credentials.client_secret})
    assert form.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {form.json()['access_token']}")
    assert client.get(TRACKS).status_code == 200


@pytest.mark.parametrize("case", ["wrong secret", "unknown id", "no credentials", "grant", "inactive"])
def test_token_refusals(db, credentials, case):
    client = APIClient()
    if case == "inactive":
        ApiClient.objects.update(active=False)
    secret = "nope" if case == "wrong secret" else credentials.client_secret
    client_id = "nope" if case == "unknown id" else credentials.client_id
    if case == "no credentials":
        answer = client.post("/api/token", {"grant_type": "client_credentials"})
    else:
        answer = token(client, client_id, secret, **({"grant_type": "password"} if case == "grant" else {}))
    assert answer.status_code == 400
    assert answer.json()["error"] == ("unsupported_grant_type" if case == "grant" else "invalid_client")


def test_secret_is_stored_hashed(credentials):
    stored = ApiClient.objects.get()
    assert stored.secret_sha256 == secret_sha256(credentials.client_secret)
    assert credentials.client_secret not in str(ApiClient.objects.values().get())


def unauthorized(response, message):
    assert response.status_code == 401 and response.json() == {"error": {"status": 401, "message": message}}
    validate_error(response.json())
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_requests_without_a_valid_token_are_401(db, credentials, settings):
    client = APIClient()
    unauthorized(client.get(TRACKS), "No token provided")
    client.credentials(HTTP_AUTHORIZATION="Bearer forged.token.value")
    unauthorized(client.get(TRACKS), "Invalid access token")
    good = token(APIClient(), credentials.client_id, credentials.client_secret).json()["access_token"]
    payload, stamp, signature = good.split(".")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {payload}.{stamp}.{signature[:-2]}xx")
    unauthorized(client.get(TRACKS), "Invalid access token")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {good}")
    settings.SPOTIFY_API_TOKEN_SECONDS = -1
    unauthorized(client.get(TRACKS), "The access token expired")
    settings.SPOTIFY_API_TOKEN_SECONDS = 3600
    assert client.get(TRACKS).status_code == 200
    rotate_secret(credentials.client)
    unauthorized(client.get(TRACKS), "Invalid access token")


def test_per_client_throttle_answers_429_with_retry_after(spotify, credentials, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"spotify-api": "2/minute", "spotify-token": None})
    assert spotify.get(TRACKS).status_code == 200
    assert spotify.get(TRACKS).status_code == 200
    answer = spotify.get(TRACKS)
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0
    validate_error(answer.json())
    assert answer.json()["error"]["status"] == 429


def test_create_api_client_command(db, capsys):
    call_command("create_api_client", "my app")
    out = capsys.readouterr().out.splitlines()
    client_id, secret = (line.split("=", 1)[1] for line in out)
    assert out[0].startswith("client_id=") and out[1].startswith("client_secret=")
    assert ApiClient.objects.get(name="my app").secret_sha256 == secret_sha256(secret)
    assert token(APIClient(), client_id, secret).status_code == 200
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_api_client", "my app")


def test_staff_create_a_client_in_the_admin_and_see_its_secret_once(admin_client):
    answer = admin_client.post("/admin/spotify_api/apiclient/add/", {"name": "from the admin"}, follow=True)
    assert answer.status_code == 200
    message = next(str(m) for m in answer.context["messages"])
    client = ApiClient.objects.get(name="from the admin")
    secret = message.split("client_secret=")[1].split()[0]
    assert f"client_id={client.client_id}" in message and client.secret_sha256 == secret_sha256(secret)
    assert token(APIClient(), client.client_id, secret).status_code == 200
    listing = admin_client.get("/admin/spotify_api/apiclient/")
    assert listing.status_code == 200 and secret not in listing.content.decode()
