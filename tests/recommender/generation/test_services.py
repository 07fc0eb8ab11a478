"""Generated playlists: each kind, the recipe they remember, refresh and extend, and what is refused."""

import pytest

from catalog.models import Track
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import NotYourPlaylist, playlist_track_ids
from catalog.playlists.services import create_listener_playlist
from catalog.songs import song_keys
from recommender.generation.errors import GenerationError, NotGenerated, UnknownSeed
from recommender.generation.services import extend_playlist, generate_playlist, refresh_playlist
from songrec.lib.errors import NotFoundError
from tests.factories import TrackFactory


def _songs(track_ids):
    keys = song_keys(track_ids)
    return [keys[pk] for pk in track_ids]


def test_a_radio_from_a_track_remembers_its_recipe_and_holds_no_song_twice(active, catalog, listener):
    seed = catalog["rock"][0]
    generated = generate_playlist(owner=listener, kind="radio", params={"seed_tracks": [seed.spotify_id]}, length=12)
    playlist = generated.playlist
    assert playlist.source == Playlist.Source.LISTENER and playlist.owner == listener
    assert playlist.visibility == Playlist.Visibility.PRIVATE
    assert playlist.name == f"Radio: {seed.name}"
    assert playlist.recipe["kind"] == "radio" and playlist.recipe["length"] == 12
    assert playlist.recipe["params"]["seed_tracks"] == [seed.spotify_id]
    ids = playlist_track_ids(playlist)
    assert ids == generated.track_ids and len(ids) == 12 and seed.pk not in ids
    assert len(set(_songs(ids))) == len(ids)
    assert catalog["hidden"].pk not in ids
    # The nearest tracks first: the seed's genre leads.
    assert len(set(ids[:5]) & {track.pk for track in catalog["rock"]}) >= 3


def test_a_radio_takes_artists_genres_limits_and_songs_and_artists_to_avoid(active, catalog, listener):
    jazz_artist = catalog["jazz"][0].ordered_artists[0]
    avoided_artist = catalog["k-pop"][0].ordered_artists[0]
    for number, artist in enumerate((jazz_artist, avoided_artist)):
        artist.spotify_id = f"artist{number:016d}"
        artist.save()
    avoided_track = catalog["k-pop"][1]
    params = {"seed_artists": [jazz_artist.spotify_id], "seed_genres": ["jazz"],
              "avoid_tracks": [avoided_track.spotify_id], "avoid_artists": [avoided_artist.spotify_id],
              "features": {"max_energy": 0.8}}
    ids = generate_playlist(owner=listener, kind="radio", params=params, length=20).track_ids
    assert ids and avoided_track.pk not in ids
    assert all(energy <= 0.8 for energy in Track.objects.filter(pk__in=ids).values_list("energy", flat=True))
    assert not Track.objects.filter(pk__in=ids, artists=avoided_artist).exists()
    assert not set(ids) & {track.pk for track in catalog["jazz"]}  # the genre's songs are the seeds


def test_bad_radio_parameters_are_refused_and_nothing_is_stored(active, catalog, listener):
    with pytest.raises(GenerationError, match="at least one seed"):
        generate_playlist(owner=listener, kind="radio", params={}, length=5)
    with pytest.raises(UnknownSeed, match="No track with id 'missing'"):
        generate_playlist(owner=listener, kind="radio", params={"seed_tracks": ["missing"]})
    with pytest.raises(UnknownSeed, match="No genre 'polka'"):
        generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["polka"]})
    with pytest.raises(GenerationError, match="greater than max_energy"):
        generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["rock"],
                                                                 "features": {"min_energy": 0.9, "max_energy": 0.1}})
    with pytest.raises(GenerationError) as error:
        generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["rock"],
                                                                 "features": {"min_energy": 3}})
    assert error.value.field == "features.min_energy"
    with pytest.raises(GenerationError, match="1 to 500"):
        generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["rock"]}, length=501)
    with pytest.raises(GenerationError, match="Unknown kind 'mixtape'"):
        generate_playlist(owner=listener, kind="mixtape", params={})
    with pytest.raises(GenerationError, match="Nothing matches"):
        generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["rock"],
                                                                 "features": {"min_energy": 1.0}})
    assert not Playlist.objects.filter(owner=listener).exists()


def test_more_like_a_playlist_excludes_its_own_songs(active, catalog, listener):
    own = [track.pk for track in catalog["k-pop"][:6]]
    source = create_listener_playlist(owner=listener, name="mine", track_ids=own)
    generated = generate_playlist(owner=listener, kind="continuation", params={"playlist": source.pk}, length=10)
    assert generated.playlist.name == "More like mine"
    assert not set(generated.track_ids) & set(own)
    assert not set(_songs(generated.track_ids)) & set(_songs(own))
    assert len(set(generated.track_ids[:4]) & {track.pk for track in catalog["k-pop"]}) >= 3


def test_more_like_someone_elses_private_playlist_is_not_found(active, catalog, listener, other_listener):
    private = create_listener_playlist(owner=other_listener, name="theirs", track_ids=[catalog["rock"][0].pk])
    with pytest.raises(NotFoundError):
        generate_playlist(owner=listener, kind="continuation", params={"playlist": private.pk})
    empty = create_listener_playlist(owner=listener, name="empty")
    with pytest.raises(GenerationError, match="is empty"):
        generate_playlist(owner=listener, kind="continuation", params={"playlist": empty.pk})


def test_a_song_path_playlist_keeps_the_path_order(line, listener):
    generated = generate_playlist(owner=listener, kind="song_path",
                                  params={"from": line[0].spotify_id, "to": line[40].spotify_id}, length=5)
    assert generated.track_ids == [line[i].pk for i in (0, 10, 20, 30, 40)]
    assert generated.playlist.name == "From line 0 to line 40"
    with pytest.raises(GenerationError, match="3 to 100"):
        generate_playlist(owner=listener, kind="song_path",
                          params={"from": line[0].spotify_id, "to": line[40].spotify_id}, length=200)


def test_refresh_reruns_the_recipe_into_the_same_playlist(active, catalog, listener):
    generated = generate_playlist(owner=listener, kind="radio",
                                  params={"seed_tracks": [catalog["rock"][0].spotify_id]}, length=8)
    first = generated.track_ids
    catalog["rock"][1].hidden = True
    catalog["rock"][1].save()
    refreshed = refresh_playlist(owner=listener, playlist_id=generated.playlist.pk)
    assert refreshed.playlist.pk == generated.playlist.pk
    assert playlist_track_ids(generated.playlist) == refreshed.track_ids
    assert catalog["rock"][1].pk not in refreshed.track_ids and len(refreshed.track_ids) == 8
    assert refreshed.track_ids != first or catalog["rock"][1].pk not in first


def test_extend_adds_n_more_and_never_a_song_twice(active, catalog, listener):
    generated = generate_playlist(owner=listener, kind="radio",
                                  params={"seed_tracks": [catalog["jazz"][0].spotify_id]}, length=6)
    extended = extend_playlist(owner=listener, playlist_id=generated.playlist.pk, count=7)
    ids = playlist_track_ids(generated.playlist)
    assert ids[:6] == generated.track_ids and len(ids) == 13 and extended.added == 7
    assert len(set(_songs(ids))) == 13


def test_a_song_path_is_extended_from_its_end(line, listener):
    generated = generate_playlist(owner=listener, kind="song_path",
                                  params={"from": line[0].spotify_id, "to": line[20].spotify_id}, length=5)
    extended = extend_playlist(owner=listener, playlist_id=generated.playlist.pk, count=3)
    more = extended.track_ids[5:]
    assert len(more) == 3 and not set(more) & set(generated.track_ids)
    assert set(more) <= {line[i].pk for i in (21, 22, 23, 19, 18, 17, 24, 16)}


def test_refresh_and_extend_are_for_the_owner_of_a_generated_playlist(active, catalog, listener, other_listener):
    by_hand = create_listener_playlist(owner=listener, name="by hand", track_ids=[catalog["rock"][0].pk])
    with pytest.raises(NotGenerated):
        refresh_playlist(owner=listener, playlist_id=by_hand.pk)
    with pytest.raises(NotGenerated):
        extend_playlist(owner=listener, playlist_id=by_hand.pk, count=5)
    generated = generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["rock"]}, length=5,
                                  visibility=Playlist.Visibility.PUBLIC)
    with pytest.raises(NotYourPlaylist):
        refresh_playlist(owner=other_listener, playlist_id=generated.playlist.pk)
    private = generate_playlist(owner=listener, kind="radio", params={"seed_genres": ["rock"]}, length=5)
    with pytest.raises(NotFoundError):
        extend_playlist(owner=other_listener, playlist_id=private.playlist.pk, count=5)
    with pytest.raises(GenerationError, match="1 to 500"):
        extend_playlist(owner=listener, playlist_id=private.playlist.pk, count=0)


def test_a_seed_added_after_the_build_is_not_in_the_index(active, catalog, listener):
    late = TrackFactory(name="late", genres=["rock"])
    with pytest.raises(GenerationError, match="None of the seed tracks"):
        generate_playlist(owner=listener, kind="radio", params={"seed_tracks": [late.spotify_id]})
