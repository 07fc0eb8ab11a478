"""An unexpected failure in an API view answers JSON 500, never Django's HTML debug page, even with DEBUG on."""

import pytest
from django.test import Client

from recommender.personal import api as personal_api
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_bug_in_an_api_view_answers_json_with_debug_on(settings, monkeypatch, caplog):
    settings.DEBUG = True
    user = UserFactory(username="listener")

    def broken(*args, **kwargs):
        raise TypeError("unsupported operand type(s) for -: 'datetime.datetime' and 'str'")

    monkeypatch.setattr(personal_api, "for_you", broken)  # stands in for any bug below the view
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/api/me/recommendations/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error; it has been logged."}
    assert any(record.exc_info and record.exc_info[0] is TypeError for record in caplog.records)
