"""catalog/artist_names.py: artists named give or take a typo, comparing only names of a length that can match."""

import random
import string

from rapidfuzz import fuzz, process

from catalog.artist_names import CLOSE_NAME_SCORE, ArtistNames, _length_order, close_names


def names_of(bare_names):
    return ArtistNames([], bare_names, list(range(1000, 1000 + len(bare_names))), *_length_order(bare_names))


def full_scan(names, query, limit):
    found = process.extract(query, names.bare_names, scorer=fuzz.ratio, score_cutoff=CLOSE_NAME_SCORE,
                            limit=limit)
    return [(names.bare_ids[index], float(score)) for _, score, index in found]


def typo(name, rng):
    position = rng.randrange(len(name))
    return name[:position] + rng.choice(string.ascii_lowercase) + name[position + 1:]


def test_the_length_window_finds_exactly_what_comparing_every_name_finds():
    rng = random.Random(4)
    words = ["".join(rng.choice("abcdeilmnorstu") for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    words += ["beatles", "beatle", "beatles", "coldplay", "cold play", "adele", "adl", "metallica"]  # ties, near
    names = names_of(words)
    queries = ["beatels", "coldpaly", "adel", "metalica", "x" * 40] + [typo(rng.choice(words), rng) for _ in range(400)]
    for query in queries:
        for limit in (1, 10):
            assert close_names(names, query, limit) == full_scan(names, query, limit), query


def test_no_names_and_names_all_too_long_or_short_find_nothing():
    assert close_names(names_of([]), "beatles", 10) == []
    assert close_names(names_of(["a" * 60, "b"]), "beatles", 10) == []
