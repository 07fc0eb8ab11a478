import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="songrec.example.com")
    assert result.returncode == 0, result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def setting(expression, **env):
    """``expression`` over the settings module (``s``) as a process with ``env`` would read it."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
    environment.update(env)
    result = subprocess.run([sys.executable, "-c", f"import songrec.settings as s; print({expression})"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_prepared_reads_are_on_for_postgresql_unless_turned_off():
    threshold = "s.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')"
    postgres = "postgres://postgres@127.0.0.1:5432/test"
    assert setting(threshold, DATABASE_URL=postgres) == "5"
    assert setting(threshold, DATABASE_URL=postgres, DATABASE_PREPARED_READS="0") == "None"
    assert setting(threshold, DATABASE_URL="sqlite:///:memory:") == "None"


def test_the_sqlite_demo_database_lets_pages_read_while_the_background_build_writes(tmp_path):
    # `make run` serves while a second process builds the index into the same SQLite file.
    result = manage("shell", "-c", "from django.db import connection; cursor = connection.cursor(); "
                    "print(cursor.execute('PRAGMA journal_mode').fetchone()[0])",
                    DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    assert result.stdout.split()[-1] == "wal", result.stderr
    options = "s.DATABASES['default']['OPTIONS']['transaction_mode'], s.DATABASES['default']['OPTIONS']['timeout']"
    assert setting(options, DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}") == "IMMEDIATE 20"


def test_each_parallel_test_process_has_its_own_redis_database():
    assert setting("s.REDIS_URL", REDIS_URL="redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/3"
    assert setting("s.REDIS_URL", REDIS_URL="redis://127.0.0.1:6379/3", PYTEST_XDIST_WORKER="gw1") == \
        "redis://127.0.0.1:6379/4"
    assert setting("s.CELERY_BROKER_URL", REDIS_URL="redis://127.0.0.1:6379", PYTEST_XDIST_WORKER="gw1") == \
        "redis://127.0.0.1:6379/1"
