"""Artists by name, for search: the names case-folded and sorted once per process, looked up by bisection, and
compared whole with a typo allowed (``artist_ids_close_to``).

A search names its artists on every keystroke; scanning 30k names in the database for a case-insensitive prefix
cost ~0.1 s, the lookup here microseconds, a typo-tolerant comparison with all 30k names 1–20 ms. Read again after
any catalog write commits (the catalog revision's token, songrec.lib.process_cache), trusted for 5 minutes without
one.
"""

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from songrec.lib.process_cache import ProcessCachedRead

from .models import REVISION_TOKEN_KEY, Artist
from .songs import normalise_text

# A typo'd name matches from this similarity (fuzz.ratio, 0–100) up. On the real catalog "beatels" → The Beatles
# scores 85.7 (a swapped pair of letters costs two edits), "coldpaly" → Coldplay 87.5, while the nearest wrong
# names of such queries ("adel" → ADL, "metalica" → Melicia) stay at or below 85.7 and 80.
CLOSE_NAME_SCORE = 85
# Shorter names are too alike for a typo to be told from another artist ("bts" ~ "bt").
CLOSE_NAME_MIN_LENGTH = 4


@dataclass(frozen=True)
class ArtistNames:
    sorted_names: list  # (folded name, pk), sorted: bisection for exact names and prefixes
    bare_names: list  # folded names without a leading "the ", for the typo-tolerant comparison
    bare_ids: list  # the artist of each bare name
    by_length: list  # positions in bare_names, shortest name first (ties in position order)
    length_names: list  # bare_names in that order: a window of lengths is one slice
    lengths: list  # the length of each of length_names (ascending: bisected for the window)


def _length_order(bare_names: list) -> tuple[list, list, list]:
    by_length = sorted(range(len(bare_names)), key=lambda position: (len(bare_names[position]), position))
    length_names = [bare_names[position] for position in by_length]
    return by_length, length_names, [len(name) for name in length_names]


def _without_the(folded: str) -> str:
    return folded[4:] if folded.startswith("the ") else folded


def _read_names():
    names = sorted((normalise_text(name), pk) for pk, name in Artist.objects.values_list("pk", "name"))
    bare_names = [_without_the(name) for name, _ in names]
    return ArtistNames(names, bare_names, [pk for _, pk in names], *_length_order(bare_names))


_names = ProcessCachedRead(REVISION_TOKEN_KEY, _read_names, max_age=300)


def artist_ids_named(text: str, prefix: bool, limit: int = 50) -> list:
    """Ids of artists named ``text`` or "the ``text``" (case- and width-folded), and with ``prefix`` also those
    whose name starts with it: exact names first."""
    folded = normalise_text(text)
    names = _names.get().sorted_names
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


def artist_ids_close_to(text: str, limit: int = 10) -> list[tuple[int, float]]:
    """``(artist id, similarity 0–100)`` of artists whose whole name is ``text`` give or take a typo ("beatels",
    "the beatels" → The Beatles), a leading "the" ignored on both sides; the closest first."""
    bare = _without_the(normalise_text(text))
    if len(bare) < CLOSE_NAME_MIN_LENGTH:
        return []
    return close_names(_names.get(), bare, limit)


def close_names(names: ArtistNames, bare: str, limit: int) -> list[tuple[int, float]]:
    """``artist_ids_close_to`` over ``names``: only names of a length that can reach the score are compared.

    fuzz.ratio is 100 · (1 − d / (m + n)) for names of m and n characters, and their edit distance d (insertions
    and deletions) is at least |m − n|; so a score of s or more needs n within m · (1 ∓ a) / (1 ± a), a = 1 − s/100.
    On the real catalog that leaves about a third of the 30k names (bench_load's searches: 1.07 → 0.31 ms). The
    window is widened by a character each side against rounding; matches come best first, ties in name order, as a
    full scan gives.
    """
    share = 1 - CLOSE_NAME_SCORE / 100
    shortest = max(0, math.floor(len(bare) * (1 - share) / (1 + share)) - 1)
    longest = math.ceil(len(bare) * (1 + share) / (1 - share)) + 1
    first, end = bisect_left(names.lengths, shortest), bisect_right(names.lengths, longest)
    found = process.extract(bare, names.length_names[first:end], scorer=fuzz.ratio, score_cutoff=CLOSE_NAME_SCORE,
                            limit=None)
    best = sorted((-score, names.by_length[first + index]) for _, score, index in found)[:limit]
    return [(names.bare_ids[position], -negative) for negative, position in best]


def warm_artist_names():
    _names.get()
