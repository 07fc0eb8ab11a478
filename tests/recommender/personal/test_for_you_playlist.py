"""For you → "Save as playlist": the list as a private generated playlist, refreshed and extended like any other."""

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from recommender.generation.services import extend_playlist, refresh_playlist
from recommender.personal.models import Reaction
from recommender.personal.views import FOR_YOU_SHOWN


def test_the_for_you_page_saves_its_list_as_a_playlist(client, listener, tracks, index):
    Reaction.objects.create(user=listener, track=tracks["jazz"][0], value=Reaction.LIKE)
    client.force_login(listener)
    page = client.get("/me/for-you/").content.decode()
    assert "Save as playlist" in page and 'action="/me/for-you/save/"' in page
    response = client.post("/me/for-you/save/")
    playlist = Playlist.objects.get(owner=listener)
    assert response.status_code == 302 and response.url == f"/playlists/{playlist.pk}/"
    assert playlist.name == "For you" and playlist.visibility == Playlist.Visibility.PRIVATE
    assert playlist.recipe == {"kind": "for_you", "params": {}, "length": FOR_YOU_SHOWN}
    ids = playlist_track_ids(playlist)
    api = client.get(f"/api/me/recommendations/?limit={len(ids)}").json()["results"]
    assert [track.spotify_id for track in playlist.tracks.order_by("playlist_entries__position")] == \
        [row["spotify_id"] for row in api]
    assert tracks["jazz"][0].pk not in ids

    more = extend_playlist(owner=listener, playlist_id=playlist.pk, count=2)
    assert len(more.track_ids) == len(ids) + more.added and not set(more.track_ids[len(ids):]) & set(ids)
    assert refresh_playlist(owner=listener, playlist_id=playlist.pk).track_ids == ids


def test_saving_for_you_needs_a_signed_in_listener_and_a_post(client, listener, tracks, index):
    assert client.post("/me/for-you/save/").status_code == 302  # to the login page
    client.force_login(listener)
    assert client.get("/me/for-you/save/").status_code == 405
    assert not Playlist.objects.exists()
