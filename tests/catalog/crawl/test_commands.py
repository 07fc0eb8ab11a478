"""`manage.py crawl_spotify` and `manage.py setup_schedule`, and the Beat entry migration 0003 creates."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from catalog.crawl.models import CrawlCursor, CrawlRun
from catalog.crawl.schedule import NIGHTLY_TASK, SCHEDULE_NAME
from catalog.models import Track
from tests.songrec.lib.test_console import Terminal

pytestmark = pytest.mark.django_db


def crawl(*args, err=None):
    out, err = io.StringIO(), err or io.StringIO()
    call_command("crawl_spotify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_without_credentials_the_command_stops_with_one_clear_line(settings):
    settings.SPOTIFY_CLIENT_ID = ""
    with pytest.raises(CommandError) as stopped:
        crawl()
    assert str(stopped.value) == ("Spotify crawling is not configured: set SPOTIFY_CLIENT_ID and "
                                  "SPOTIFY_CLIENT_SECRET.")
    assert not CrawlRun.objects.exists()


def test_the_command_crawls_with_a_progress_bar_and_a_summary(crawl_settings, world):
    out, err = crawl("--query", "genre:synthpop", err=Terminal())
    assert out.startswith("Crawl #") and " succeeded in " in out
    assert "3 albums, 6 new and 0 refreshed tracks, 6 given features (0 still without)" in out
    assert "3/200" in err and "tracks=6" in err  # the tqdm bar, on stderr (only on a terminal)
    assert Track.objects.count() == 6


def test_progress_can_be_hidden_and_errors_are_listed(crawl_settings, world):
    out, err = crawl("--playlist", "nope", "--no-progress")
    assert err == "skipped: playlist 'nope': not a Spotify id, skipped\n"
    assert "1 errors." in out


def test_a_run_stopped_early_says_why_and_exits_zero(crawl_settings, fake_spotify, world):
    fake_spotify.fail("/v1/artists/*", 429, headers={"Retry-After": "9999"})
    out, _ = crawl("--query", "genre:jazz", "--no-progress")
    assert " partial in " in out and "Stopped early: Spotify rate limit" in out


def test_a_failed_run_exits_non_zero_with_its_reason(crawl_settings):
    crawl_settings.SPOTIFY_CLIENT_SECRET = "wrong"
    with pytest.raises(CommandError, match=r"crawl #\d+ failed: Spotify rejected the client credentials"):
        crawl("--query", "x", "--no-progress")


def test_limits_must_be_positive(crawl_settings):
    with pytest.raises(CommandError, match="--max-albums must be at least 1"):
        crawl("--max-albums", "0")


def test_reset_cursor_empties_the_queues(crawl_settings):
    CrawlCursor.objects.create(pk=1, state={"albums": ["x" * 22], "artists": []})
    out, _ = crawl("--reset-cursor", "--query", "nothing-matches", "--no-progress")
    assert "Cursor reset" in out
    assert CrawlCursor.load().state["albums"] == []


def test_migration_creates_the_nightly_schedule_entry():
    task = PeriodicTask.objects.get(name=SCHEDULE_NAME)
    assert task.task == NIGHTLY_TASK and task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "3", "*")


def test_setup_schedule_keeps_an_admins_edit_unless_asked_to_move_it(settings):
    task = PeriodicTask.objects.get(name=SCHEDULE_NAME)
    task.enabled = False
    task.save()
    out = io.StringIO()
    call_command("setup_schedule", stdout=out)
    assert "Kept 'Nightly Spotify crawl': 30 3 * * * (UTC), disabled" in out.getvalue()

    call_command("setup_schedule", "--cron", "0 4 * * 1-5", "--enable", stdout=out)
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week, task.enabled) == ("0", "4", "1-5", True)


def test_setup_schedule_recreates_a_deleted_entry():
    PeriodicTask.objects.filter(name=SCHEDULE_NAME).delete()
    out = io.StringIO()
    call_command("setup_schedule", stdout=out)
    assert out.getvalue().startswith("Created 'Nightly Spotify crawl'")
    assert PeriodicTask.objects.filter(name=SCHEDULE_NAME, task=NIGHTLY_TASK).count() == 1


@pytest.mark.parametrize("args, message", [
    (["--cron", "30 3 * *"], "needs 5 fields"),
    (["--cron", "61 3 * * *"], "invalid cron schedule"),
    (["--cron", "@daily * * * *"], "unsupported cron field"),
    (["--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
])
def test_setup_schedule_rejects_bad_input_with_a_reason(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("setup_schedule", *args, stdout=io.StringIO())
