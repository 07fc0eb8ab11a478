import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from catalog.models import Track
from recommender.personal.models import Reaction

pytestmark = pytest.mark.django_db


def test_a_listener_likes_dislikes_and_undoes_with_one_request_each(client, listener, tracks):
    track = tracks["jazz"][0]
    client.force_login(listener)
    url = f"/api/me/reactions/{track.spotify_id}/"

    assert client.put(url, {"reaction": "like"}, content_type="application/json").json()["reaction"] == "like"
    assert Reaction.objects.get(user=listener, track=track).value == Reaction.LIKE
    assert client.put(url, {"reaction": "dislike"}, content_type="application/json").json()["reaction"] == "dislike"
    assert Reaction.objects.get(user=listener, track=track).value == Reaction.DISLIKE
    assert client.put(url, {"reaction": None}, content_type="application/json").json()["reaction"] is None
    assert not Reaction.objects.filter(user=listener).exists()


def test_a_bad_reaction_or_unknown_track_is_a_4xx_and_changes_nothing(client, listener, tracks):
    client.force_login(listener)
    track = tracks["jazz"][0]
    response = client.put(f"/api/me/reactions/{track.spotify_id}/", {"reaction": "love"},
                          content_type="application/json")
    assert response.status_code == 400 and "reaction" in response.json()
    assert client.put("/api/me/reactions/nope/", {"reaction": "like"}, content_type="application/json").status_code \
        == 404
    assert not Reaction.objects.exists()


def test_anonymous_visitors_cannot_react(client, tracks):
    response = client.put(f"/api/me/reactions/{tracks['jazz'][0].spotify_id}/", {"reaction": "like"},
                          content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Reaction.objects.exists()


def test_token_auth_works_for_the_api(client, listener, tracks):
    token = Token.objects.create(user=listener)
    response = client.put(f"/api/me/reactions/{tracks['pop'][1].spotify_id}/", {"reaction": "like"},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert Reaction.objects.filter(user=listener).count() == 1


def test_the_buttons_work_without_javascript_and_show_on_every_track_list(client, listener, tracks, index):
    track = tracks["metal"][2]
    client.force_login(listener)
    page = client.get(track.get_absolute_url()).content.decode()
    assert f'action="/me/reactions/{track.spotify_id}/"' in page  # the track itself
    assert page.count('class="reaction inline"') > 1  # and its similar lists
    assert 'class="reaction inline"' in client.get("/?q=Metal Song").content.decode()  # search results

    response = client.post(reverse("personal:react", args=[track.spotify_id]), {"reaction": "like"},
                           HTTP_REFERER=track.get_absolute_url())
    assert response.status_code == 302
    assert 'aria-pressed="true"' in client.get(track.get_absolute_url()).content.decode()

    my_music = client.get("/me/").content.decode()
    assert track.name in my_music


def test_my_music_shows_only_my_own_reactions(client, listener, other, tracks):
    Reaction.objects.create(user=other, track=tracks["pop"][0], value=Reaction.LIKE)
    Reaction.objects.create(user=listener, track=tracks["jazz"][0], value=Reaction.LIKE)
    client.force_login(listener)
    page = client.get("/me/").content.decode()
    assert tracks["jazz"][0].name in page
    assert tracks["pop"][0].name not in page
    client.logout()
    assert client.get("/me/").status_code == 302  # to the login page


def test_search_as_you_type_results_get_the_buttons_lit_from_the_listeners_own_reactions(client, listener, other,
                                                                                          tracks, index):
    client.force_login(listener)
    page = client.get("/").content.decode()
    # search.js draws the buttons with reactions.js's builder, which takes the page's CSRF token.
    assert "personal/reactions.js" in page and "songrec/search.js" in page and 'name="csrfmiddlewaretoken"' in page

    results = client.get("/api/tracks/", {"q": "Metal Song"}).json()["results"]
    shown = [result["spotify_id"] for result in results]
    assert len(shown) >= 3
    liked, disliked, untouched = (Track.objects.get(spotify_id=spotify_id) for spotify_id in shown[:3])
    url = "/api/me/reactions/"
    client.put(f"{url}{liked.spotify_id}/", {"reaction": "like"}, content_type="application/json")
    client.put(f"{url}{disliked.spotify_id}/", {"reaction": "dislike"}, content_type="application/json")
    Reaction.objects.create(user=other, track=untouched, value=Reaction.LIKE)  # someone else's: not shown
    Reaction.objects.create(user=listener, track=tracks["jazz"][0], value=Reaction.LIKE)  # not among the results

    lit = client.get(url, {"tracks": ",".join(shown)}).json()
    assert {row["track"]: row["reaction"] for row in lit} == {liked.spotify_id: "like",
                                                              disliked.spotify_id: "dislike"}

    # Undo from the search results is the same one request as anywhere else.
    client.put(f"{url}{liked.spotify_id}/", {"reaction": None}, content_type="application/json")
    assert [row["track"] for row in client.get(url, {"tracks": ",".join(shown)}).json()] == [disliked.spotify_id]


def test_asking_for_too_many_tracks_reactions_is_a_400(client, listener, tracks):
    client.force_login(listener)
    response = client.get("/api/me/reactions/", {"tracks": ",".join(f"id{n}" for n in range(101))})
    assert response.status_code == 400 and "At most 100" in response.json()["tracks"][0]


def test_anonymous_search_pages_have_no_buttons_and_no_reactions_api(client, tracks, index):
    assert "personal/reactions.js" not in client.get("/").content.decode()
    assert client.get("/api/me/reactions/", {"tracks": tracks["jazz"][0].spotify_id}).status_code in (401, 403)
