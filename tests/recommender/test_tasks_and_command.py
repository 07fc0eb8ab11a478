import pytest
from django.core.management import CommandError, call_command

from recommender import selectors
from recommender.models import IndexVersion
from recommender.tasks import rebuild_index


def test_the_task_can_be_called_with_no_arguments_and_is_idempotent(catalog):
    first = rebuild_index.apply().get()
    assert first["status"] == "built" and first["active"] and first["tracks"] == 30
    again = rebuild_index.apply().get()
    assert again["status"] == "skipped" and "up to date" in again["reason"]
    assert IndexVersion.objects.count() == 1


def test_the_task_ignores_a_chained_parents_result_and_can_be_forced(catalog):
    rebuild_index.apply().get()
    result = rebuild_index.apply(args=({"crawled": 12},), kwargs={"force": True}).get()
    assert result["status"] == "built"
    assert IndexVersion.objects.count() == 2


def test_the_task_skips_while_another_rebuild_runs(catalog, live_builder):
    IndexVersion.objects.create(status="building")
    result = rebuild_index.apply(kwargs={"force": True}).get()
    assert result["status"] == "skipped" and "another rebuild is running" in result["reason"]


def test_the_task_refuses_an_empty_catalog_without_raising(db):
    assert rebuild_index.apply().get()["status"] == "refused"


def test_the_command_builds_shows_progress_and_a_summary(catalog, capsys):
    call_command("rebuild_index", "--k", "8", "--genre-weight", "1.5", "--feature-weight", "tempo=2")
    out, err = capsys.readouterr()
    version = selectors.active_version()
    assert f"Index version {version.pk} now active: 30 tracks, k=8" in out
    assert "genre precision@10 cosine" in out and "MLflow run" in out
    assert "100% done" in err  # off a terminal, one line per stage instead of a bar
    assert version.params["genre_weight"] == 1.5 and version.params["feature_weights"]["tempo"] == 2.0


def test_the_command_with_if_stale_does_nothing_when_up_to_date(catalog, capsys):
    call_command("rebuild_index", "--no-progress")
    call_command("rebuild_index", "--if-stale", "--no-progress")
    assert "Nothing to do: index version" in capsys.readouterr().out
    assert IndexVersion.objects.count() == 1


def test_the_command_can_leave_the_active_version_alone(catalog, capsys):
    call_command("rebuild_index", "--no-progress")
    active = selectors.active_version()
    call_command("rebuild_index", "--no-progress", "--no-activate")
    assert "ready (not activated)" in capsys.readouterr().out
    assert selectors.active_version() == active


@pytest.mark.parametrize("args, message", [
    (["--k", "0"], "k must be a whole number between 1 and 200"),
    (["--audio-weight", "-1"], "audio_weight must be a number"),
    (["--feature-weight", "sparkle=2"], "unknown audio feature(s) sparkle"),
])
def test_the_command_refuses_bad_parameters_with_one_line(catalog, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("rebuild_index", "--no-progress", *args)


def test_the_command_refuses_while_another_rebuild_runs(catalog, live_builder):
    running = IndexVersion.objects.create(status="building", stage="storing", progress=0.8)
    with pytest.raises(CommandError, match=f"another rebuild is running \\(index version {running.pk}"):
        call_command("rebuild_index", "--no-progress")


def test_the_command_refuses_an_empty_catalog(db):
    with pytest.raises(CommandError, match="fewer than 2 visible tracks"):
        call_command("rebuild_index", "--no-progress")
