import csv
import http.server
import os
import threading
from functools import partial

import pytest

from catalog.models import AUDIO_FEATURES

SPOTIFY_COLUMNS = ["", "track_id", "artists", "album_name", "track_name", "popularity", "duration_ms", "explicit",
                   *AUDIO_FEATURES, "track_genre"]


def spotify_row(track_id, name="Song", artists="Artist", album="Album", genre="pop", **overrides):
    """One row of the Spotify Tracks Dataset layout with plausible feature values."""
    row = {
        "track_id": track_id, "artists": artists, "album_name": album, "track_name": name,
        "popularity": "50", "duration_ms": "200000", "explicit": "False",
        "danceability": "0.5", "energy": "0.6", "key": "5", "loudness": "-7.5", "mode": "1",
        "speechiness": "0.05", "acousticness": "0.2", "instrumentalness": "0.0", "liveness": "0.1",
        "valence": "0.4", "tempo": "120.0", "time_signature": "4", "track_genre": genre,
    }
    row.update({key: str(value) for key, value in overrides.items()})
    return row


@pytest.fixture
def write_spotify_csv(tmp_path):
    """Write rows (dicts from spotify_row) to a CSV in the dataset's layout and return its path."""

    def write(rows, name="tracks.csv"):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(SPOTIFY_COLUMNS)
            for index, row in enumerate(rows):
                writer.writerow([index, *[row[column] for column in SPOTIFY_COLUMNS[1:]]])
        return path

    return write


class _QuietFileHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def file_server(tmp_path):
    """Serve tmp_path over HTTP on 127.0.0.1 and yield its base URL."""
    handler = partial(_QuietFileHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pytest_collection_modifyitems(items):
    """Tests under tests/realdata share one imported real catalog that stays in the database: run them last."""
    def is_real_data(item):
        return "/tests/realdata/" in str(item.path).replace(os.sep, "/")

    for item in items:
        if is_real_data(item):
            item.add_marker(pytest.mark.dataset)
    items.sort(key=is_real_data)


@pytest.fixture(scope="session")
def mlflow_dir(tmp_path_factory):
    """One MLflow store per test session: creating its database takes seconds."""
    return tmp_path_factory.mktemp("mlflow")


def var_settings(var_dir, mlflow_dir):
    """The settings that say where downloads, index files and MLflow runs go, for a test's own folders."""
    return {
        "SONGREC_DOWNLOAD_DIR": var_dir / "downloads",
        "RECOMMENDER_INDEX_DIR": var_dir / "index",
        "MLFLOW_TRACKING_URI": f"sqlite:///{mlflow_dir / 'mlflow.db'}",
        "MLFLOW_ARTIFACT_ROOT": str(mlflow_dir / "mlartifacts"),
    }


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path, mlflow_dir):
    """Keep downloads and index files of each test in its own folder, MLflow runs in the session's."""
    for name, value in var_settings(tmp_path, mlflow_dir).items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Each test starts without a search index cached from another test's catalog."""
    from catalog import search

    search._index = None
    yield
    search._index = None


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """The active index version, the rated seeds, the active clusters, the served catalog revision and the songs
    with several tracks are cached per process; ids repeat between tests whose tables are flushed."""
    from catalog.models import CatalogRevision
    from catalog.songs import forget_songs_with_several_tracks
    from evaluation.scores import forget_rated_seeds
    from recommender.active_version import forget_active_version
    from recommender.clusters.selectors import forget_active_clusters

    forgets = (forget_active_version, forget_rated_seeds, forget_active_clusters, CatalogRevision.forget_served,
               forget_songs_with_several_tracks)
    for forget in forgets:
        forget()
    yield
    for forget in forgets:
        forget()


@pytest.fixture(autouse=True)
def _celery_tasks_run_in_process(request, settings):
    """Tests talk to Redis (REDIS_URL) but no worker listens there; tasks run in-process unless a test starts one."""
    if request.node.get_closest_marker("celery_worker") is None:
        settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _api_throttles_off(monkeypatch):
    """Throttle counts live in the shared Redis cache across tests; tests of throttling set their own rates."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {"anon": None, "user": None, "evaluation-token": None, "signup": None})
