"""A playlist's tracks as its page and API show them: in order, each song once, its other releases offered.

Songs fold as everywhere in the catalog (``catalog.songs``): the first release of a song in the playlist is its
row, later releases of the same song in the playlist are listed under it (``also_here``, the owner may remove
them), and the catalog's other visible releases not in the playlist are offered (``other_releases``). Hidden
tracks stay members (a playlist is the listener's judgement) but are not shown, as in every list. A 500-track
playlist takes four queries: the entries, their tracks with credits (``catalog.refs``), and the other releases.
"""

from dataclasses import dataclass, field

from catalog.models import Track
from catalog.refs import TrackRef, track_refs
from catalog.songs import songs_with_several_tracks

from .models import Playlist, PlaylistTrack

OTHER_RELEASES_SHOWN = 3


@dataclass
class SongRow:
    """One song of the playlist: its first release here, where that stands, and the song's other releases."""

    position: int
    track: TrackRef
    also_here: list = field(default_factory=list)  # (position, TrackRef): later releases of the song in the playlist
    other_releases: list = field(default_factory=list)  # TrackRefs of visible releases the playlist lacks


@dataclass
class PlaylistEntry:
    position: int
    track: TrackRef


def playlist_entries(playlist: Playlist) -> list[PlaylistEntry]:
    """The playlist's visible tracks in order, with their credits (two queries)."""
    pairs = list(PlaylistTrack.objects.filter(playlist_id=playlist.pk).order_by("position")
                 .values_list("position", "track_id"))
    refs = track_refs(track_id for _, track_id in pairs)
    return [PlaylistEntry(position, refs[track_id]) for position, track_id in pairs
            if track_id in refs and not refs[track_id].hidden]


def song_rows(playlist: Playlist) -> list[SongRow]:
    """The playlist's songs in order, each once, for its page."""
    rows: dict[str, SongRow] = {}
    for entry in playlist_entries(playlist):
        row = rows.get(entry.track.song)
        if row is None:
            rows[entry.track.song] = SongRow(entry.position, entry.track)
        else:
            row.also_here.append((entry.position, entry.track))
    _offer_other_releases(rows)
    return list(rows.values())


def _offer_other_releases(rows: dict[str, SongRow]) -> None:
    several = songs_with_several_tracks()
    keys = [row.track.song_key for row in rows.values() if row.track.song_key in several]
    if not keys:
        return
    members = {row.track.pk for row in rows.values()} | {ref.pk for row in rows.values() for _, ref in row.also_here}
    candidates = list(Track.objects.visible().filter(song_key__in=keys).exclude(pk__in=members)
                      .order_by("-popularity", "pk").values_list("pk", "song_key"))
    refs = track_refs(pk for pk, _ in candidates)
    for pk, key in candidates:
        row = rows[key]
        if len(row.other_releases) < OTHER_RELEASES_SHOWN and pk in refs:
            row.other_releases.append(refs[pk])
