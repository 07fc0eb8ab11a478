"""Playlist pages: make, view (songs folded, player on each row), edit, reorder by buttons, add from any track row —
all as plain form posts; another listener's private playlist is a 404, someone else's playlist can't be changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from catalog.playlists.services import create_listener_playlist
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_playlists_needs_a_login_and_makes_a_playlist(client, owner):
    assert client.get("/me/playlists/").status_code == 302
    client.force_login(owner)
    page = client.get("/me/playlists/")
    assert page.status_code == 200 and b"No playlists yet" in page.content
    response = client.post("/me/playlists/", {"name": "Road trip", "description": "", "visibility": "unlisted"})
    playlist = Playlist.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == f"/playlists/{playlist.pk}/"
    assert playlist.visibility == "unlisted"
    assert "Road trip" in client.get("/me/playlists/").content.decode()


def test_a_blank_name_is_shown_beside_the_form_and_stores_nothing(client, owner):
    client.force_login(owner)
    response = client.post("/me/playlists/", {"name": "   ", "visibility": "private"})
    assert response.status_code == 400 and "A playlist needs a name." in response.content.decode()
    assert not Playlist.objects.exists()


def test_the_nav_offers_playlists_to_listeners_only(client, owner):
    assert b'href="/me/playlists/"' not in client.get("/").content
    client.force_login(owner)
    assert b'href="/me/playlists/"' in client.get("/").content


def test_the_owner_sees_every_control_and_a_player_on_each_row(client, owner, playlist, tracks):
    client.force_login(owner)
    page = client.get(f"/playlists/{playlist.pk}/").content.decode()
    for track in tracks[:3]:
        assert f'data-embed="https://open.spotify.com/embed/track/{track.spotify_id}"' in page
        assert f"Move {track.name} up" in page and f"Remove {track.name}" in page
    assert page.index(tracks[0].name) < page.index(tracks[1].name) < page.index(tracks[2].name)
    assert "Rename, describe" in page and "Delete…" in page and "Duplicate" in page
    assert "{#" not in page and "#}" not in page  # template comments stay out of the page


def test_others_see_an_unlisted_playlist_without_controls_and_a_private_one_not_at_all(client, playlist, tracks):
    url = f"/playlists/{playlist.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(f"{url}edit/", {"name": "x"}).status_code == 404
    Playlist.objects.filter(pk=playlist.pk).update(visibility="unlisted")
    page = client.get(url).content.decode()
    assert tracks[0].name in page and "Move " not in page and "Rename, describe" not in page
    assert client.post(f"{url}edit/", {"name": "x"}).status_code == 403
    assert client.post(f"{url}remove/", {"track": tracks[0].spotify_id}).status_code == 403
    assert client.post(f"{url}delete/", {"confirm": "delete"}).status_code == 403
    assert Playlist.objects.get(pk=playlist.pk).name == "Evening"


def test_bad_playlist_ids_are_404s(client, owner):
    client.force_login(owner)
    for path in ["/playlists/0/", "/playlists/99999999999999999999/", "/playlists/abc/"]:
        assert client.get(path).status_code == 404


def test_songs_fold_other_releases_here_are_listed_under_the_first_and_the_catalogs_are_offered(client, owner):
    artist = ArtistFactory(name="Gen Hoshino")
    single, album_version, compilation = (TrackFactory(name="Comedy", artists=[artist]) for _ in range(3))
    other = TrackFactory()
    playlist = create_listener_playlist(owner=owner, name="Mix", track_ids=[single.pk, other.pk, album_version.pk])
    client.force_login(owner)
    page = client.get(f"/playlists/{playlist.pk}/").content.decode()
    assert page.count('class="playlist-row"') == 2  # Comedy once, the other track
    assert "Also in this playlist" in page and f"/tracks/{album_version.spotify_id}/" in page
    assert "Other releases (1)" in page and f"/tracks/{compilation.spotify_id}/" in page


def test_move_up_and_down_are_form_posts(client, owner, playlist, tracks):
    client.force_login(owner)
    page = client.get(f"/playlists/{playlist.pk}/").content.decode()
    assert 'class="move-up" disabled' in page  # the first row cannot go up
    response = client.post(f"/playlists/{playlist.pk}/move/", {"track": tracks[2].spotify_id, "position": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#song-{tracks[2].spotify_id}")
    assert playlist_track_ids(playlist) == [tracks[0].pk, tracks[2].pk, tracks[1].pk]
    assert client.post(f"/playlists/{playlist.pk}/move/", {"track": tracks[2].spotify_id, "position": "x"}) \
        .status_code == 400
    assert client.post(f"/playlists/{playlist.pk}/move/", {"track": "nope", "position": "0"}).status_code == 404


def test_rename_remove_duplicate_and_delete_with_confirmation(client, owner, playlist, tracks):
    client.force_login(owner)
    url = f"/playlists/{playlist.pk}/"
    client.post(f"{url}edit/", {"name": "Late", "description": "after ten", "visibility": "public"})
    playlist.refresh_from_db()
    assert (playlist.name, playlist.description, playlist.visibility) == ("Late", "after ten", "public")
    response = client.post(f"{url}edit/", {"name": " ", "description": "", "visibility": "public"}, follow=True)
    assert "A playlist needs a name." in response.content.decode()
    client.post(f"{url}remove/", {"track": tracks[1].spotify_id})
    assert playlist_track_ids(playlist) == [tracks[0].pk, tracks[2].pk]
    copy_url = client.post(f"{url}duplicate/")["Location"]
    assert copy_url != url and client.get(copy_url).status_code == 200
    assert b"Delete \xe2\x80\x9cLate\xe2\x80\x9d?" in client.get(f"{url}delete/").content
    client.post(f"{url}delete/", {})  # not confirmed: still there
    assert Playlist.objects.filter(pk=playlist.pk).exists()
    assert client.post(f"{url}delete/", {"confirm": "delete"})["Location"] == "/me/playlists/"
    assert not Playlist.objects.filter(pk=playlist.pk).exists()


def test_add_to_playlist_shows_beside_track_rows_and_works_without_javascript(client, owner, playlist, tracks):
    client.force_login(owner)
    track = tracks[3]
    for page in (f"/tracks/{track.spotify_id}/", f"/albums/{track.album_id}/"):
        html = client.get(page).content.decode()
        assert f"Add {track.name} to a playlist" in html and f'<option value="{playlist.pk}">Evening</option>' in html
    response = client.post("/me/playlists/add/", {"playlist": playlist.pk, "track": track.spotify_id,
                                                  "next": f"/albums/{track.album_id}/"})
    assert response["Location"] == f"/albums/{track.album_id}/"
    assert playlist_track_ids(playlist)[-1] == track.pk
    again = client.post("/me/playlists/add/", {"playlist": playlist.pk, "track": track.spotify_id,
                                               "next": "https://evil.example/"}, follow=True)
    assert again.redirect_chain[0][0] == f"/tracks/{track.spotify_id}/"  # not off-site
    assert "already in" in again.content.decode()

    client.post("/me/playlists/add/", {"playlist": "new", "name": "Fresh", "track": track.spotify_id})
    assert playlist_track_ids(Playlist.objects.get(name="Fresh")) == [track.pk]


def test_the_listeners_playlists_are_read_once_per_page_and_not_at_all_for_visitors(client, owner, playlist):
    album = AlbumFactory()
    TrackFactory.create_batch(5, album=album)
    with CaptureQueriesContext(connection) as visitor:
        client.get(f"/albums/{album.pk}/")
    client.force_login(owner)
    with CaptureQueriesContext(connection) as listener:
        html = client.get(f"/albums/{album.pk}/").content.decode()
    assert html.count('class="add-to-playlist"') == 5

    def reads(queries):
        return sum('FROM "playlists_playlist"' in query["sql"] for query in queries.captured_queries)
    assert (reads(visitor), reads(listener)) == (0, 1)


def test_nobody_adds_to_a_playlist_that_is_not_theirs(client, playlist, tracks):
    assert client.post("/me/playlists/add/", {"playlist": playlist.pk, "track": tracks[3].spotify_id}) \
        .status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.post("/me/playlists/add/", {"playlist": playlist.pk, "track": tracks[3].spotify_id}) \
        .status_code == 404
    Playlist.objects.filter(pk=playlist.pk).update(visibility="public")
    assert client.post("/me/playlists/add/", {"playlist": playlist.pk, "track": tracks[3].spotify_id}) \
        .status_code == 403
    assert client.post("/me/playlists/add/", {"playlist": "abc", "track": tracks[3].spotify_id}).status_code == 404
    assert client.post("/me/playlists/add/", {"playlist": playlist.pk, "track": "nope"}).status_code == 404
    assert len(playlist_track_ids(playlist)) == 3


def test_a_long_playlist_shows_its_songs_a_page_at_a_time_and_a_move_returns_to_the_songs_page(client, owner):
    tracks = TrackFactory.create_batch(101)
    playlist = create_listener_playlist(owner=owner, name="Long", track_ids=[track.pk for track in tracks])
    client.force_login(owner)
    first = client.get(f"/playlists/{playlist.pk}/").content.decode()
    assert first.count('class="playlist-row"') == 100 and "songs 1–100 of 101" in first and "?page=2" in first
    second = client.get(f"/playlists/{playlist.pk}/?page=2").content.decode()
    assert second.count('class="playlist-row"') == 1 and f'id="song-{tracks[100].spotify_id}"' in second
    # The first song moved to the end lands on page 2, and the answer goes there.
    response = client.post(f"/playlists/{playlist.pk}/move/", {"track": tracks[0].spotify_id, "position": 100})
    assert response["Location"] == f"/playlists/{playlist.pk}/?page=2#song-{tracks[0].spotify_id}"
