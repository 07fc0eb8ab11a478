"""Import from Spotify on the real catalog: 200 real tracks saved on the (fake) Spotify account become 200 likes,
matched by Spotify id; a second import adds none."""

import pytest

from catalog.models import Track
from recommender.personal.models import Reaction
from recommender.personal.spotify_account.models import SpotifyConnection
from tests.factories import UserFactory
from tests.fake_spotify import connect, fake_spotify, spotify_accounts  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_200_saved_real_tracks_become_200_likes_once(client, real_catalog, request, django_capture_on_commit_callbacks):
    spotify = request.getfixturevalue("spotify_accounts")
    saved = list(Track.objects.visible().order_by("-popularity", "pk").values_list("spotify_id", flat=True)[:200])
    spotify.accounts["sp-listener"].saved = saved
    listener = UserFactory(username="real-listener")
    client.force_login(listener)
    assert connect(client, spotify).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/spotify/import/")
    summary = SpotifyConnection.objects.get(user=listener).import_summary
    assert (summary["saved_tracks"], summary["likes_added"], summary["unknown_tracks"]) == (200, 200, 0)
    liked = set(Reaction.objects.filter(user=listener, value=Reaction.LIKE).values_list("track__spotify_id",
                                                                                         flat=True))
    assert liked == set(saved)
    assert [call.query.get("offset", "0") for call in spotify.calls("/v1/me/tracks")] == ["0", "50", "100",
                                                                                                  "150"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/me/spotify/import/")
    assert SpotifyConnection.objects.get(user=listener).import_summary["likes_added"] == 0
    assert Reaction.objects.filter(user=listener).count() == 200
