"""Brute force and floods: django-axes locks out repeated failed logins everywhere, DRF throttles the API."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from evaluation.evaluators import evaluator_group

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _three_failures_lock(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def evaluator(django_user_model):
    user = django_user_model.objects.create_user("alice", password=PASSWORD)
    user.groups.add(evaluator_group())
    return user


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)


def ask_token(client, username, password, **extra):
    return client.post("/api/evaluation/token/", {"username": username, "password": password},
                       content_type="application/json", **extra)


def test_evaluators_and_staff_get_tokens(client, evaluator, staff):
    for user in (evaluator, staff):
        response = ask_token(client, user.username, PASSWORD)
        assert response.status_code == 200, response.content
        assert response.json() == {"token": Token.objects.get(user=user).key}


def test_other_users_get_no_token_even_with_the_right_password(client, django_user_model):
    django_user_model.objects.create_user("mallory", password=PASSWORD)
    response = ask_token(client, "mallory", PASSWORD)
    assert response.status_code == 403
    assert "only for evaluators and staff" in response.json()["detail"]
    assert not Token.objects.exists()


def test_a_wrong_password_is_a_401(client, evaluator):
    response = ask_token(client, "alice", "guess")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Unable to log in" in response.json()["detail"]


def test_missing_fields_are_a_400(client, evaluator):
    response = client.post("/api/evaluation/token/", {"username": "alice"}, content_type="application/json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_the_token_endpoint_locks_out_after_repeated_failures(client, evaluator):
    assert [ask_token(client, "alice", f"guess{n}").status_code for n in range(3)] == [401, 401, 429]
    response = ask_token(client, "alice", PASSWORD)  # even the right password, while locked
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    assert not Token.objects.exists()


def test_the_lockout_is_per_username_from_any_address(client, evaluator):
    for n in range(3):
        ask_token(client, "alice", f"guess{n}", REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert ask_token(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.99").status_code == 429


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_pages_lock_out_after_repeated_failures(client, evaluator, staff, url):
    for n in range(3):
        response = client.post(url, {"username": "root", "password": f"guess{n}"})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    response = client.post(url, {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_before_the_limit_resets_the_count(client, evaluator):
    for n in range(2):
        client.post("/accounts/login/", {"username": "alice", "password": f"guess{n}"})
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    client.logout()
    for n in range(2):
        client.post("/accounts/login/", {"username": "alice", "password": f"guess{n}"})
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


@pytest.fixture
def throttle_rates(monkeypatch):
    def set_rates(**rates):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                            {"anon": None, "user": None, "evaluation-token": None, **rates})
        cache.delete_many([f"throttle_{scope}_{ident}" for scope in ("anon", "user", "evaluation-token")
                           for ident in ("127.0.0.1", "198.51.100.7")])

    return set_rates


def test_anonymous_api_requests_are_throttled_in_the_shared_cache(client, db, throttle_rates):
    throttle_rates(anon="5/minute")
    statuses = [client.get("/api/artists/", REMOTE_ADDR="198.51.100.7").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    response = client.get("/api/artists/", REMOTE_ADDR="198.51.100.7")
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
    assert cache.get("throttle_anon_198.51.100.7")  # counted in Redis, where every web process sees it
    assert client.get("/api/artists/", REMOTE_ADDR="127.0.0.1").status_code == 200  # other clients unaffected


def test_anonymous_clients_meet_only_the_anonymous_rate(client, db, throttle_rates):
    throttle_rates(anon="6/minute", user="3/minute")
    statuses = [client.get("/api/artists/", REMOTE_ADDR="198.51.100.7").status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]
    assert cache.get("throttle_user_198.51.100.7") is None


def test_signed_in_users_have_their_own_allowance(client, evaluator, throttle_rates):
    throttle_rates(anon="1/minute", user="3/minute")
    cache.delete(f"throttle_user_{evaluator.pk}")
    token = Token.objects.create(user=evaluator)
    statuses = [client.get("/api/artists/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_token_endpoint_has_a_tighter_throttle(client, evaluator, throttle_rates):
    throttle_rates(**{"evaluation-token": "2/minute"})
    statuses = [ask_token(client, "alice", PASSWORD).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
