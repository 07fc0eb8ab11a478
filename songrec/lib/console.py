"""For management commands: progress bars (a live bar on a terminal, nothing but the summary in a log), and a
SIGTERM that stops a long command as Ctrl-C does."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm


def terminal_stream(stream):
    """The raw stream under Django's OutputWrapper, which would add a newline to each of tqdm's redraws."""
    return getattr(stream, "_out", stream)


def is_terminal(stream):
    raw = terminal_stream(stream)
    return bool(getattr(raw, "isatty", None) and raw.isatty())


def progress_bar(stream, *, disable=False, **options):
    """A tqdm bar on ``stream`` (a command's ``self.stderr``), disabled when it isn't a terminal.

    On a terminal the bar redraws itself in place; a log file would get every redraw glued into one
    very long line, so there it stays quiet and the command's one-line summary says what happened.
    """
    return tqdm(file=terminal_stream(stream), disable=disable or not is_terminal(stream), **options)


def _interrupt(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM (the group's and make's) can't cut the clean-up
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, a SIGTERM raises KeyboardInterrupt in the main thread (elsewhere: nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class StopsOnSigterm:
    """Mixed into a management command: a SIGTERM stops it as Ctrl-C does, so its own clean-up runs (a rebuild
    marks its version failed and removes what it wrote). `make run` stops its background build so."""

    def execute(self, *args, **options):
        with sigterm_as_interrupt():
            return super().execute(*args, **options)  # type: ignore[misc]
