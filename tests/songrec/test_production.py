"""Production settings (DEBUG=0) under gunicorn: pages and hashed static files after collectstatic, and a server
that refuses to start, saying why, when collectstatic was not run."""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.songrec.test_settings import ROOT

PORT = int(os.environ.get("SONGREC_TEST_GUNICORN_PORT", "8301"))


@pytest.fixture
def production_env(db, tmp_path):
    """The environment of a production web process on the test database (its tables are migrated, empty)."""
    database = connection.settings_dict
    environment = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    environment.update(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", USE_X_FORWARDED_PROTO="1",
        STATIC_ROOT=str(tmp_path / "static"), SONGREC_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    )
    return environment


def gunicorn(environment):
    """gunicorn as the README's production section starts it (songrec/gunicorn_conf.py: the application loaded
    and warmed before forking, gthread workers), with one worker of two threads."""
    environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": "1",
                   "GUNICORN_THREADS": "2"}
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "songrec/gunicorn_conf.py",
         "songrec.wsgi:application", "--timeout", "60"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def get(path):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until_serving(server, attempts=120):
    for _ in range(attempts):
        if server.poll() is not None:
            return False
        try:
            get("/accounts/login/")
            return True
        except OSError:
            time.sleep(0.5)
    return False


def test_after_collectstatic_gunicorn_serves_pages_and_hashed_static_files(production_env):
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT,
                             env=production_env, capture_output=True, text=True, timeout=300)
    assert collect.returncode == 0, collect.stderr
    server = gunicorn(production_env)
    try:
        assert wait_until_serving(server), server.communicate(timeout=10)[0]
        for path in ("/", "/recommend/", "/clusters/", "/campaigns/", "/accounts/login/", "/api/docs/"):
            status, headers, html = get(path)
            assert status == 200, (path, status, html[:500])
            assert "script-src 'self'" in headers["Content-Security-Policy"]
        stylesheet = html_stylesheet(get("/")[2])
        assert stylesheet.startswith("/static/songrec/songrec.") and stylesheet != "/static/songrec/songrec.css"
        status, headers, css = get(stylesheet)
        assert status == 200 and "--bar" in css
        assert "immutable" in headers["Cache-Control"]  # WhiteNoise: hashed names are cached for good
        status, _, body = get("/api/tracks/%00/")
        assert status == 404 and "NUL" in body
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    # The views, templates, search index and index files were loaded in the master, before forking.
    assert "loaded before forking" in log and "warm-up skipped" not in log, log[-3000:]


def test_without_collectstatic_the_server_refuses_to_start_and_says_why(production_env):
    server = gunicorn(production_env)
    try:
        output = server.communicate(timeout=120)[0]
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode != 0
    assert "Static files are not collected" in output and "collectstatic --noinput" in output


def html_stylesheet(html):
    start = html.index('<link rel="stylesheet" href="') + len('<link rel="stylesheet" href="')
    return html[start:html.index('"', start)]
