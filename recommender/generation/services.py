"""Write generated playlists: make one from a kind and its parameters, refresh it, extend it.

Every generated playlist is a listener playlist (``create_listener_playlist``) whose ``recipe`` is
``{"kind", "params", "length"}``: refreshing runs the recipe again into the same playlist (``replace_playlist_tracks``),
extending appends N more of the same kind, none of the playlist's songs again. Each is one transaction: a refused
request changes nothing.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from catalog.playlists.models import MAX_PLAYLIST_TRACKS, Playlist
from catalog.playlists.selectors import owned_playlist, playlist_track_ids
from catalog.playlists.services import create_listener_playlist, replace_playlist_tracks

from .errors import GenerationError, NotGenerated
from .kinds import kind_named

DEFAULT_LENGTH = 50
MAX_LENGTH = 500


@dataclass
class Generated:
    playlist: Playlist
    track_ids: list  # the playlist's tracks after the operation, in order
    added: int  # tracks the operation put in


def check_length(length: int, field: str = "length") -> int:
    if not 1 <= int(length) <= MAX_LENGTH:
        raise GenerationError(f"A generated playlist has 1 to {MAX_LENGTH} tracks, not {length}.", field=field)
    return int(length)


@transaction.atomic
def generate_playlist(*, owner: User, kind: str, params: dict, length: int = DEFAULT_LENGTH, name: str = "",
                      visibility: str = Playlist.Visibility.PRIVATE) -> Generated:
    """A new playlist of ``owner``'s made by ``kind`` from ``params`` (see kinds.py), remembering its recipe."""
    generator = kind_named(kind)
    length = check_length(length)
    params = generator.checked_params(params)
    track_ids = generator.tracks(owner, params, length, ())
    if not track_ids:
        raise GenerationError("Nothing matches these settings: loosen the feature limits or add seeds.")
    recipe = {"kind": kind, "params": params, "length": length}
    playlist = create_listener_playlist(owner=owner, name=name.strip() or generator.default_name(params),
                                        visibility=visibility, track_ids=track_ids, recipe=recipe)
    return Generated(playlist, track_ids, len(track_ids))


def _recipe(playlist: Playlist) -> dict:
    recipe = playlist.recipe
    if not isinstance(recipe, dict) or "kind" not in recipe:
        raise NotGenerated()
    return recipe


@transaction.atomic
def refresh_playlist(*, owner: User, playlist_id: int) -> Generated:
    """Run the owner's generated playlist's recipe again into it (same id; a hand-made one is refused)."""
    playlist = owned_playlist(owner, playlist_id)
    recipe = _recipe(playlist)
    track_ids = kind_named(recipe["kind"]).tracks(owner, recipe.get("params", {}), recipe["length"], ())
    replace_playlist_tracks(playlist, track_ids)
    return Generated(playlist, track_ids, len(track_ids))


@transaction.atomic
def extend_playlist(*, owner: User, playlist_id: int, count: int) -> Generated:
    """Append ``count`` more tracks of the playlist's kind, none of a song it already holds."""
    playlist = owned_playlist(owner, playlist_id)
    recipe = _recipe(playlist)
    count = check_length(count, "count")
    current = playlist_track_ids(playlist)
    if len(current) + count > MAX_PLAYLIST_TRACKS:
        raise GenerationError(f"A playlist holds at most {MAX_PLAYLIST_TRACKS:,} tracks; this one has "
                              f"{len(current):,}.", field="count")
    generator = kind_named(recipe["kind"])
    more = (generator.extend or generator.tracks)(owner, recipe.get("params", {}), count, current)
    replace_playlist_tracks(playlist, [*current, *more])
    return Generated(playlist, [*current, *more], len(more))
