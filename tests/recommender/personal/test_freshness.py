"""A listener's For you list is cached until their signals change: every change shows in the very next list."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import Track
from recommender import storage
from recommender.index.params import IndexParams
from recommender.personal.foryou import for_you
from recommender.personal.freshness import signals_changed
from recommender.personal.models import Play
from recommender.personal.services import set_reaction
from recommender.services import rebuild_index
from recommender.visible_rows import visible_rows
from tests.factories import TrackFactory, UserFactory
from tests.recommender.personal.conftest import STYLES

pytestmark = pytest.mark.django_db


def shown(client, limit=30):
    data = client.get(f"/api/me/recommendations/?limit={limit}").json()
    return data["method"], [item["spotify_id"] for item in data["results"]]


def react(client, track, reaction):
    response = client.put(f"/api/me/reactions/{track.spotify_id}/", {"reaction": reaction},
                          content_type="application/json")
    assert response.status_code == 200, response.content


def test_a_repeated_request_is_served_from_the_cache_with_fewer_queries(client, listener, tracks, index,
                                                                         django_assert_max_num_queries):
    client.force_login(listener)
    react(client, tracks["jazz"][0], "like")
    first = shown(client)
    with django_assert_max_num_queries(6):  # session, user, version, model, names and credits: no signals read
        assert shown(client) == first


def test_a_computed_list_reads_the_listeners_signals_in_one_query(client, listener, other, tracks, index,
                                                                  django_assert_max_num_queries):
    for_you(other, limit=30)  # this process has read the visible rows of this version and catalog revision
    client.force_login(listener)
    react(client, tracks["jazz"][0], "like")
    Play.objects.create(user=listener, track=tracks["metal"][0], played_at=timezone.now(), ms_played=90000)
    signals_changed(listener.pk)
    # session, user, version, model, the together model, likes + plays + picks, catalog revision, names and credits
    with django_assert_max_num_queries(8):
        method, shown_ids = shown(client)
    assert method == "content" and shown_ids


def test_a_like_and_an_unlike_change_the_next_list_at_once(client, listener, tracks, index):
    client.force_login(listener)
    react(client, tracks["jazz"][0], "like")
    method, before = shown(client)
    assert method == "content" and tracks["jazz"][1].spotify_id in before

    react(client, tracks["jazz"][1], "like")
    assert tracks["jazz"][1].spotify_id not in shown(client)[1]  # a liked track is never recommended
    react(client, tracks["jazz"][1], None)
    assert shown(client)[1] == before


def test_a_dislike_removes_the_track_from_the_next_list(client, listener, tracks, index):
    client.force_login(listener)
    react(client, tracks["metal"][0], "like")
    target = tracks["metal"][1]
    assert target.spotify_id in shown(client)[1]
    react(client, target, "dislike")
    assert target.spotify_id not in shown(client)[1]


def test_a_history_import_changes_the_next_list(client, listener, tracks, index):
    client.force_login(listener)
    assert shown(client)[0] == "popular"
    jazz = tracks["jazz"][0]
    rows = [{"endTime": "2024-03-01 20:15", "artistName": "Jazz Artist 0", "trackName": jazz.name,
             "msPlayed": 200000}]
    response = client.post("/api/me/imports/", {"file": SimpleUploadedFile("StreamingHistory_music_0.json",
                                                                           json.dumps(rows).encode())})
    assert response.status_code == 201 and response.json()["status"] == "done"
    method, after = shown(client)
    assert method == "content" and jazz.spotify_id not in after


def test_deleting_my_data_takes_me_back_to_popular_tracks_at_once(client, listener, tracks, index):
    client.force_login(listener)
    react(client, tracks["pop"][0], "like")
    assert shown(client)[0] == "content"
    assert client.delete("/api/me/data/").status_code == 200
    assert shown(client)[0] == "popular"


def test_cached_lists_are_per_listener(client, listener, other, tracks, index):
    client.force_login(listener)
    react(client, tracks["jazz"][0], "like")
    mine = shown(client, limit=10)[1]
    client.force_login(other)
    react(client, tracks["metal"][0], "like")
    theirs = shown(client, limit=10)[1]

    metal = {track.spotify_id for track in tracks["metal"]}
    assert not set(mine) & metal and set(theirs) <= metal | {t.spotify_id for t in tracks["pop"]}
    assert theirs != mine


def test_a_track_hidden_after_the_list_was_cached_is_dropped_at_once(listener, tracks, index):
    set_reaction(listener, tracks["jazz"][0], "like")
    first = [item.track.id for item in for_you(listener, limit=10).items]
    Track.objects.filter(pk=first[0]).update(hidden=True)
    assert first[0] not in [item.track.id for item in for_you(listener, limit=10).items]


def hide_in_curation(client, tracks, action="hide_tracks"):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post("/admin/catalog/track/", {"action": action, "_selected_action": [track.pk for track in tracks]})


def test_a_track_hidden_in_curation_is_left_out_of_the_next_computed_list_and_replaced(client, listener, tracks,
                                                                                       index):
    set_reaction(listener, tracks["jazz"][0], "like")
    first = [item.track.id for item in for_you(listener, limit=10).items]  # reads the visible rows
    hidden = Track.objects.get(pk=first[0])
    hide_in_curation(client, [hidden])

    set_reaction(listener, tracks["pop"][0], "like")  # the list is computed afresh, not filtered on the way out
    after = [item.track.id for item in for_you(listener, limit=10).items]
    assert hidden.pk not in after and len(after) == 10

    hide_in_curation(client, [hidden], action="unhide_tracks")
    set_reaction(listener, tracks["pop"][0], None)
    assert [item.track.id for item in for_you(listener, limit=10).items] == first


def test_a_new_index_version_is_checked_against_its_own_tracks(listener, tracks, index):
    set_reaction(listener, tracks["jazz"][0], "like")
    for_you(listener, limit=10)
    newcomer = TrackFactory(name="Jazz Newcomer", genres=["jazz"], artists=[tracks["jazz"][0].artists.first()],
                            popularity=99, **STYLES["jazz"])
    version = rebuild_index(IndexParams.from_settings(k=10, genre_weight=0.75)).version

    rows = visible_rows(version.pk)
    data = storage.version_data(version.pk)
    assert len(rows.mask) == len(data) and rows.mask[data.position(newcomer.pk)]
    assert newcomer.pk in [item.track.id for item in for_you(listener, limit=10).items]


def test_visible_rows_answer_for_ids_outside_the_version_from_the_database(tracks, index):
    later = TrackFactory(name="Added After The Build")
    hidden_later = TrackFactory(name="Hidden After The Build", hidden=True)
    rows = visible_rows(index.pk)
    assert rows.allowed_ids([tracks["pop"][0].pk, later.pk, hidden_later.pk]) == {tracks["pop"][0].pk, later.pk}
