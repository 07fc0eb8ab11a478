import csv
import http.server
import os
import threading
from functools import partial

import pytest
from django.test import override_settings

from catalog.dataset_finder import SPOTIFY_TRACKS_COLUMNS

SPOTIFY_COLUMNS = list(SPOTIFY_TRACKS_COLUMNS)


def spotify_row(track_id, *, name="Song", artists="Artist", album="Album", genre="pop", **overrides):
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


def _is_real_data(item):
    return "/tests/realdata/" in str(item.path).replace(os.sep, "/")


def pytest_itemcollected(item):
    """Tests under tests/realdata are marked ``dataset`` (and those under tests/realdata/browser/ ``browser``), so
    `make test-fast` can leave them out."""
    if _is_real_data(item):
        item.add_marker(pytest.mark.dataset)
        if "/tests/realdata/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


# tests/realdata in two halves of about the same time on two workers: the browser and schema tests, the rest.
REAL_DATA_FIRST_HALF = ("tests/realdata/browser/", "tests/realdata/test_api_schema.py")


def pytest_xdist_make_scheduler(config, log):
    """In parallel (`make test`: pytest-xdist's -n 2) the other tests are shared out first, one at a time; then
    each half of tests/realdata goes whole to one worker, which imports the real catalog once for it and runs
    nothing else after it on its database."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class RealDataHalves(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if nodeid.startswith("tests/realdata/"):
                return "realdata-1" if nodeid.startswith(REAL_DATA_FIRST_HALF) else "realdata-2"
            return nodeid

    config.option.loadscopereorder = False  # in collection order: the real-data halves last
    return RealDataHalves(config, log)


@pytest.hookimpl(trylast=True)  # after pytest-django's reordering
def pytest_collection_modifyitems(items):
    """Tests under tests/realdata share one imported real catalog that stays in the database: run them last."""
    items.sort(key=_is_real_data)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hash passwords with MD5 in tests: Django's PBKDF2 costs ~0.3 s of CPU per hash, paid for every user a
    fixture creates, every login and every failed login the lockout tests make. Passwords are still checked."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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
def _fresh_process_caches():
    """Every per-process cache (songrec.lib.process_cache's registry) starts and ends each test empty: ids and
    catalog revisions repeat between tests whose tables are flushed."""
    from songrec.lib.process_cache import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture(autouse=True)
def _celery_tasks_run_in_process(request, settings):
    """Tests talk to Redis (REDIS_URL) but no worker listens there; tasks run in-process unless a test starts one."""
    if request.node.get_closest_marker("celery_worker") is None:
        settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _api_throttles_off(monkeypatch):
    """Throttle counts live in the shared Redis cache across tests; tests of throttling set their own rates."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "evaluation-token": None,
                                                             "spotify-api": None, "spotify-token": None,
                                                             "signup": None})
