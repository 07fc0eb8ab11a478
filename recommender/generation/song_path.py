"""Song path: tracks that move in even steps from one track to another through the index's feature space.

The path is a straight line between the two tracks' scaled vectors (the euclidean space of the index, ``weighted``),
cut into ``length - 1`` equal steps. Each point between the ends takes the track nearest to it (exact: one product of
every track with all the points) that is visible and of a song not on the path yet; the ends are the two tracks
themselves. Each step reports its euclidean distance from the previous track, beside the straight line's step.

Where the catalog is dense the path follows the line closely; between two distant genres, a point halfway has no
track of its own and takes the nearest one, so a step there may be longer than the straight one.
"""

from dataclasses import dataclass

import numpy as np

from catalog.refs import TrackRef, track_refs

from .. import storage
from ..errors import UnknownTrack
from ..ranking import best_visible, ranked_positions
from ..selectors import resolve_version
from .errors import GenerationError

MIN_LENGTH = 3
MAX_LENGTH = 100


@dataclass(frozen=True)
class PathStep:
    track: TrackRef
    distance: float  # euclidean distance from the previous step's track (0 for the first)


@dataclass(frozen=True)
class SongPath:
    version_id: int
    steps: list  # of PathStep, from the start track to the end track
    straight_step: float  # the line's length / (length - 1): what an ideal step would measure

    @property
    def total_distance(self) -> float:
        return sum(step.distance for step in self.steps)


def song_path(from_track_id: int, to_track_id: int, length: int, *, exclude_track_ids=()) -> SongPath:
    """``length`` tracks (MIN_LENGTH–MAX_LENGTH) from one track (pk) to the other, no song twice.

    Raises NoActiveIndex, UnknownTrack (an end not in the active version), GenerationError (same track or song,
    a length out of bounds). ``exclude_track_ids`` are never picked between the ends (nor their songs).
    """
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise GenerationError(f"A song path has {MIN_LENGTH} to {MAX_LENGTH} tracks, not {length}.", field="length")
    version = resolve_version()
    data = storage.version_data(version.pk)
    ends = data.positions([from_track_id, to_track_id])
    for track_id, position in zip((from_track_id, to_track_id), ends, strict=True):
        if position < 0:
            raise UnknownTrack(track_id, version.pk)
    end_refs = track_refs([from_track_id, to_track_id])
    start, end = end_refs[from_track_id], end_refs[to_track_id]
    if from_track_id == to_track_id or start.song == end.song:
        raise GenerationError("A song path needs two different songs: choose another end.", field="to")

    vectors = np.asarray(data.weighted[ends], dtype=np.float64)
    fractions = np.arange(1, length - 1, dtype=np.float64) / (length - 1)
    points = vectors[0] + fractions[:, None] * (vectors[1] - vectors[0])  # (length - 2) × dimensions
    # −‖x − p‖² up to each point's own ‖p‖², for every track x and point p, in one product.
    keys = 2.0 * np.asarray(data.weighted_split.dot(points.T.astype(np.float32)), dtype=np.float64) \
        - np.asarray(data.squared_norms, dtype=np.float64)[:, None]
    keys[ends, :] = -np.inf
    if len(exclude_track_ids):
        excluded = data.positions(list(exclude_track_ids))
        keys[excluded[excluded >= 0], :] = -np.inf
    skip = {start.song, end.song}
    if len(exclude_track_ids):
        skip |= {ref.song for ref in track_refs(list(exclude_track_ids)).values()}

    picked = _pick_nearest(data, keys, length, skip)
    positions = [int(ends[0]), *picked, int(ends[1])]
    chosen = np.asarray(data.weighted[positions], dtype=np.float64)
    distances = [0.0, *np.sqrt(((chosen[1:] - chosen[:-1]) ** 2).sum(axis=1)).tolist()]
    refs = track_refs([int(data.track_ids[p]) for p in positions])
    steps = [PathStep(refs[int(data.track_ids[p])], round(float(d), 6))
             for p, d in zip(positions, distances, strict=True)]
    straight = float(np.sqrt(((vectors[1] - vectors[0]) ** 2).sum())) / (length - 1)
    return SongPath(version.pk, steps, round(straight, 6))


def _pick_nearest(data, keys, length, skip):
    """For each point in order, the position of the nearest visible track of an unused song.

    Every point's best candidates are read in one query; a point whose candidates were all taken or hidden (rare:
    a song released many times near one point) widens its own search through ``best_visible``."""
    want = 2 * length + 16
    candidates = [ranked_positions(keys[:, j], want) for j in range(keys.shape[1])]
    refs = track_refs(data.track_ids[np.unique(np.concatenate(candidates))].tolist())
    used = set(skip)
    picked = []
    for j, positions in enumerate(candidates):
        choice = None
        for position in positions.tolist():
            ref = refs.get(int(data.track_ids[position]))
            if ref is not None and not ref.hidden and ref.song not in used:
                choice = position
                break
        if choice is None:
            key = keys[:, j].copy()
            key[picked] = -np.inf
            found = {}
            more, _ = best_visible(key, data.track_ids, 1, data.songs, skip_songs=used, refs=found)
            if not len(more):
                raise GenerationError("The index has too few tracks for a path this long: ask for fewer.",
                                      field="length")
            choice = int(more[0])
            refs.update(found)
        used.add(refs[int(data.track_ids[choice])].song)
        picked.append(choice)
    return picked
