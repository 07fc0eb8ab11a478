"""What a server process loads before it forks: functions the apps register from their AppConfig.ready.

gunicorn's master (songrec/gunicorn_conf.py) calls ``warm_up()`` once the application is loaded, so the workers
it forks share what the functions loaded (the search index, the active index files) instead of each building its
own on its first request. Each function must be safe to call on a database that has nothing to warm.
"""

_warmers = []


def register_warmer(warmer):
    """Add ``warmer()`` to what ``warm_up`` runs, in registration order; registering twice is harmless."""
    if warmer not in _warmers:
        _warmers.append(warmer)


def warm_up() -> list[str]:
    """Run every registered warmer; what those that describe their work said (for the start-up log line)."""
    said = [warmer() for warmer in _warmers]
    return [text for text in said if isinstance(text, str) and text]
