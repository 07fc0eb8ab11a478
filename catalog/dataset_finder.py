"""Where the Spotify Tracks Dataset is on this machine, and its columns: the one finder and the one column list
for `make run`, the importer, the tests and the benchmarks.

Standard library only, so the Makefile can ask before anything is installed: ``python3 -m catalog.dataset_finder``
prints the path (nothing when there is none).
"""

import os
from pathlib import Path

# The twelve Spotify audio features, in the order the dataset lists them (catalog.models.AUDIO_FEATURES).
SPOTIFY_AUDIO_FEATURES = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                          "instrumentalness", "liveness", "valence", "tempo", "time_signature")
# The Spotify Tracks Dataset's header in file order; the first column, unnamed, numbers the rows.
SPOTIFY_TRACKS_COLUMNS = ("", "track_id", "artists", "album_name", "track_name", "popularity", "duration_ms",
                          "explicit", *SPOTIFY_AUDIO_FEATURES, "track_genre")

# ../shared/data beside the checkout.
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def find_dataset(data_dir=SHARED_DATA):
    """``$SONGREC_DATASET`` when it names a file, else the first CSV under ``data_dir`` (plain before gzipped,
    then in path order), else None."""
    override = os.environ.get("SONGREC_DATASET")
    if override and Path(override).exists():
        return Path(override)
    if Path(data_dir).is_dir():
        for pattern in ("*.csv", "*.csv.gz"):
            found = sorted(Path(data_dir).rglob(pattern))
            if found:
                return found[0]
    return None


if __name__ == "__main__":
    path = find_dataset()
    if path is not None:
        print(path)
