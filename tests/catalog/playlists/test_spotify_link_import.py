"""Importing a public Spotify playlist link through the crawl's client, against the fake Spotify over real HTTP:
every page read, tracks matched by id then by name; Spotify down or rate-limiting is a 503 and stores nothing."""

import pytest

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from tests.factories import ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db
IMPORT_API = "/api/me/playlists/import/"


@pytest.fixture
def catalog_of_world(world):
    """The fake's Dawn and Noon in the catalog under their Spotify ids, and Gale under another id (a different
    release, found by name); Calm is not in the catalog."""
    aurora, guest = ArtistFactory(name="Aurora Lines"), ArtistFactory(name="Guest Star")
    ids = world["tracks"]
    return {
        "dawn": TrackFactory(spotify_id=ids["dawn"], name="Dawn", artists=[aurora]),
        "noon": TrackFactory(spotify_id=ids["noon"], name="Noon", artists=[aurora, guest]),
        "gale": TrackFactory(spotify_id="othergalerelease000000", name="Gale", artists=[aurora]),
    }


def import_link(client, url, **extra):
    return client.post(IMPORT_API, {"url": url, **extra}, content_type="application/json")


def test_a_public_playlist_link_becomes_a_private_playlist_with_an_unmatched_report(
        signed_in, crawl_settings, fake_spotify, world, catalog_of_world):
    ids = world["tracks"]
    playlist_id = fake_spotify.add_playlist([ids["noon"], ids["calm"], ids["gale"], "local-file", ids["dawn"]],
                                            name="Aurora mix", description="for mornings")
    response = import_link(signed_in, f"https://open.spotify.com/playlist/{playlist_id}?si=abc123")
    assert response.status_code == 201, response.content
    playlist = Playlist.objects.get()
    assert (playlist.name, playlist.description, playlist.visibility) == ("Aurora mix", "for mornings", "private")
    mine = catalog_of_world
    assert playlist_track_ids(playlist) == [mine["noon"].pk, mine["gale"].pk, mine["dawn"].pk]
    report = response.json()
    assert (report["kind"], report["entries"], report["matched_by_id"], report["matched_by_name"]) == (
        "spotify", 5, 2, 1)
    assert [(u["position"], u["title"]) for u in report["unmatched"]] == [(2, "Calm"), (4, "local-file")]


def test_every_page_of_a_long_playlist_is_read(signed_in, crawl_settings, fake_spotify, world):
    fake_spotify.max_page = 100  # Spotify pages playlist items by up to 100
    album = world["first"]
    ids = [fake_spotify.add_track(f"Track {n}", album) for n in range(230)]
    credited = ArtistFactory(name="Aurora Lines")
    for n, spotify_id in enumerate(ids):
        TrackFactory(spotify_id=spotify_id, name=f"Track {n}", artists=[credited])
    playlist_id = fake_spotify.add_playlist(ids)
    response = import_link(signed_in, f"spotify:playlist:{playlist_id}", name="Long one")
    assert response.status_code == 201, response.content
    assert response.json()["tracks"] == 230 and Playlist.objects.get().name == "Long one"
    pages = fake_spotify.calls(f"/v1/playlists/{playlist_id}/")
    assert len(pages) == 3 and pages[0].query["limit"] == "100"


def test_rate_limiting_is_a_503_with_retry_after_and_nothing_stored(signed_in, crawl_settings, fake_spotify, world,
                                                                     catalog_of_world):
    playlist_id = fake_spotify.add_playlist([world["tracks"]["dawn"]])
    fake_spotify.fail("/v1/playlists/*", 429, times=5, headers={"Retry-After": "3600"})
    response = import_link(signed_in, f"https://open.spotify.com/playlist/{playlist_id}")
    assert response.status_code == 503 and response["Retry-After"] == "3600"
    assert "rate-limiting" in response.json()["detail"] and not Playlist.objects.exists()


def test_a_short_rate_limit_is_waited_out(signed_in, crawl_settings, fake_spotify, world, catalog_of_world):
    playlist_id = fake_spotify.add_playlist([world["tracks"]["dawn"]])
    fake_spotify.fail(f"/v1/playlists/{playlist_id}/items", 429, times=1, headers={"Retry-After": "0"})
    assert import_link(signed_in, f"https://open.spotify.com/playlist/{playlist_id}").status_code == 201


def test_spotify_down_is_a_503_and_nothing_is_stored(signed_in, crawl_settings, fake_spotify, world,
                                                     catalog_of_world):
    playlist_id = fake_spotify.add_playlist([world["tracks"]["dawn"]])
    fake_spotify.fail(f"/v1/playlists/{playlist_id}/items", 502, times=10)
    response = import_link(signed_in, f"https://open.spotify.com/playlist/{playlist_id}")
    assert response.status_code == 503 and "try again" in response.json()["detail"]
    assert not Playlist.objects.exists()


def test_spotify_unreachable_is_a_503(signed_in, crawl_settings, settings):
    settings.SPOTIFY_API_PREFIX = "http://127.0.0.1:9/v1/"  # nothing listens on the discard port
    settings.SPOTIFY_TOKEN_URL = "http://127.0.0.1:9/api/token"
    response = import_link(signed_in, "spotify:playlist:pl00000000000000000001")
    assert response.status_code == 503 and not Playlist.objects.exists()


def test_an_unknown_or_private_playlist_is_a_400_about_the_link(signed_in, crawl_settings, fake_spotify):
    response = import_link(signed_in, f"https://open.spotify.com/playlist/{fake_spotify.unknown_id('pl')}")
    assert response.status_code == 400 and "no public playlist" in response.json()["url"][0]


@pytest.mark.parametrize("link", ["https://open.spotify.com/track/pl00000000000000000001", "spotify:playlist:short",
                                  "https://evil.example/playlist/pl00000000000000000001", "hello"])
def test_a_link_that_is_not_a_spotify_playlist_is_a_400(signed_in, crawl_settings, fake_spotify, link):
    response = import_link(signed_in, link)
    assert response.status_code == 400 and "Spotify playlist link" in response.json()["url"][0]
    assert fake_spotify.calls("/v1/") == []


def test_without_spotify_credentials_the_link_import_says_it_is_not_set_up(signed_in, settings):
    settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = ""
    response = import_link(signed_in, "spotify:playlist:pl00000000000000000001")
    assert response.status_code == 503 and "not set up" in response.json()["detail"]
    assert "Retry-After" not in response


def test_the_page_imports_a_link_too(signed_in, crawl_settings, fake_spotify, world, catalog_of_world):
    playlist_id = fake_spotify.add_playlist([world["tracks"]["dawn"]], name="From the page")
    response = signed_in.post("/me/playlists/import/", {"url": f"spotify:playlist:{playlist_id}"})
    assert response.status_code == 201 and "From the page" in response.content.decode()


def test_the_page_shows_spotify_trouble_beside_the_form(signed_in, crawl_settings, fake_spotify):
    fake_spotify.fail("/v1/playlists/*", 503, times=10)
    response = signed_in.post("/me/playlists/import/", {"url": "spotify:playlist:pl00000000000000000001"})
    assert response.status_code == 503 and "try again" in response.content.decode()
    assert not Playlist.objects.exists()


@pytest.mark.parametrize("body", ["<html>not json</html>", '{"items": "nope"}', '["a list"]'])
def test_a_malformed_answer_from_spotify_is_a_503(signed_in, crawl_settings, fake_spotify, world, body):
    playlist_id = fake_spotify.add_playlist([world["tracks"]["dawn"]])
    fake_spotify.fail(f"/v1/playlists/{playlist_id}/items", 200, times=5, body=body)
    response = import_link(signed_in, f"spotify:playlist:{playlist_id}")
    assert response.status_code == 503 and "try again" in response.json()["detail"]
    assert not Playlist.objects.exists()
