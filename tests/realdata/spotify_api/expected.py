"""What the catalog says about the tracks, artists and albums the client tests ask for: the values their answers
must carry."""

from catalog.models import AUDIO_FEATURES, Genre, Track
from catalog.songs import song_of
from recommender.blending import blended_recommendations, seed_tracks
from recommender.spotify_api.ids import catalog_ids


def track_values(track):
    return {"id": track.spotify_id, "name": track.name, "duration_ms": track.duration_ms,
            "popularity": track.popularity, "explicit": track.explicit, "album": track.album.name,
            "artists": [credit.artist.name for credit in track.track_artists.order_by("position")]}


def answered_track_values(answer):
    return {"id": answer["id"], "name": answer["name"], "duration_ms": answer["duration_ms"],
            "popularity": answer["popularity"], "explicit": answer["explicit"], "album": answer["album"]["name"],
            "artists": [artist["name"] for artist in answer["artists"]]}


def features(track):
    return {name: getattr(track, name) for name in AUDIO_FEATURES}


def lead_artist(track):
    return track.track_artists.order_by("position").first().artist


def ids_of(track):
    """(lead artist id, album id, a genre) as /v1/ serves them."""
    ids = catalog_ids()
    return ids.artist_ids[lead_artist(track).pk], ids.album_ids[track.album_id], track.genres.order_by("name")[0].name


def native_recommendations(spotify_ids, limit):
    """The Spotify ids the native /api/recommendations/ blend gives for these seed tracks."""
    seeds, _ = seed_tracks(spotify_ids)
    _, recommended = blended_recommendations("cosine", seeds, limit)
    return [ref.spotify_id for _, ref in recommended]


def genre_seeds():
    return list(Genre.objects.filter(track_genres__track__hidden=False).order_by("name").distinct()
                .values_list("name", flat=True))


def artist_track_popularity(artist):
    return list(Track.objects.visible().filter(track_artists__artist=artist).order_by("-popularity")
                .values_list("popularity", flat=True))


def album_track_ids(track):
    return set(Track.objects.visible().filter(album_id=track.album_id).values_list("spotify_id", flat=True))


def same_song(track, spotify_id):
    other = Track.objects.get(spotify_id=spotify_id)
    return song_of(other.pk, other.song_key) == song_of(track.pk, track.song_key)
