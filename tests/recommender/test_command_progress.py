"""rebuild_index's progress: a bar on a terminal, one line per stage in a log, nothing when there is nothing to do."""

from io import StringIO

from django.core.management import call_command

from tests.songrec.lib.test_console import Terminal


def test_in_a_log_each_stage_is_one_line(catalog):
    out, err = StringIO(), StringIO()
    call_command("rebuild_index", stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue()
    assert lines[0].endswith("% reading the catalog") and lines[-1] == "100% done"
    assert len(lines) == len(set(lines)) <= 9  # the stages, each once
    assert "now active" in out.getvalue()


def test_on_a_terminal_it_is_a_bar(catalog):
    err = Terminal()
    call_command("rebuild_index", stdout=StringIO(), stderr=err)
    assert "\r" in err.getvalue() and "100%" in err.getvalue()


def test_if_stale_with_nothing_to_do_prints_no_empty_bar(catalog):
    call_command("rebuild_index", "--no-progress", stdout=StringIO())
    out, err = StringIO(), Terminal()
    call_command("rebuild_index", "--if-stale", stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert out.getvalue().startswith("Nothing to do: index version")
