"""Issue 22, items 5 and 7: throttles keep limiting while Redis is down (each process counts on its own), sign-up
is throttled, one address's bad logins on one name lock nobody else out, and a wrong TRUSTED_PROXY_COUNT warns."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.throttling import SimpleRateThrottle

from evaluation.evaluators import evaluator_group
from songrec.checks import check_trusted_proxy_count
from songrec.lib.cache import ForgivingRedisCache
from songrec.lib.throttles import PROCESS_COUNTS
from tests.broker import closed_port

from .test_abuse_protection import PASSWORD, ask_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch):
    PROCESS_COUNTS.clear()
    cache.clear()  # counts of an earlier run, in the test Redis

    def set_rates(**rates):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                            {"anon": None, "user": None, "evaluation-token": None, "signup": None, **rates})

    yield set_rates
    PROCESS_COUNTS.clear()


@pytest.fixture
def redis_down(settings):
    ForgivingRedisCache._down_until = 0.0
    settings.CACHES = {"default": {"BACKEND": "songrec.lib.cache.ForgivingRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    yield
    ForgivingRedisCache._down_until = 0.0


@pytest.fixture
def carol(django_user_model):
    user = django_user_model.objects.create_user("carol", password=PASSWORD)
    user.groups.add(evaluator_group())
    return user


def test_the_token_endpoint_stays_throttled_while_redis_is_down(client, carol, rates, redis_down):
    rates(**{"evaluation-token": "6/minute"})
    statuses = [ask_token(client, "carol", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code for _ in range(15)]
    assert statuses == [200] * 6 + [429] * 9


def test_anonymous_reads_stay_throttled_while_redis_is_down(client, rates, redis_down):
    rates(anon="5/minute")
    statuses = [client.get("/api/artists/", REMOTE_ADDR="198.51.100.7").status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    assert client.get("/api/artists/", REMOTE_ADDR="198.51.100.8").status_code == 200  # others unaffected


def test_sign_up_is_throttled_per_address(client, rates, django_user_model):
    rates(signup="2/hour")
    statuses = []
    for n in range(3):
        form = {"username": f"new{n}", "password1": PASSWORD, "password2": PASSWORD}
        statuses.append(client.post("/accounts/signup/", form, REMOTE_ADDR="198.51.100.20").status_code)
        client.logout()
    assert statuses[:2] == [302, 302] and statuses[2] == 429
    assert django_user_model.objects.filter(username__startswith="new").count() == 2


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/evaluation/token/"])
def test_bad_logins_on_a_made_up_name_lock_nobody_else_out(client, carol, settings, url):
    settings.AXES_FAILURE_LIMIT = 10
    for n in range(12):
        if "api" in url:
            ask_token(client, "nobody-at-all", f"guess{n}", REMOTE_ADDR="203.0.113.5")
        else:
            client.post(url, {"username": "nobody-at-all", "password": f"guess{n}"}, REMOTE_ADDR="203.0.113.5")
    if "api" in url:
        assert ask_token(client, "carol", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 200
    else:
        response = client.post(url, {"username": "carol", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 302
    # …while the guessed name itself stays locked, from that address and any other.
    assert ask_token(client, "nobody-at-all", "x", REMOTE_ADDR="192.0.2.1").status_code == 429


def test_a_proxy_without_trusted_proxy_count_warns(settings, capsys):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert [warning.id for warning in check_trusted_proxy_count()] == ["songrec.W001"]
    call_command("check", "--deploy", "--tag", "security")
    assert "songrec.W001" in capsys.readouterr().err
    settings.TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxy_count() == []
    settings.TRUSTED_PROXY_COUNT = 7
    assert [warning.id for warning in check_trusted_proxy_count()] == ["songrec.W002"]
