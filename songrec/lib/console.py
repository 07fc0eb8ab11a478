"""Progress bars for management commands: a live bar on a terminal, nothing but the summary in a log."""

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
