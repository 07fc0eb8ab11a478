"""The /v1/ API on a small catalog: Spotify's objects (validated against Spotify's definition), its rules for bad
input and its error body, ids for artists and albums without a Spotify id."""

import pytest

from catalog.models import AUDIO_FEATURES, Track
from recommender.spotify_api.ids import artist_key_id, catalog_ids, is_spotify_id
from recommender.spotify_api.selectors import audio_features
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.recommender.conftest import build

from .spotify_schema import validate, validate_error, validate_recommendations, without_nulls

UNKNOWN = "0" * 22


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["status"] == status
    validate_error(body)
    return body["error"]["message"]


@pytest.fixture
def small(db):
    artist = ArtistFactory(name="Blue Owls")
    album = AlbumFactory(name="Night Songs", artist=artist, release_date="2019-05")
    tracks = [TrackFactory(name=f"Owl song {i}", album=album, artists=[artist], genres=["jazz"], popularity=50 + i)
              for i in range(6)]
    others = [TrackFactory(name=f"Other {i}", genres=["rock"]) for i in range(6)]
    return artist, album, tracks, others


def test_track_and_tracks_have_spotifys_shape(spotify, small):
    artist, album, tracks, _ = small
    body = spotify.get(f"/v1/tracks/{tracks[0].spotify_id}").json()
    validate(body, "/tracks/{id}")
    assert body["id"] == tracks[0].spotify_id and body["name"] == "Owl song 0" and body["type"] == "track"
    assert body["uri"] == f"spotify:track:{tracks[0].spotify_id}"
    assert body["href"] == f"http://testserver/v1/tracks/{tracks[0].spotify_id}"
    assert body["artists"][0]["id"] == artist_key_id("Blue Owls") and is_spotify_id(body["artists"][0]["id"])
    assert body["album"]["name"] == "Night Songs" and body["album"]["total_tracks"] == 6
    assert body["album"]["release_date"] == "2019-05" and body["album"]["release_date_precision"] == "month"
    many = spotify.get(f"/v1/tracks?ids={tracks[1].spotify_id},{UNKNOWN},{tracks[2].spotify_id}").json()
    validate(without_nulls(many), "/tracks")
    assert [None if t is None else t["id"] for t in many["tracks"]] == [tracks[1].spotify_id, None,
                                                                        tracks[2].spotify_id]
    # spotipy asks with a trailing slash
    assert spotify.get(f"/v1/tracks/?ids={tracks[1].spotify_id}").json()["tracks"][0]["name"] == "Owl song 1"


def test_audio_features(spotify, small):
    track = small[2][0]
    body = spotify.get(f"/v1/audio-features/{track.spotify_id}").json()
    validate(body, "/audio-features/{id}")
    assert body["energy"] == track.energy and body["tempo"] == track.tempo and body["key"] == track.key
    many = spotify.get(f"/v1/audio-features?ids={track.spotify_id},{UNKNOWN}").json()
    validate(without_nulls(many), "/audio-features")
    assert many["audio_features"][0]["valence"] == track.valence and many["audio_features"][1] is None


def test_artist_album_and_their_tracks(spotify, small):
    artist, album, tracks, _ = small
    artist_id = artist_key_id("Blue Owls")
    body = spotify.get(f"/v1/artists/{artist_id}").json()
    validate(body, "/artists/{id}")
    assert body["name"] == "Blue Owls" and body["genres"] == ["jazz"] and body["popularity"] == 55
    validate(without_nulls(spotify.get(f"/v1/artists?ids={artist_id},{UNKNOWN}").json()), "/artists")
    top = spotify.get(f"/v1/artists/{artist_id}/top-tracks?market=US").json()
    validate(top, "/artists/{id}/top-tracks")
    assert [t["name"] for t in top["tracks"]] == [f"Owl song {i}" for i in range(5, -1, -1)]
    album_id = catalog_ids().album_ids[album.pk]
    body = spotify.get(f"/v1/albums/{album_id}").json()
    validate(body, "/albums/{id}")
    assert body["name"] == "Night Songs" and body["tracks"]["total"] == 6 and body["popularity"] == 55
    page = spotify.get(f"/v1/albums/{album_id}/tracks?limit=4&offset=4").json()
    validate(page, "/albums/{id}/tracks")
    assert [t["name"] for t in page["items"]] == ["Owl song 4", "Owl song 5"] and page["next"] is None
    assert page["previous"].endswith("offset=0&limit=4")


def test_recommendations_and_related_artists(spotify, small):
    artist, _, tracks, others = small
    build()
    artist_id = artist_key_id("Blue Owls")
    body = spotify.get(f"/v1/recommendations?seed_tracks={others[0].spotify_id}&seed_artists={artist_id}"
                       "&seed_genres=rock&limit=5&target_energy=0.5&min_tempo=0&market=US").json()
    validate_recommendations(body)
    assert [(s["type"], s["id"]) for s in body["seeds"]] == [("artist", artist_id), ("genre", "rock"),
                                                            ("track", others[0].spotify_id)]
    assert len(body["tracks"]) == 5 and body["seeds"][1]["href"] is None
    related = spotify.get(f"/v1/artists/{artist_id}/related-artists").json()
    validate(related, "/artists/{id}/related-artists")
    assert related["artists"] and artist_id not in [a["id"] for a in related["artists"]]
    genres = spotify.get("/v1/recommendations/available-genre-seeds").json()
    validate(genres, "/recommendations/available-genre-seeds")
    assert genres["genres"] == ["jazz", "rock"]


def test_search_with_field_filters_and_paging(spotify, small):
    body = spotify.get("/v1/search?q=artist:%22Blue%20Owls%22%20owl%20song&type=track,artist,album&limit=2").json()
    validate(body, "/search")
    assert body["tracks"]["total"] == 6 and len(body["tracks"]["items"]) == 2
    assert body["tracks"]["next"].startswith("http://testserver/v1/search?") and "offset=2" in body["tracks"]["next"]
    assert [a["name"] for a in body["artists"]["items"]] == ["Blue Owls"]
    assert [a["name"] for a in body["albums"]["items"]] == ["Night Songs"]
    assert spotify.get("/v1/search?q=genre:rock&type=track").json()["tracks"]["total"] == 6
    assert spotify.get("/v1/search?q=genre:rock%20year:2019&type=track").json()["tracks"]["total"] == 0


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/v1/tracks/abc", 400, "invalid id"),
    ("/v1/tracks/" + "a" * 21 + "!", 400, "invalid id"),
    (f"/v1/tracks/{UNKNOWN}", 404, f"Non existing id: 'spotify:track:{UNKNOWN}'"),
    ("/v1/tracks?ids=" + ",".join([UNKNOWN] * 51), 400, "Too many ids requested"),
    ("/v1/tracks?ids=", 400, "ids: give 1 to 50 comma-separated ids"),
    ("/v1/tracks?ids=nope", 400, "invalid id"),
    ("/v1/audio-features?ids=" + ",".join([UNKNOWN] * 101), 400, "Too many ids requested"),
    (f"/v1/audio-features/{UNKNOWN}", 404, f"Non existing id: 'spotify:track:{UNKNOWN}'"),
    ("/v1/artists?ids=" + ",".join([UNKNOWN] * 51), 400, "Too many ids requested"),
    (f"/v1/artists/{UNKNOWN}", 404, f"Non existing id: 'spotify:artist:{UNKNOWN}'"),
    ("/v1/artists/x/top-tracks", 400, "invalid id"),
    (f"/v1/albums/{UNKNOWN}/tracks", 404, f"Non existing id: 'spotify:album:{UNKNOWN}'"),
    ("/v1/recommendations", 400, "give at least one of seed_artists, seed_genres, seed_tracks"),
    ("/v1/recommendations?seed_genres=a,b,c&seed_tracks=" + ",".join([UNKNOWN, "1" * 22, "2" * 22]), 400,
     "at most 5 seeds in all (seed_artists, seed_genres and seed_tracks), got 6"),
    ("/v1/recommendations?seed_tracks=short", 400, "invalid id"),
    (f"/v1/recommendations?seed_tracks={UNKNOWN}&limit=101", 400, "limit: must be between 1 and 100, got 101"),
    (f"/v1/recommendations?seed_tracks={UNKNOWN}&limit=0", 400, "limit: must be between 1 and 100, got 0"),
    (f"/v1/recommendations?seed_tracks={UNKNOWN}&min_energy=2", 400, "min_energy: must be between 0.0 and 1.0, got 2"),
    (f"/v1/recommendations?seed_tracks={UNKNOWN}&max_tempo=-1", 400,
     "max_tempo: must be between 0.0 and 300.0, got -1"),
    (f"/v1/recommendations?seed_tracks={UNKNOWN}&min_energy=0.8&max_energy=0.2", 400,
     "min_energy: min_energy (0.8) is greater than max_energy (0.2)"),
    ("/v1/search?q=x&type=track&limit=51", 400, "limit: must be between 0 and 50, got 51"),
    ("/v1/search?q=x&type=track&offset=1001", 400, "offset: must be between 0 and 1000, got 1001"),
    ("/v1/search?q=x&type=track&offset=-1", 400, "offset: must be between 0 and 1000, got -1"),
    ("/v1/search?type=track", 400, "No search query"),
    ("/v1/search?q=x&type=playlist", 400, "Bad search type field 'playlist': songrec searches album, artist, track"),
    (f"/v1/albums/{UNKNOWN}/tracks?limit=x", 404, f"Non existing id: 'spotify:album:{UNKNOWN}'"),
    ("/v1/nothing-here", 404, "Service not found"),
])
def test_bad_input_answers_like_spotify(spotify, small, url, status, message):
    assert error(spotify.get(url), status) == message


def test_unknown_seed_track_is_404(spotify, small):
    build()
    assert error(spotify.get(f"/v1/recommendations?seed_tracks={UNKNOWN}"), 404) == \
        f"Non existing id: 'spotify:track:{UNKNOWN}'"
    assert "available-genre-seeds" in error(spotify.get("/v1/recommendations?seed_genres=polka"), 400)


def test_no_index_is_503(spotify, small):
    assert error(spotify.get(f"/v1/recommendations?seed_tracks={small[2][0].spotify_id}"), 503)


def test_audio_features_read_is_the_orms(small):
    incomplete = TrackFactory(tempo=None)
    hidden = TrackFactory(hidden=True)
    ids = [t.spotify_id for t in small[2]] + [incomplete.spotify_id, hidden.spotify_id, UNKNOWN]
    expected = {spotify_id: {"duration_ms": duration_ms, **dict(zip(AUDIO_FEATURES, values, strict=True))}
                for spotify_id, duration_ms, *values in Track.objects.visible().filter(spotify_id__in=ids)
                .values_list("spotify_id", "duration_ms", *AUDIO_FEATURES) if None not in values}
    assert audio_features(ids) == expected and len(expected) == 6
