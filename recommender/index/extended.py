"""Extended neighbour lists: more than k neighbours per track, kept beside a version's vectors for updates.

A version's ``extended_<metric>.npy`` (track ids, n × width, −1 padded; int32 while every id fits, which halves
what an update writes and reads, int64 otherwise and in versions written before) holds each track's best
neighbours as an exact *prefix*, and ``extended_<metric>_scores.npy`` (float32) their scores: every track
missing from a row's list ranks behind the row's last entry (ties broken by lower track id), unless the list
already holds every other track. Incremental updates rely on that invariant: taking out hidden tracks leaves
a shorter exact prefix, new tracks are merged in by exact key, and a row whose prefix no longer yields k
distinct songs is recomputed against every track.
"""

import os
from pathlib import Path

import numpy as np

from .topk import METRICS, Neighbors, candidates_for


def extended_width(k: int) -> int:
    """Neighbours kept per track: enough that k distinct songs remain once releases are folded (``candidates_for``),
    which also leaves room for hiding a few tracks before a row has to be recomputed."""
    return candidates_for(k)


def file_name(metric: str, scores: bool = False) -> str:
    return f"extended_{metric}_scores.npy" if scores else f"extended_{metric}.npy"


def write_extended_lists(directory: Path, track_ids: np.ndarray, neighbors: dict[str, Neighbors]) -> None:
    """Save {metric: Neighbors} (positions into ``track_ids``, −1 = none) as track-id lists, atomically."""
    directory = Path(directory)
    track_ids = np.asarray(track_ids, dtype=np.int64)
    narrow = track_ids.max(initial=0) <= np.iinfo(np.int32).max
    ids_or_none = np.append(track_ids, -1).astype(np.int32 if narrow else np.int64)  # position −1 reads the −1
    for metric, result in neighbors.items():
        ids = ids_or_none[result.indices]
        for scores, values in ((False, ids), (True, np.asarray(result.scores, dtype=np.float32))):
            temporary = directory / f".{file_name(metric, scores)}.tmp.npy"
            np.save(temporary, values)
            os.replace(temporary, directory / file_name(metric, scores))


def read_extended_lists(directory: Path) -> dict[str, tuple[np.ndarray, np.ndarray]] | None:
    """{metric: (track-id lists, int32 or int64; float32 scores)} of a version, memory-mapped read-only, or None
    when it was built without them."""
    directory = Path(directory)
    names = [file_name(metric, scores) for metric in METRICS for scores in (False, True)]
    if not all((directory / name).is_file() for name in names):
        return None
    return {metric: (np.load(directory / file_name(metric), mmap_mode="r"),
                     np.load(directory / file_name(metric, True), mmap_mode="r")) for metric in METRICS}
