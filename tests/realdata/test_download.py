"""Without ../shared/data, `make run` downloads the upstream file by the Makefile's pinned URL and sha256.

The real file, decompressed and whole, is served from 127.0.0.1 in place of the upstream URL; the import the
Makefile's ``data`` target prints for it runs against PostgreSQL.
"""

import gzip
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.datasets import sha256_of
from catalog.models import Track
from tests.realdata.conftest import real_dataset_path

pytestmark = pytest.mark.django_db

CHECKOUT = Path(__file__).resolve().parent.parent.parent
UPSTREAM_URL = "https://huggingface.co/datasets/maharshipandya/spotify-tracks-dataset/resolve/main/dataset.csv"


def makefile_pin():
    """UPSTREAM_DATASET_SHA256 as written in the Makefile."""
    found = re.search(r"^UPSTREAM_DATASET_SHA256\s*:?=\s*(\S+)\s*$", (CHECKOUT / "Makefile").read_text(), re.M)
    assert found, "the Makefile pins no UPSTREAM_DATASET_SHA256"
    return found.group(1)


def make_data_command(tmp_path, *variables):
    """The import_tracks arguments `make -n data` prints in a checkout with no ../shared/data beside it."""
    checkout = tmp_path / "lonely" / "checkout"
    (checkout / "catalog").mkdir(parents=True)
    shutil.copy(CHECKOUT / "Makefile", checkout)
    shutil.copy(CHECKOUT / "catalog" / "dataset_finder.py", checkout / "catalog")
    # Nothing from this machine's environment may choose the dataset.
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DATASET", "DATASET_SHA256", "UPSTREAM_DATASET", "SONGREC_DATASET", "MAKEFLAGS")}
    printed = subprocess.run(["make", "-n", "-o", "install", "data", *variables], cwd=checkout, env=environment,
                             capture_output=True, text=True, check=True).stdout
    line = next(line for line in printed.splitlines() if "manage.py import_tracks" in line)
    words = shlex.split(line)
    return words[words.index("import_tracks") + 1:]


@pytest.fixture
def served_dataset(tmp_path):
    """The real file, decompressed and whole, as tmp_path/dataset.csv (what the file_server fixture serves)."""
    source = real_dataset_path()
    opener = gzip.open if source.read_bytes()[:2] == b"\x1f\x8b" else open
    with opener(source, "rb") as compressed, (tmp_path / "dataset.csv").open("wb") as plain:
        shutil.copyfileobj(compressed, plain, 1 << 20)
    return tmp_path / "dataset.csv"


def test_without_shared_data_the_makefile_imports_the_pinned_upstream_url(tmp_path):
    assert make_data_command(tmp_path) == [UPSTREAM_URL, "--sha256", makefile_pin(), "--skip-if-loaded"]


def test_the_pinned_download_of_the_real_file_is_verified_and_imported(served_dataset, file_server, settings,
                                                                       tmp_path, capsys):
    settings.SONGREC_DOWNLOAD_DIR = tmp_path / "downloads"
    url = f"{file_server}/dataset.csv"
    arguments = make_data_command(tmp_path, f"UPSTREAM_DATASET={url}")
    assert arguments == [url, "--sha256", makefile_pin(), "--skip-if-loaded"]

    # --skip-if-loaded left out: the session's real catalog may already be in this database.
    call_command("import_tracks", *arguments[:-1], "--no-progress")

    summary = capsys.readouterr().out
    assert "Imported 89740 tracks from 114000 rows (Spotify Tracks Dataset)" in summary
    assert "24259 duplicate rows merged, 1 bad rows skipped" in summary
    assert Track.objects.count() == 89_740
    landed = settings.SONGREC_DOWNLOAD_DIR / f"{makefile_pin()[:12]}-dataset.csv"
    assert sha256_of(landed) == makefile_pin() == sha256_of(served_dataset)
    assert [path.name for path in settings.SONGREC_DOWNLOAD_DIR.iterdir()] == [landed.name]


def test_a_wrong_pin_refuses_the_real_file_in_one_line_and_imports_nothing(served_dataset, file_server, settings,
                                                                            tmp_path):
    settings.SONGREC_DOWNLOAD_DIR = tmp_path / "downloads"
    url, wrong = f"{file_server}/dataset.csv", "0" * 64
    before = Track.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("import_tracks", url, "--sha256", wrong, "--no-progress")

    assert str(refused.value) == f"checksum mismatch for {url}: expected {wrong}, got {makefile_pin()}"
    assert Track.objects.count() == before
    assert not any(settings.SONGREC_DOWNLOAD_DIR.iterdir())
