import json

import pytest
from django.utils import timezone

from recommender.personal.foryou import for_you
from recommender.personal.interactions import load_interactions
from recommender.personal.models import HistoryImport, Play, Reaction, TastePick
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(listener, other, tracks):
    Reaction.objects.create(user=listener, track=tracks["jazz"][0], value=Reaction.LIKE)
    Reaction.objects.create(user=listener, track=tracks["metal"][0], value=Reaction.DISLIKE)
    Play.objects.create(user=listener, track=tracks["pop"][0], played_at=timezone.now(), ms_played=123000)
    TastePick.objects.create(user=listener, genre=tracks["jazz"][0].genres.get())
    HistoryImport.objects.create(user=listener, filename="StreamingHistory_music_0.json", size=10, sha256="a" * 64,
                                 status="done", summary={"plays": 1})
    Reaction.objects.create(user=other, track=tracks["pop"][1], value=Reaction.LIKE)


def test_a_listener_downloads_exactly_their_own_data_as_json(client, listener, tracks, history):
    client.force_login(listener)
    for url in ("/me/export/", "/api/me/data/"):
        response = client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["user"] == "listener"
        assert [(r["track"], r["reaction"]) for r in data["reactions"]] == [
            (tracks["jazz"][0].spotify_id, "like"), (tracks["metal"][0].spotify_id, "dislike")]
        assert [(p["track"], p["ms_played"]) for p in data["plays"]] == [(tracks["pop"][0].spotify_id, 123000)]
        assert data["picks"] == [{"genre": "jazz", "artist": None}]
        assert data["imports"][0]["file"] == "StreamingHistory_music_0.json"
        assert tracks["pop"][1].spotify_id not in response.content.decode()  # the other listener's like


def test_deleting_needs_confirmation_and_removes_only_my_data(client, listener, other, history):
    client.force_login(listener)
    client.post("/me/delete/", {})
    assert Reaction.objects.filter(user=listener).count() == 2  # not confirmed: nothing deleted

    response = client.post("/me/delete/", {"confirm": "delete"}, follow=True)
    assert "Deleted 2 likes/dislikes, 1 plays, 1 picks, 1 imports and 0 playlists." in response.content.decode()
    for model in (Reaction, Play, TastePick, HistoryImport):
        assert not model.objects.filter(user=listener).exists()
    assert Reaction.objects.filter(user=other).count() == 1


def test_listeners_data_is_visible_to_staff_in_the_admin_only(client, listener, other, history):
    client.force_login(other)
    assert client.get("/admin/personal/reaction/").status_code == 302  # not staff: to the admin login
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get("/admin/personal/reaction/")
    assert page.status_code == 200 and "listener" in page.content.decode()


def test_anonymous_visitors_get_nothing(client, history):
    assert client.get("/api/me/data/").status_code in (401, 403)
    assert client.get("/me/export/").status_code == 302
    assert client.delete("/api/me/data/").status_code in (401, 403)
    assert Reaction.objects.count() == 3


def test_one_listeners_likes_plays_and_picks_never_reach_anothers_profile(listener, other, tracks, history):
    Play.objects.create(user=other, track=tracks["pop"][2], played_at=timezone.now(), ms_played=90000)

    theirs = load_interactions(other)
    assert set(theirs.positives) == set(theirs.excluded) == {tracks["pop"][1].pk, tracks["pop"][2].pk}
    assert not theirs.negatives
    assert {reason.kind for reason in theirs.reasons.values()} == {"liked", "played"}

    mine = load_interactions(listener)
    assert tracks["pop"][1].pk not in mine.excluded and tracks["pop"][2].pk not in mine.excluded
    assert mine.negatives == {tracks["metal"][0].pk}


def test_reasons_name_only_the_listeners_own_tracks(listener, other, tracks, history, index):
    own = {track.name for track in (tracks["pop"][1], tracks["pop"][2])}
    Play.objects.create(user=other, track=tracks["pop"][2], played_at=timezone.now(), ms_played=90000)
    for item in for_you(other, limit=20).items:
        assert item.reason.label in own
