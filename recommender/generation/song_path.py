"""Song path: tracks that move in even steps from one track to another through the index's feature space.

The path is a straight line between the two tracks' scaled vectors (the euclidean space of the index, ``weighted``),
cut into ``length - 1`` equal steps; the ends are the two tracks themselves. Each point between takes one of the
visible tracks nearest to it (exact: one product of every track with all the points) of a song not on the path yet,
choosing among its ``CANDIDATES`` nearest the one that also keeps the step from the previous pick near the line's
own step: the one minimising ‖x − point‖² + SMOOTHING · ‖x − (previous + step)‖². Without that pull, picks
scattered around the line zigzag between them (see docs/playlists.md for the figures on the real catalog).

Each step reports its euclidean distance from the previous track and its offset from its point on the line. On the
real catalog a step is typically several times the straight line's step: the line's points lie between genres and
in gaps of the 128-dimensional space, ~0.1–0.3 from the nearest track, while the line's step between two tracks
is ~0.05–0.1 for 20 tracks. By the triangle inequality a step is at most the straight step plus the two offsets.
"""

from dataclasses import dataclass

import numpy as np

from catalog.refs import TrackRef, track_refs
from songrec.lib.blas import one_blas_thread

from .. import storage
from ..errors import UnknownTrack
from ..ranking import ranked_positions
from ..selectors import resolve_version
from ..visible_rows import visible_rows
from .errors import GenerationError

MIN_LENGTH = 3
MAX_LENGTH = 100


CANDIDATES = 64  # nearest tracks of each point that the smoothing chooses among
SMOOTHING = 1.0


@dataclass(frozen=True)
class PathStep:
    track: TrackRef
    distance: float  # euclidean distance from the previous step's track (0 for the first)
    offset: float  # distance from its point on the straight line (0 at the ends)


@dataclass(frozen=True)
class SongPath:
    version_id: int
    steps: list  # of PathStep, from the start track to the end track
    straight_step: float  # the line's length / (length - 1): what a step on the line itself measures

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
    if from_track_id == to_track_id or end_refs[from_track_id].song == end_refs[to_track_id].song:
        raise GenerationError("A song path needs two different songs: choose another end.", field="to")

    vectors = np.asarray(data.weighted[ends], dtype=np.float64)
    fractions = np.arange(1, length - 1, dtype=np.float64) / (length - 1)
    points = vectors[0] + fractions[:, None] * (vectors[1] - vectors[0])  # (length - 2) × dimensions
    # −‖x − p‖² + ‖p‖² for every point p (rows) and track x (columns), in one product; in float32 and one row per
    # point, so each point's ranking reads contiguous memory. Hidden tracks and the ends are never picked.
    with one_blas_thread():
        keys = data.weighted_split.rows_dot(points)
    keys *= 2
    keys -= data.squared_norms
    banned = ~visible_rows(version.pk).mask
    banned[ends] = True
    if len(exclude_track_ids):
        excluded = data.positions(list(exclude_track_ids))
        banned[excluded[excluded >= 0]] = True
    keys[:, banned] = -np.inf
    skip_songs = {end_refs[from_track_id].song, end_refs[to_track_id].song}
    if len(exclude_track_ids):
        skip_songs |= {ref.song for ref in track_refs(list(exclude_track_ids)).values()}

    while True:
        picked = _smooth_picks(data, keys, vectors, {int(data.songs[p]) for p in ends})
        positions = [int(ends[0]), *picked, int(ends[1])]
        refs = track_refs([int(data.track_ids[p]) for p in positions])
        # The build folded songs as they were then; a crawl may have merged some since (catalog.songs).
        seen, again = set(skip_songs), []
        for position in picked:
            song = refs[int(data.track_ids[position])].song
            if song in seen:
                again.append(position)
            seen.add(song)
        if not again:
            break
        keys[:, again] = -np.inf

    chosen = np.asarray(data.weighted[positions], dtype=np.float64)
    distances = [0.0, *np.sqrt(((chosen[1:] - chosen[:-1]) ** 2).sum(axis=1)).tolist()]
    offsets = [0.0, *np.sqrt(((chosen[1:-1] - points) ** 2).sum(axis=1)).tolist(), 0.0]
    steps = [PathStep(refs[int(data.track_ids[p])], round(float(d), 6), round(float(o), 6))
             for p, d, o in zip(positions, distances, offsets, strict=True)]
    straight = float(np.sqrt(((vectors[1] - vectors[0]) ** 2).sum())) / (length - 1)
    return SongPath(version.pk, steps, round(straight, 6))


def _smooth_picks(data, keys, ends, used_songs):
    """For each point in order, the position of the candidate of an unused song that minimises its squared distance
    to the point plus SMOOTHING times that to the previous pick moved one straight step on (the start track first):
    where the catalog is dense that is the point itself, elsewhere it keeps each step near the line's step."""
    used = set(used_songs)
    previous = ends[0]
    step = (ends[1] - ends[0]) / (len(keys) + 1)
    picked = []
    for j in range(len(keys)):
        want = CANDIDATES
        while True:
            candidates = ranked_positions(keys[j], want)
            free = np.asarray([p for p in candidates.tolist() if int(data.songs[p]) not in used], dtype=np.int64)
            if len(free) or len(candidates) < want:
                break
            want *= 4
        if not len(free):
            raise GenerationError("The index has too few tracks for a path this long: ask for fewer.",
                                  field="length")
        rows = np.asarray(data.weighted[free], dtype=np.float64)
        score = keys[j, free].astype(np.float64) - SMOOTHING * ((rows - previous - step) ** 2).sum(axis=1)
        best = int(np.argmax(score))
        picked.append(int(free[best]))
        used.add(int(data.songs[free[best]]))
        previous = rows[best]
    return picked
