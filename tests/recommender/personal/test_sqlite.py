"""The default `make run` set-up (SQLite, nothing else running): a listener with plays gets For you, not a 500.

SQLite hands a raw ``MAX(played_at)`` back as text where PostgreSQL gives a datetime, so this runs the real
pages and API in a child process on a scratch SQLite file, as the demo does: migrate, import a small CSV, build the
index, import a listening history, then ask for the page and the API.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from catalog.models import Track
from recommender.personal.models import Play

call_command("migrate", verbosity=0)
call_command("import_tracks", sys.argv[1], "--no-progress", verbosity=0)
call_command("rebuild_index", verbosity=0)
user = get_user_model().objects.create_user("listener", password="x")
for track in Track.objects.order_by("pk")[:3]:
    Play.objects.create(user=user, track=track, played_at=timezone.now(), ms_played=60000)
client = Client()
client.force_login(user)
page = client.get("/me/for-you/")
api = client.get("/api/me/recommendations/")
print(json.dumps({"page": page.status_code, "api": api.status_code, "type": api["Content-Type"],
                  "items": len(api.json().get("results", api.json().get("items", []))) if api.status_code == 200
                  else api.content.decode()[:300]}))
"""


def test_for_you_with_plays_on_sqlite(write_spotify_csv, tmp_path):
    from tests.conftest import spotify_row

    rows = [spotify_row(f"{i:022d}", name=f"Song {i}", artists=f"Artist {i % 5}", genre=("jazz", "rock")[i % 2],
                        energy=str(0.1 + i / 40), popularity=str(i)) for i in range(30)]
    csv_path = write_spotify_csv(rows)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "SONGREC_VAR_DIR": str(tmp_path),
           "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}", "DJANGO_SETTINGS_MODULE": "songrec.settings",
           "RECOMMENDER_INDEX_DIR": str(tmp_path / "index"), "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(csv_path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["page"] == 200, answer
    assert answer["api"] == 200 and answer["type"].startswith("application/json"), answer
    assert answer["items"] > 0, answer
