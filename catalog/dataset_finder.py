"""Where the Spotify Tracks Dataset is on this machine: the one finder for `make run`, the tests and the benchmarks.

Standard library only, so the Makefile can ask before anything is installed: ``python3 -m catalog.dataset_finder``
prints the path (nothing when there is none).
"""

import os
from pathlib import Path

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
