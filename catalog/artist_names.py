"""Artists by name, for search: the names case-folded and sorted once per process, looked up by bisection.

A search names its artists on every keystroke; scanning 30k names in the database for a case-insensitive prefix
cost ~0.1 s, the lookup here microseconds. Read again after any catalog write commits (the catalog revision's
token, songrec.lib.process_cache), trusted for 5 minutes without one.
"""

from bisect import bisect_left

from songrec.lib.process_cache import ProcessCachedRead

from .models import REVISION_TOKEN_KEY, Artist
from .songs import normalise_text


def _read_names():
    return sorted((normalise_text(name), pk) for pk, name in Artist.objects.values_list("pk", "name"))


_names = ProcessCachedRead(REVISION_TOKEN_KEY, _read_names, max_age=300)


def artist_ids_named(text: str, prefix: bool, limit: int = 50) -> list:
    """Ids of artists named ``text`` or "the ``text``" (case- and width-folded), and with ``prefix`` also those
    whose name starts with it: exact names first."""
    folded = normalise_text(text)
    names = _names.get()
    exact, starting = [], []
    for wanted in (folded, f"the {folded}"):
        position = bisect_left(names, (wanted, -1))
        while position < len(names) and names[position][0] == wanted:
            exact.append(names[position][1])
            position += 1
    if prefix:
        position = bisect_left(names, (folded, -1))
        while position < len(names) and names[position][0].startswith(folded) and len(starting) < limit:
            if names[position][0] != folded:
                starting.append(names[position][1])
            position += 1
    return (exact + starting)[:limit]


def warm_artist_names():
    _names.get()
