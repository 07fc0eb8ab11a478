"""spotipy, unmodified but for its token URL and API prefix, calling every method issue 25 lists on the real
catalog over HTTP; each answer carries the catalog's own values."""

import pytest
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from catalog.models import Track

from . import expected


@pytest.fixture
def sp(spotify_server, db):
    # In memory: spotipy's default keeps the token in ./.cache, where a later run would find a token of a client
    # its fixture has deleted since.
    manager = SpotifyClientCredentials(spotify_server.client_id, spotify_server.client_secret,
                                       cache_handler=MemoryCacheHandler())
    manager.OAUTH_TOKEN_URL = f"{spotify_server.url}/api/token"
    client = spotipy.Spotify(auth_manager=manager, retries=0, requests_timeout=60)
    client.prefix = f"{spotify_server.url}/v1/"
    return client


def test_tracks_and_audio_features(sp, spotify_server):
    track, other = spotify_server.track, spotify_server.other
    assert expected.answered_track_values(sp.track(track.spotify_id)) == expected.track_values(track)
    answers = sp.tracks([track.spotify_id, other.spotify_id])["tracks"]
    assert [expected.answered_track_values(a) for a in answers] == [expected.track_values(track),
                                                                    expected.track_values(other)]
    features = sp.audio_features([track.spotify_id, other.spotify_id])
    assert [{name: f[name] for name in expected.features(track)} for f in features] == \
        [expected.features(track), expected.features(other)]


def test_recommendations_every_seed_kind(sp, spotify_server):
    track, other = spotify_server.track, spotify_server.other
    artist_id, _, genre = expected.ids_of(track)
    by_track = sp.recommendations(seed_tracks=[other.spotify_id], limit=10)
    assert [t["id"] for t in by_track["tracks"]] == expected.native_recommendations([other.spotify_id], 10)
    assert by_track["seeds"][0]["id"] == other.spotify_id and by_track["seeds"][0]["type"] == "track"
    for seeds in ({"seed_artists": [artist_id]}, {"seed_genres": [genre]}):
        answer = sp.recommendations(limit=7, **seeds)
        assert len(answer["tracks"]) == 7 and answer["seeds"][0]["id"] == next(iter(seeds.values()))[0]
    both = sp.recommendations(seed_artists=[artist_id], seed_genres=[genre], seed_tracks=[other.spotify_id],
                              limit=20, target_energy=0.9, min_danceability=0.3, max_tempo=200, country="US")
    assert [s["type"] for s in both["seeds"]] == ["artist", "genre", "track"] and len(both["tracks"]) == 20
    found = {t.spotify_id: t for t in Track.objects.filter(spotify_id__in=[t["id"] for t in both["tracks"]])}
    assert all(found[t["id"]].danceability >= 0.3 and found[t["id"]].tempo <= 200 for t in both["tracks"])
    assert sp.recommendation_genre_seeds()["genres"] == expected.genre_seeds()


def test_search(sp, spotify_server):
    track = spotify_server.track
    artist = expected.lead_artist(track)
    answer = sp.search(q=f"{artist.name} {track.name}", type="track,artist,album", limit=5)
    assert expected.same_song(track, answer["tracks"]["items"][0]["id"])
    assert answer["artists"]["items"][0]["name"] == artist.name
    filtered = sp.search(q=f'track:"{track.name}" artist:"{artist.name}"', type="track", limit=1)
    assert expected.same_song(track, filtered["tracks"]["items"][0]["id"])
    page = sp.search(q=f"genre:{expected.ids_of(track)[2]}", type="track", limit=3)
    assert page["tracks"]["total"] > 3 and sp.next(page["tracks"])["tracks"]["offset"] == 3


def test_artists_and_albums(sp, spotify_server):
    track = spotify_server.track
    artist_id, album_id, genre = expected.ids_of(track)
    artist = expected.lead_artist(track)
    answer = sp.artist(artist_id)
    assert answer["name"] == artist.name and genre in answer["genres"]
    assert [a["name"] for a in sp.artists([artist_id])["artists"]] == [artist.name]
    top = sp.artist_top_tracks(artist_id, country="US")["tracks"]
    assert top[0]["popularity"] == expected.artist_track_popularity(artist)[0]
    related = sp.artist_related_artists(artist_id)["artists"]
    assert related and artist_id not in [a["id"] for a in related]
    assert sp.artist(related[0]["id"])["name"] == related[0]["name"]
    album = sp.album(album_id)
    assert album["name"] == track.album.name and album["tracks"]["total"] == len(expected.album_track_ids(track))
    tracks = sp.album_tracks(album_id, limit=5)
    assert {t["id"] for t in tracks["items"]} <= expected.album_track_ids(track)
    assert track.spotify_id in {t["id"] for t in sp.album_tracks(album_id, limit=50)["items"]}
