"""A dataset URL is downloaded once, verified against its pinned sha256 and imported; anything else is refused."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Track
from tests.conftest import spotify_row


def test_a_url_is_downloaded_verified_and_imported(db, write_spotify_csv, file_server, settings):
    path = write_spotify_csv([spotify_row("u" * 22, name="Downloaded")], name="dataset.csv")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    call_command("import_tracks", f"{file_server}/dataset.csv", "--sha256", digest, "--no-progress")

    assert Track.objects.get().name == "Downloaded"
    assert (settings.SONGREC_DOWNLOAD_DIR / f"{digest[:12]}-dataset.csv").exists()


def test_a_checksum_mismatch_is_refused_and_nothing_is_imported(db, write_spotify_csv, file_server, settings):
    write_spotify_csv([spotify_row("u" * 22)], name="dataset.csv")

    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("import_tracks", f"{file_server}/dataset.csv", "--sha256", "0" * 64, "--no-progress")
    assert not Track.objects.exists()
    assert not any(settings.SONGREC_DOWNLOAD_DIR.iterdir())


def test_a_url_without_a_pinned_checksum_is_refused(db, file_server):
    with pytest.raises(CommandError, match="a URL needs a pinned checksum"):
        call_command("import_tracks", f"{file_server}/dataset.csv", "--no-progress")


def test_an_unreachable_url_fails_clearly(db):
    with pytest.raises(CommandError, match="could not download http://127.0.0.1:9/"):
        call_command("import_tracks", "http://127.0.0.1:9/dataset.csv", "--sha256", "a" * 64, "--no-progress")


def test_a_missing_remote_file_fails_clearly(db, file_server):
    with pytest.raises(CommandError, match="404"):
        call_command("import_tracks", f"{file_server}/absent.csv", "--sha256", "a" * 64, "--no-progress")
