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


def test_prepared_reads_are_on_for_postgresql_unless_turned_off():
    show = ("shell", "-c", "from django.db import connection; "
            "print(connection.settings_dict['OPTIONS'].get('prepare_threshold'))")
    postgres = "postgres://postgres@127.0.0.1:5432/test"
    assert manage(*show, DATABASE_URL=postgres).stdout.split()[-1] == "5"
    assert manage(*show, DATABASE_URL=postgres, DATABASE_PREPARED_READS="0").stdout.split()[-1] == "None"
    assert manage(*show, DATABASE_URL="sqlite:///:memory:").stdout.split()[-1] == "None"
