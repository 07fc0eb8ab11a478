import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommender.personal.models import HistoryImport, Play
from songrec.lib.outbox import dispatch_pending
from songrec.lib.outbox.models import PendingTask
from tests.broker import broker_down  # noqa: F401  (a Celery broker on a closed port)

pytestmark = pytest.mark.django_db


def basic_rows(tracks):
    jazz, metal = tracks["jazz"][0], tracks["metal"][1]
    return [
        {"endTime": "2024-03-01 20:15", "artistName": "Jazz Artist 0", "trackName": jazz.name, "msPlayed": 200000},
        {"endTime": "2024-03-02 20:15", "artistName": "Jazz Artist 0", "trackName": jazz.name, "msPlayed": 180000},
        {"endTime": "2024-03-03 09:00", "artistName": "Metal Artist 1", "trackName": metal.name, "msPlayed": 5000},
        {"endTime": "2024-03-03 09:05", "artistName": "Nobody Known", "trackName": "Unheard Of", "msPlayed": 99000},
    ]


def extended_rows(tracks):
    metal = tracks["metal"][1]
    return [
        {"ts": "2024-04-01T10:00:00Z", "ms_played": 240000, "master_metadata_track_name": "whatever the name",
         "master_metadata_album_artist_name": "someone", "spotify_track_uri": f"spotify:track:{metal.spotify_id}"},
        {"ts": "2024-04-01T11:00:00Z", "ms_played": 240000, "master_metadata_track_name": None,
         "master_metadata_album_artist_name": None, "spotify_track_uri": None, "episode_name": "A podcast"},
    ]


def upload(client, name, content):
    return client.post("/api/me/imports/", {"file": SimpleUploadedFile(name, content)})


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_basic_history_is_matched_by_artist_and_title_and_summarised(client, listener, tracks):
    client.force_login(listener)
    response = upload(client, "StreamingHistory_music_0.json", json.dumps(basic_rows(tracks)).encode())

    assert response.status_code == 201, response.json()
    summary = response.json()["summary"]
    assert response.json()["status"] == "done"
    assert summary["rows"] == 4 and summary["plays"] == 3 and summary["short_plays"] == 1
    assert summary["matched_plays"] == 2 and summary["matched_tracks"] == 1 and summary["new_plays"] == 2
    assert summary["unmatched"] == [{"artist": "Nobody Known", "title": "Unheard Of", "plays": 1}]
    assert set(Play.objects.filter(user=listener).values_list("track_id", flat=True)) == {tracks["jazz"][0].pk}
    page = client.get(reverse("personal:import_detail", args=[response.json()["id"]])).content.decode()
    assert "2 plays of 1 track matched" in page and "1 play of 1 song not in the catalog" in page
    assert "1 shorter one skipped" in page


def test_the_extended_history_matches_by_spotify_id_and_skips_podcasts(client, listener, tracks):
    client.force_login(listener)
    response = upload(client, "Streaming_History_Audio_2024.json", json.dumps(extended_rows(tracks)).encode())

    assert response.status_code == 201
    assert response.json()["summary"]["matched_plays"] == 1
    assert Play.objects.get(user=listener).track == tracks["metal"][1]


def test_the_export_zip_is_read_and_other_files_in_it_ignored(client, listener, tracks):
    client.force_login(listener)
    content = zipped({"Spotify Account Data/StreamingHistory_music_0.json": json.dumps(basic_rows(tracks)),
                      "Spotify Extended Streaming History/Streaming_History_Audio_2024_1.json":
                          json.dumps(extended_rows(tracks)),
                      "Spotify Account Data/Userdata.json": json.dumps({"username": "x"})})
    response = upload(client, "my_spotify_data.zip", content)

    assert response.status_code == 201, response.json()
    assert response.json()["summary"]["matched_plays"] == 3
    assert Play.objects.filter(user=listener).count() == 3


def test_uploading_the_same_history_again_changes_nothing(client, listener, tracks):
    client.force_login(listener)
    content = json.dumps(basic_rows(tracks)).encode()
    first = upload(client, "StreamingHistory_music_0.json", content)
    again = upload(client, "StreamingHistory_music_0.json", content)
    # The same plays in other bytes (another file of the same export, re-exported later): no new plays either.
    renamed = upload(client, "StreamingHistory_music_1.json", json.dumps(basic_rows(tracks)[::-1]).encode())

    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert renamed.status_code == 201 and renamed.json()["summary"]["new_plays"] == 0
    assert Play.objects.filter(user=listener).count() == 2


@pytest.mark.parametrize("name, content, message", [
    ("StreamingHistory_music_0.json", b"{not json", "not valid JSON"),
    ("StreamingHistory_music_0.json", b'{"endTime": "x"}', "expected a JSON list"),
    ("StreamingHistory_music_0.json", b'[{"song": "x"}]', "not a Spotify streaming-history entry"),
    ("StreamingHistory_music_0.json", b'[{"endTime": "yesterday", "artistName": "a", "trackName": "b", '
                                      b'"msPlayed": 1}]', "entry 1: unreadable time"),
    ("history.zip", b"PK\x03\x04 broken", "not a valid zip"),
    ("notes.txt", b"hello", "upload a StreamingHistory"),
    ("StreamingHistory_music_0.json", b"", "is empty"),
])
def test_a_malformed_upload_gets_a_clear_message_and_stores_nothing(client, listener, tracks, name, content,
                                                                     message):
    client.force_login(listener)
    response = upload(client, name, content)

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not Play.objects.exists()


def test_the_page_shows_the_message_for_a_bad_file(client, listener, tracks):
    client.force_login(listener)
    response = client.post("/me/import/", {"file": SimpleUploadedFile("StreamingHistory_music_0.json", b"[1, 2]")})
    assert response.status_code == 400
    assert "expected an object" in response.content.decode()
    assert not Play.objects.exists()


def test_uploads_over_the_size_limit_are_refused(client, listener, tracks, settings):
    settings.PERSONAL_UPLOAD_MAX_BYTES = 100
    client.force_login(listener)
    response = upload(client, "StreamingHistory_music_0.json", json.dumps(basic_rows(tracks)).encode())
    assert response.status_code == 400 and "the limit is" in response.json()["file"][0]
    assert not HistoryImport.objects.exists()


def test_a_zip_bomb_is_refused(client, listener, tracks):
    client.force_login(listener)
    bomb = zipped({"StreamingHistory_music_0.json": b"[" + b" " * 50_000_000 + b"]"})
    response = upload(client, "my_spotify_data.zip", bomb)
    assert response.status_code == 400 and "zip bomb" in response.json()["file"][0]
    assert not Play.objects.exists()


@pytest.mark.parametrize("member", ["../StreamingHistory_music_0.json", "/etc/StreamingHistory_music_0.json",
                                    "a/../../StreamingHistory_music_0.json", "C:/StreamingHistory_music_0.json",
                                    "a\\..\\StreamingHistory_music_0.json"])
def test_path_tricks_in_a_zip_are_refused(client, listener, tracks, member):
    client.force_login(listener)
    response = upload(client, "my_spotify_data.zip", zipped({member: json.dumps(basic_rows(tracks))}))
    assert response.status_code == 400 and "unsafe path" in response.json()["file"][0]
    assert not Play.objects.exists()


def test_a_zip_without_history_files_says_so(client, listener, tracks):
    client.force_login(listener)
    response = upload(client, "my_spotify_data.zip", zipped({"Userdata.json": "{}"}))
    assert response.status_code == 400 and "holds no StreamingHistory" in response.json()["file"][0]


def test_big_uploads_are_imported_by_a_celery_task_with_progress_on_the_page(client, listener, tracks, settings,
                                                                             django_capture_on_commit_callbacks):
    settings.PERSONAL_INLINE_IMPORT_BYTES = 10  # everything counts as big here
    client.force_login(listener)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/me/import/", {"file": SimpleUploadedFile(
            "StreamingHistory_music_0.json", json.dumps(basic_rows(tracks)).encode())})
    history_import = HistoryImport.objects.get(user=listener)
    assert response.status_code == 302 and response.url == f"/me/import/{history_import.pk}/"
    assert history_import.status == "queued"
    assert "<progress" in client.get(response.url).content.decode()

    for callback in callbacks:  # the queued task runs (eagerly, as a worker would)
        callback()
    history_import.refresh_from_db()
    assert history_import.status == "done" and history_import.progress == 1.0
    assert client.get(f"/api/me/imports/{history_import.pk}/").json()["summary"]["matched_plays"] == 2


@pytest.mark.django_db(transaction=True)  # the upload commits, as in production, and then tries the broker
def test_a_big_upload_while_the_broker_is_down_is_kept_and_imported_once_it_is_back(
        client, listener, tracks, settings, broker_down):  # noqa: F811
    settings.PERSONAL_INLINE_IMPORT_BYTES = 10  # everything counts as big here
    client.force_login(listener)
    response = upload(client, "StreamingHistory_music_0.json", json.dumps(basic_rows(tracks)).encode())

    assert response.status_code == 201
    assert response.json()["status"] == "queued" and "unreachable" in response.json()["message"]
    history_import = HistoryImport.objects.get(user=listener)
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.args, pending.dispatched_at) == (
        "recommender.personal.tasks.import_history", [history_import.pk], None)
    page = client.get(reverse("personal:import_detail", args=[history_import.pk])).content.decode()
    assert '<p class="muted">The task queue is unreachable' in page  # a note that it waits, not an error

    broker_down.come_back()  # tasks run in-process from here, as a worker would
    assert dispatch_pending() == 1
    history_import.refresh_from_db()
    assert history_import.status == "done" and history_import.message == ""
    assert Play.objects.filter(user=listener).count() == 2


def test_another_listeners_import_is_a_404(client, listener, other, tracks):
    client.force_login(listener)
    created = upload(client, "StreamingHistory_music_0.json", json.dumps(basic_rows(tracks)).encode()).json()
    client.force_login(other)
    assert client.get(f"/api/me/imports/{created['id']}/").status_code == 404
    assert client.get(f"/me/import/{created['id']}/").status_code == 404
