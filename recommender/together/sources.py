"""What the together model learns from: every playlist (each a row), and listeners' signals other apps register.

Playlists come from ``catalog.playlists`` whatever their source (the curated dataset, the crawl, listeners' own).
The listeners' side (likes, plays, evaluators' ratings) sits above the recommender, so it registers a source here
from its AppConfig.ready (``register_row_source``): a callable returning {(user id, track id): weight > 0}.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from catalog.models import TrackArtist
from catalog.playlists.selectors import playlist_memberships

from .fitting import Credits

PLAYLIST, LISTENER = "playlist", "listener"
_row_sources = []
_playlist_filters = []


def register_row_source(source):
    """Add a callable returning {(user id, track id): weight}; registering twice is harmless."""
    if source not in _row_sources:
        _row_sources.append(source)


def register_playlist_filter(playlist_ids_to_leave_out):
    """Add a callable returning ids of playlists the model must not learn from; registering twice is harmless."""
    if playlist_ids_to_leave_out not in _playlist_filters:
        _playlist_filters.append(playlist_ids_to_leave_out)


def playlists_left_out():
    """Ids of the playlists the registered filters keep out of training."""
    return {playlist_id for source in _playlist_filters for playlist_id in source()}


@dataclass
class Rows:
    """Rows of the model's matrix: {(kind, id): {track id: weight}}, kind PLAYLIST or LISTENER."""

    tracks: dict = field(default_factory=lambda: defaultdict(dict))

    def add(self, kind, row_id, track_id, weight=1.0):
        if weight > 0:
            row = self.tracks[(kind, int(row_id))]
            row[int(track_id)] = row.get(int(track_id), 0.0) + float(weight)

    def count(self, kind):
        return sum(1 for row_kind, _ in self.tracks if row_kind == kind)

    def __len__(self):
        return len(self.tracks)


def playlist_rows(rows=None, exclude=None):
    """Every playlist's tracks as a row of weight 1 each. ``exclude`` ({playlist id: track ids}) leaves tracks out
    of a playlist's row: the benchmark hides a test playlist's held-out songs this way, before any training."""
    rows = rows if rows is not None else Rows()
    exclude = exclude or {}
    opted_out = playlists_left_out()
    for playlist_id, track_ids in playlist_memberships().items():
        if playlist_id in opted_out:
            continue
        left_out = exclude.get(playlist_id, ())
        for track_id in track_ids:
            if track_id not in left_out:
                rows.add(PLAYLIST, playlist_id, track_id)
    return rows


def training_rows():
    """Rows of every playlist and of every listener the registered sources know."""
    rows = playlist_rows()
    for source in _row_sources:
        for (user_id, track_id), weight in source().items():
            rows.add(LISTENER, user_id, track_id, weight)
    return rows


def artist_credits() -> Credits:
    """Every (track, artist) credit of the catalog's visible tracks: the model's artist level."""
    pairs = np.array(TrackArtist.objects.filter(track__hidden=False).values_list("track_id", "artist_id"),
                     dtype=np.int64).reshape(-1, 2)
    return Credits(pairs[:, 0], pairs[:, 1])
