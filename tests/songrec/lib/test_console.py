"""Progress bars of the management commands: drawn in place on a terminal, absent from logs."""

from io import StringIO

from django.core.management.base import OutputWrapper

from songrec.lib.console import progress_bar


class Terminal(StringIO):
    def isatty(self):
        return True


def draw(stream, steps=3):
    with progress_bar(stream, total=steps, unit="seed", mininterval=0) as bar:
        for _ in range(steps):
            bar.update(1)


def test_on_a_terminal_the_bar_redraws_in_place_and_ends_on_one_line():
    terminal = Terminal()
    draw(OutputWrapper(terminal))  # what a command's self.stderr is
    output = terminal.getvalue()
    assert "\r" in output and "3/3" in output
    # Django's OutputWrapper would end every redraw with a newline, printing the last state twice.
    assert output.count("\n") == 1 and output.endswith("\n")


def test_in_a_log_there_is_no_bar_at_all():
    log = StringIO()
    draw(OutputWrapper(log))
    assert log.getvalue() == ""


def test_no_progress_turns_it_off_on_a_terminal_too():
    terminal = Terminal()
    with progress_bar(OutputWrapper(terminal), total=2, disable=True) as bar:
        bar.update(2)
    assert terminal.getvalue() == ""
