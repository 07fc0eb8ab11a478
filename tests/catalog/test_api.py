import pytest
from rest_framework.pagination import PageNumberPagination

from tests.factories import ArtistFactory, TrackFactory


@pytest.fixture
def tracks(db):
    artist = ArtistFactory(name="Daft Punk")
    return [
        TrackFactory(spotify_id="0DiWol3AO6WpXZgp0goxAV", name="One More Time", artists=[artist], popularity=80,
                     genres=["house"]),
        TrackFactory(spotify_id="2cGxRwrMyEAp8dEbuZaVv6", name="Around the World", artists=[artist], popularity=70),
        TrackFactory(spotify_id="hidden0000000000000000", name="One More Secret", artists=[artist], hidden=True),
    ]


def test_listing_tracks_is_paginated_and_excludes_hidden(client, tracks):
    response = client.get("/api/tracks/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [track["name"] for track in body["results"]] == ["One More Time", "Around the World"]


def test_a_track_shows_artists_genres_and_features(client, tracks):
    body = client.get("/api/tracks/0DiWol3AO6WpXZgp0goxAV/").json()
    assert body["artists"][0]["name"] == "Daft Punk"
    assert body["genres"] == ["house"]
    assert set(body["features"]) >= {"danceability", "energy", "tempo", "time_signature"}
    assert body["url"] == "/tracks/0DiWol3AO6WpXZgp0goxAV/"


def test_hidden_and_unknown_tracks_are_not_found(client, tracks):
    assert client.get("/api/tracks/hidden0000000000000000/").status_code == 404
    assert client.get("/api/tracks/doesnotexist/").status_code == 404


def test_q_searches_fuzzily_with_scores(client, tracks):
    body = client.get("/api/tracks/", {"q": "daft pnk one mor time"}).json()
    assert body["results"][0]["name"] == "One More Time"
    assert 0 < body["results"][0]["score"] <= 100
    assert "One More Secret" not in [track["name"] for track in body["results"]]


def test_an_empty_q_lists_tracks(client, tracks):
    assert client.get("/api/tracks/", {"q": "  "}).json()["count"] == 2


def test_a_huge_q_is_a_400_with_a_message(client, tracks):
    response = client.get("/api/tracks/", {"q": "x" * 5000})
    assert response.status_code == 400
    assert "longer than 200 characters" in response.json()["q"][0]


@pytest.mark.parametrize("limit", ["0", "51", "many"])
def test_a_bad_limit_is_a_400(client, tracks, limit):
    response = client.get("/api/tracks/", {"q": "daft", "limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()


def test_tracks_can_be_filtered_by_genre(client, tracks):
    body = client.get("/api/tracks/", {"genre": "house"}).json()
    assert [track["name"] for track in body["results"]] == ["One More Time"]


def test_artists_list_with_track_counts(client, tracks):
    body = client.get("/api/artists/", {"name": "daft"}).json()
    assert body["results"][0]["name"] == "Daft Punk"
    assert body["results"][0]["track_count"] == 3


def test_writes_are_not_allowed(client, tracks):
    # Anonymous: 401 (sign in first) or 405 (no such method), never a write.
    assert client.post("/api/tracks/", {"name": "x"}).status_code in (401, 405)
    assert client.delete("/api/tracks/0DiWol3AO6WpXZgp0goxAV/").status_code in (401, 405)


def test_openapi_schema_and_docs_are_served_offline(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/tracks/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar" in docs.content  # assets come from the package, not a CDN


def test_the_listing_shows_each_song_once_by_its_most_popular_release(client, db, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    gen = ArtistFactory(name="Gen Hoshino")
    TrackFactory(spotify_id="single0000000000000000", name="Comedy", artists=[gen], popularity=60)
    TrackFactory(spotify_id="album00000000000000000", name="Comedy", artists=[gen], popularity=80, genres=["j-pop"])
    TrackFactory(spotify_id="best000000000000000000", name="comedy ", artists=[gen], popularity=80)
    TrackFactory(spotify_id="hiddenbest000000000000", name="Comedy", artists=[gen], popularity=99, hidden=True)
    TrackFactory(name="Koi", artists=[gen], popularity=70, genres=["j-pop"])
    TrackFactory(name="Idea", artists=[gen], popularity=50)

    first = client.get("/api/tracks/").json()
    second = client.get(first["next"]).json()

    listed = [track["spotify_id"] for track in first["results"] + second["results"]]
    assert first["count"] == second["count"] == len(listed) == 3
    assert [track["name"] for track in first["results"] + second["results"]] == ["Comedy", "Koi", "Idea"]
    assert listed[0] == "album00000000000000000"  # as popular as "best…", and created first
    genre = client.get("/api/tracks/", {"genre": "j-pop"}).json()
    assert [track["spotify_id"] for track in genre["results"]][:1] == ["album00000000000000000"]
    assert genre["count"] == 2


def test_a_search_result_is_the_track_as_retrieve_shows_it_plus_its_score(client, db):
    """Search results are read as plain rows, not models (issue 14): same fields, values and order."""
    artists = [ArtistFactory(name="Zed"), ArtistFactory(name="Abba")]  # credit order, not alphabetical
    TrackFactory(spotify_id="row0000000000000000001", name="Plain Rows", artists=artists,
                 genres=["synth-pop", "disco", "acoustic"], explicit=True, popularity=55)
    TrackFactory(spotify_id="row0000000000000000002", name="Plain Rows Too", album=None, artists=[],
                 popularity=None, danceability=None)
    for spotify_id in ("row0000000000000000001", "row0000000000000000002"):
        retrieved = client.get(f"/api/tracks/{spotify_id}/").json()
        found = next(result for result in client.get("/api/tracks/", {"q": "plain rows"}).json()["results"]
                     if result["spotify_id"] == spotify_id)
        assert 0 < found.pop("score") <= 100
        assert retrieved.pop("estimated_features") == []  # retrieve alone says which values are estimates
        assert found == retrieved
    assert retrieved["album"] is None and retrieved["artists"] == [] and retrieved["popularity"] is None
