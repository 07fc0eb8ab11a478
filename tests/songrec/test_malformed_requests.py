"""Requests no view can serve — NUL bytes, JSON nested thousands deep, non-integer ids — get a 4xx, never a 500."""

import json

import pytest
from rest_framework.authtoken.models import Token

from songrec.lib.json_limits import json_depth
from tests.factories import TrackFactory


@pytest.fixture
def track(db):
    return TrackFactory(spotify_id="0DiWol3AO6WpXZgp0goxAV", genres=["house"])


def deep_json(levels):
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(("url", "status"), [
    ("/api/tracks/?genre=%00", 400),
    ("/api/artists/?name=%00", 400),
    ("/api/tracks/?q=a%00b", 400),
    ("/api/tracks/%00/", 404),
    ("/api/tracks/%00/similar/", 404),
    ("/api/recommendations/?seed_tracks=%00", 400),
    ("/api/recommendations/?seed_tracks=0DiWol3AO6WpXZgp0goxAV&min_energy%00=0.1", 400),
])
def test_nul_bytes_in_api_requests_are_refused_in_json(client, track, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(("url", "status"), [("/tracks/%00/", 404), ("/?q=%00", 400), ("/recommend/?seeds=%00", 400)])
def test_nul_bytes_in_page_requests_get_the_html_error_page(client, track, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert b"NUL character" in response.content


def test_a_nul_in_a_login_form_is_a_400(client, db):
    response = client.post("/accounts/login/", {"username": "al\x00ice", "password": "x"})
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.parametrize("url", ["/api/evaluation/token/", "/api/evaluation/tasks/next/",
                                 "/api/evaluation/tasks/1/ratings/"])
def test_json_nested_5000_deep_is_a_400_even_anonymously(client, db, url):
    response = client.post(url, deep_json(5000), content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than" in response.json()["detail"]


def test_an_escaped_nul_in_a_json_string_is_a_400(client, db):
    response = client.post("/api/evaluation/token/", '{"username": "a\\u0000", "password": "x"}',
                           content_type="application/json")
    assert response.status_code == 400
    assert "\\u0000" in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client, db):
    body = json.dumps({"username": "a\\u0000", "password": "x"})  # the text backslash-u-0-0-0-0, no NUL
    response = client.post("/api/evaluation/token/", body, content_type="application/json")
    assert response.status_code == 401
    assert "Unable to log in" in response.json()["detail"]


def test_json_depth_skips_brackets_inside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert json_depth(b'"just a string"') == 0
    assert json_depth(deep_json(40).encode()) == 40


@pytest.mark.parametrize("url", ["/api/evaluation/tasks/abc/", "/api/evaluation/campaigns/x/",
                                 "/api/index/versions/1.5/", "/api/no-such-endpoint/"])
def test_unmatched_api_urls_answer_a_json_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unmatched_pages_answer_the_html_404(client, db):
    response = client.get("/artists/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_anonymous_api_writes_are_401_with_www_authenticate(client, db):
    response = client.post("/api/evaluation/tasks/next/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token'


def test_a_bad_token_is_401_with_www_authenticate(client, db):
    response = client.get("/api/tracks/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token'
    assert "Invalid token" in response.json()["detail"]


def test_a_good_token_is_still_accepted(client, db, django_user_model):
    user = django_user_model.objects.create_user("bob", password="correct horse battery")
    token = Token.objects.create(user=user)
    response = client.post("/api/evaluation/tasks/next/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403  # authenticated, just not an evaluator
