"""The generation API (generate, refresh, extend, song path) and its pages (song path, generate, refresh, extend)."""

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from catalog.playlists.services import create_listener_playlist


def test_the_song_path_api_answers_each_step_with_its_distance(client, line):
    response = client.get(f"/api/song-path/?from={line[0].spotify_id}&to={line[40].spotify_id}&length=5")
    assert response.status_code == 200
    data = response.json()
    assert [step["track"]["spotify_id"] for step in data["steps"]] == [line[i].spotify_id for i in (0, 10, 20, 30, 40)]
    assert [step["position"] for step in data["steps"]] == [0, 1, 2, 3, 4]
    assert data["steps"][0]["distance"] == 0 and data["length"] == 5
    assert all(step["offset"] < 1e-3 for step in data["steps"])  # each track sits on its point of the line
    assert abs(data["total_distance"] - 4 * data["straight_step"]) < 1e-3
    assert data["steps"][1]["track"]["url"] == f"/tracks/{line[10].spotify_id}/"


def test_the_song_path_api_refuses_bad_ends_and_lengths_with_messages(client, line):
    start, end = line[0].spotify_id, line[40].spotify_id
    cases = [
        ("", 400, {"from": ["Give a Spotify track id."]}),
        (f"from={start}", 400, {"to": ["Give a Spotify track id."]}),
        (f"from={start}&to={start}", 400, {"to": ["A song path needs two different songs: choose another end."]}),
        (f"from={start}&to={end}&length=2", 400, {"length": ["must be between 3 and 100, got 2"]}),
        (f"from={start}&to={end}&length=101", 400, {"length": ["must be between 3 and 100, got 101"]}),
        (f"from={start}&to={end}&length=x", 400, {"length": ["must be a whole number, got 'x'"]}),
        (f"from=nothing&to={end}", 404, {"detail": "No track with id 'nothing'."}),
    ]
    for query, status, body in cases:
        response = client.get(f"/api/song-path/?{query}")
        assert (response.status_code, response.json()) == (status, body), query
    line[40].hidden = True
    line[40].save()
    assert client.get(f"/api/song-path/?from={start}&to={end}").status_code == 404


def test_generate_refresh_and_extend_through_the_api(client, active, catalog, listener):
    assert client.post("/api/me/playlists/generate/", {"kind": "radio"}, content_type="application/json") \
        .status_code in (401, 403)
    client.force_login(listener)
    seed = catalog["rock"][0].spotify_id
    response = client.post("/api/me/playlists/generate/",
                           {"kind": "radio", "seed_tracks": [seed], "length": 7, "name": "Loud",
                            "features": {"min_energy": 0.5}}, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    playlist = Playlist.objects.get(pk=data["id"])
    assert data["url"] == f"/playlists/{playlist.pk}/" and data["name"] == "Loud" and data["kind"] == "radio"
    assert data["added"] == 7 and len(data["tracks"]) == 7 and data["visibility"] == "private"
    assert data["recipe"] == {"kind": "radio", "length": 7, "params": {
        "seed_tracks": [seed], "seed_artists": [], "seed_genres": [], "avoid_tracks": [], "avoid_artists": [],
        "features": {"min_energy": 0.5}}}
    assert [track["spotify_id"] for track in data["tracks"]] == \
        list(playlist.tracks.order_by("playlist_entries__position").values_list("spotify_id", flat=True))

    extended = client.post(f"/api/playlists/{playlist.pk}/extend/", {"count": 3}, content_type="application/json")
    assert extended.status_code == 200 and extended.json()["added"] == 3 and len(extended.json()["tracks"]) == 10
    refreshed = client.post(f"/api/playlists/{playlist.pk}/refresh/")
    assert refreshed.status_code == 200 and len(refreshed.json()["tracks"]) == 7
    assert len(playlist_track_ids(playlist)) == 7


def test_the_generate_api_refuses_bad_bodies_with_the_field_at_fault(client, active, catalog, listener):
    client.force_login(listener)
    mine = create_listener_playlist(owner=listener, name="by hand", track_ids=[catalog["rock"][0].pk])
    cases = [
        ({"kind": "mixtape"}, 400, "kind"),
        ({"kind": "radio"}, 400, "seed_tracks"),
        ({"kind": "radio", "seed_genres": ["rock"], "length": 501}, 400, "length"),
        ({"kind": "radio", "seed_genres": ["rock"], "features": {"min_energy": 2}}, 400, "features"),
        ({"kind": "radio", "seed_tracks": ["unknown"]}, 404, "detail"),
        ({"kind": "continuation"}, 400, "playlist"),
        ({"kind": "continuation", "playlist": 999999}, 404, "detail"),
        ({"kind": "song_path", "from": catalog["rock"][0].spotify_id}, 400, "to"),
        ({"kind": "song_path", "from": "a", "to": "b", "length": 150}, 400, "length"),
        # JSON types as the schema says: no number for a name, no string for a number.
        ({"kind": "radio", "seed_genres": ["rock"], "name": 0}, 400, "name"),
        ({"kind": "radio", "seed_genres": ["rock"], "length": "5"}, 400, "length"),
        ({"kind": "radio", "seed_genres": ["rock"], "features": {"min_energy": "0.5"}}, 400, "features"),
    ]
    for body, status, field in cases:
        response = client.post("/api/me/playlists/generate/", body, content_type="application/json")
        assert response.status_code == status and field in response.json(), (body, response.json())
    assert client.post(f"/api/playlists/{mine.pk}/refresh/").json() == {"detail": (
        "This playlist was not generated, so it has no recipe to refresh or extend: generate a new one instead.")}
    assert client.post(f"/api/playlists/{mine.pk}/extend/", {"count": 0},
                       content_type="application/json").status_code == 400
    assert client.post("/api/playlists/999999/refresh/").status_code == 404
    assert Playlist.objects.filter(owner=listener).count() == 1


def test_the_song_path_page_shows_the_path_and_saves_it(client, line, listener):
    page = client.get("/song-path/")
    assert page.status_code == 200 and 'name="from"' in page.content.decode()
    query = f"?from={line[0].spotify_id}&to={line[40].spotify_id}&length=5"
    page = client.get(f"/song-path/{query}").content.decode()
    assert page.count('class="player-toggle"') == 5 and "line 20" in page and "Log in" in page
    client.force_login(listener)
    page = client.get(f"/song-path/{query}").content.decode()
    assert "Save as playlist" in page
    response = client.post("/me/generate/", {"kind": "song_path", "from": line[0].spotify_id,
                                             "to": line[40].spotify_id, "length": 5, "name": ""})
    playlist = Playlist.objects.get(owner=listener)
    assert response.status_code == 302 and response.url == f"/playlists/{playlist.pk}/"
    assert playlist_track_ids(playlist) == [line[i].pk for i in (0, 10, 20, 30, 40)]
    same = client.get(f"/song-path/?from={line[0].spotify_id}&to={line[0].spotify_id}")
    assert same.status_code == 400 and "two different songs" in same.content.decode()
    assert client.get("/song-path/?from=nope&to=nope2").status_code == 404


def test_the_generate_page_makes_radios_and_more_like_your_playlists(client, active, catalog, listener):
    assert client.get("/me/generate/").status_code == 302
    client.force_login(listener)
    mine = create_listener_playlist(owner=listener, name="mine", track_ids=[catalog["jazz"][0].pk])
    page = client.get("/me/generate/").content.decode()
    assert "Radio" in page and "mine (1)" in page
    response = client.post("/me/generate/", {"kind": "radio", "seed_tracks": catalog["rock"][0].spotify_id,
                                             "seed_genres": "", "avoid_tracks": catalog["rock"][1].spotify_id,
                                             "target_energy": "0.9", "length": "6", "name": "Mine too"})
    radio = Playlist.objects.get(name="Mine too")
    assert response.status_code == 302 and len(playlist_track_ids(radio)) == 6
    assert radio.recipe["params"]["features"] == {"target_energy": 0.9}
    assert catalog["rock"][1].pk not in playlist_track_ids(radio)
    response = client.post("/me/generate/", {"kind": "continuation", "playlist": mine.pk, "length": "4"})
    assert response.status_code == 302 and Playlist.objects.filter(name="More like mine").exists()
    refused = client.post("/me/generate/", {"kind": "radio", "seed_tracks": "", "length": "6"})
    assert refused.status_code == 400 and "at least one seed" in refused.content.decode()

    assert client.post(f"/me/generate/{radio.pk}/extend/", {"count": "2"}).status_code == 302
    assert len(playlist_track_ids(radio)) == 8
    assert client.post(f"/me/generate/{radio.pk}/refresh/").status_code == 302
    assert len(playlist_track_ids(radio)) == 6
    assert client.post(f"/me/generate/{mine.pk}/refresh/").status_code == 400
