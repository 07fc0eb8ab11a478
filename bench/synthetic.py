"""Write a synthetic CSV in the Spotify Tracks Dataset layout, sized like the real one.

Used by the benchmarks when no real dataset path is given. 114,000 rows over 114 genres, with about a fifth of
the track ids repeated under another genre (as in the real dataset), multi-artist credits, and some Hangul names.
"""

import argparse
import csv
import random
import string
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for catalog.dataset_finder
from catalog.dataset_finder import SPOTIFY_TRACKS_COLUMNS as COLUMNS  # noqa: E402
from catalog.dataset_finder import find_dataset  # noqa: E402

SYLLABLES = ("la", "mi", "ko", "ra", "shi", "no", "ve", "ta", "lu", "an", "der", "son", "bel", "ky", "mo", "ri",
             "sa", "ne", "tro", "qui")
HANGUL = ("사랑", "밤", "하늘", "별", "너", "우리", "바다", "꿈", "노래", "봄")
WORDS = ("love", "night", "heart", "fire", "dream", "light", "summer", "rain", "blue", "home", "dance", "time",
         "river", "gold", "wild", "moon", "city", "road", "baby", "forever")


def _name(rng, korean_share=0.05):
    if rng.random() < korean_share:
        return "".join(rng.choice(HANGUL) for _ in range(rng.randint(1, 3)))
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _title(rng):
    if rng.random() < 0.05:
        return " ".join(rng.choice(HANGUL) for _ in range(rng.randint(1, 3)))
    return " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 4)))


def write(path, rows=114_000, genres=114, seed=42):
    rng = random.Random(seed)
    genre_names = [f"genre-{i:03d}" for i in range(genres)]
    artists = [f"{_name(rng)} {_name(rng)}" for _ in range(max(10, rows // 3))]
    unique = int(rows * 0.79)
    tracks = []
    for _ in range(unique):
        genre = rng.randrange(genres)
        credited = ";".join(rng.sample(artists, rng.choice((1, 1, 1, 2, 3))))
        tracks.append({
            "track_id": "".join(rng.choices(string.ascii_letters + string.digits, k=22)),
            "artists": credited, "album_name": _title(rng), "track_name": _title(rng),
            "popularity": rng.randint(0, 100), "duration_ms": rng.randint(60_000, 420_000),
            "explicit": rng.random() < 0.1,
            # Features drift with the genre so similar-genre tracks really are closer.
            "danceability": round(min(1, max(0, rng.gauss(0.3 + 0.5 * genre / genres, 0.15))), 3),
            "energy": round(min(1, max(0, rng.gauss(0.8 - 0.5 * genre / genres, 0.15))), 3),
            "key": rng.randint(-1, 11), "loudness": round(rng.uniform(-30, 0), 3), "mode": rng.randint(0, 1),
            "speechiness": round(rng.random() * 0.5, 4), "acousticness": round(rng.random(), 4),
            "instrumentalness": round(rng.random() ** 3, 4), "liveness": round(rng.random() * 0.6, 4),
            "valence": round(rng.random(), 3), "tempo": round(rng.uniform(60, 200), 3),
            "time_signature": rng.choice((3, 4, 4, 4, 5)), "track_genre": genre_names[genre],
        })
    rows_out = list(tracks)
    while len(rows_out) < rows:
        duplicate = dict(rng.choice(tracks))
        duplicate["track_genre"] = rng.choice(genre_names)
        rows_out.append(duplicate)
    rng.shuffle(rows_out)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, row in enumerate(rows_out):
            writer.writerow([index, *[row[column] for column in COLUMNS[1:]]])
    return path


CACHED = Path(tempfile.gettempdir()) / "songrec-synthetic-114k.csv"


def dataset_path(given=None):
    """The CSV a benchmark should use: the one given, else the real dataset in ../shared/data, else a
    synthetic one of the same size (written once to the temp folder; the fixed seed makes it the same file)."""
    if given:
        return Path(given)
    found = find_dataset()
    if found is not None:
        return found
    return CACHED if CACHED.exists() else write(CACHED)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, default=114_000)
    parser.add_argument("--genres", type=int, default=114)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    print(write(options.path, options.rows, options.genres, options.seed))
