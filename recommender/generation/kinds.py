"""The kinds of generated playlist: each turns its recipe's parameters into track ids, the same way every time.

A kind is registered here by name. Radio, more like this playlist and song path are built in; higher layers add
theirs from their ``AppConfig.ready()`` (For you from recommender.personal, a cluster from recommender.clusters),
so refreshing or extending a playlist of any kind goes through this one registry and never imports upwards.

``tracks(owner, params, length, exclude)`` returns up to ``length`` track ids, none of ``exclude`` (nor of their
songs), no song twice; ``params`` are the recipe's, JSON as stored; it raises a DomainError for bad parameters.
``extend`` (optional) does the same for "N more" when that differs from ``tracks`` with the playlist excluded.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from rest_framework import serializers

from catalog.models import Track
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_for_viewer, playlist_track_ids
from catalog.songs import song_keys
from songrec.lib.blas import one_blas_thread
from songrec.lib.request_params import InvalidQuery

from .. import storage
from ..blending import MAX_SEEDS, Constraints, recommend_for_seeds
from ..request_params import parse_constraints
from ..selectors import resolve_version
from ..systems import DEFAULT_SYSTEM
from . import seeds as seed_reads
from .errors import GenerationError
from .serializers import (
    ContinuationParamsSerializer,
    NoParamsSerializer,
    RadioParamsSerializer,
    SongPathParamsSerializer,
)
from .song_path import song_path

TrackIds = Callable[..., list[int]]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    tracks: TrackIds  # (owner, params, length, exclude) → track ids
    default_name: Callable[[dict], str]  # params → the playlist's name when none is given
    params_serializer: type[serializers.Serializer] = NoParamsSerializer  # what the API documents and checks
    extend: TrackIds | None = None

    def checked_params(self, params: dict) -> dict:
        """``params`` through the kind's serializer (as the recipe stores them); GenerationError naming the first
        field at fault."""
        serializer = self.params_serializer(data=params)
        if not serializer.is_valid():
            field, problem = next(iter(serializer.errors.items()))
            while isinstance(problem, dict):
                inner, problem = next(iter(problem.items()))
                field = f"{field}.{inner}"
            raise GenerationError(str(problem[0] if isinstance(problem, list) else problem), field=field)
        return _plain(serializer.validated_data)


def _plain(value):
    """validated_data as plain JSON values (OrderedDicts and tuples turned into dicts and lists)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    """Make ``kind`` available to generate, refresh and extend (a higher layer calls this in its ready())."""
    _kinds[kind.name] = kind


def kind_named(name: str) -> Kind:
    if name not in _kinds:
        raise GenerationError(f"Unknown kind {name!r}: one of {', '.join(sorted(_kinds))}.", field="kind")
    return _kinds[name]


def kind_names() -> list[str]:
    return sorted(_kinds)


def recommended_ids(seed_ids: list[int], length: int, *, constraints: Constraints | None = None,
                    avoid: Collection[int] = (), exclude: Collection[int] = ()) -> list[int]:
    """The default system's multi-seed list for ``seed_ids`` (sampled evenly to MAX_SEEDS): ``length`` visible
    tracks, one per song, none of the seeds, ``avoid`` or ``exclude``. Seeds not in the index are left out."""
    version = resolve_version()
    data = storage.version_data(version.pk)
    seed_ids = list(dict.fromkeys(seed_ids))
    positions = data.positions(seed_ids) if seed_ids else []
    indexed = [track_id for track_id, position in zip(seed_ids, positions, strict=True) if position >= 0]
    if not indexed:
        raise GenerationError("None of the seed tracks is in the recommendation index yet.", field="seeds")
    seeds = seed_reads.evenly_sampled(indexed, MAX_SEEDS)
    exclude = [*exclude, *(track_id for track_id in seed_ids if track_id not in set(seeds))]
    # The songs never to return, the seeds' and the excluded tracks', in one query.
    songs = set(song_keys([*seeds, *exclude]).values())
    with one_blas_thread():  # small products: see songrec.lib.blas
        result = recommend_for_seeds(DEFAULT_SYSTEM, seeds, length, constraints, version=version, refs={},
                                     seed_songs=songs, avoid_track_ids=list(avoid)[:MAX_SEEDS],
                                     exclude_track_ids=exclude)
    return [item.track_id for item in result.recommendations]


# --- radio ---------------------------------------------------------------------------------------------------------

def _radio_tracks(owner, params: dict, length: int, exclude: Collection[int]) -> list[int]:
    version = resolve_version()
    data = storage.version_data(version.pk)
    seed_ids = [*seed_reads.visible_track_ids(params.get("seed_tracks", [])),
                *seed_reads.artist_track_ids(params.get("seed_artists", []), data),
                *seed_reads.genre_track_ids(params.get("seed_genres", []), data)]
    if not seed_ids:
        raise GenerationError("A radio needs at least one seed track, artist or genre.", field="seed_tracks")
    avoid = seed_reads.visible_track_ids(params.get("avoid_tracks", []))
    avoided_artists = seed_reads.artists_tracks(params.get("avoid_artists", []))
    try:
        constraints = parse_constraints(params.get("features") or {})
    except InvalidQuery as error:
        raise GenerationError(error.message, field=f"features.{error.field}") from None
    return recommended_ids(seed_ids, length, constraints=constraints, avoid=avoid,
                           exclude=[*exclude, *avoided_artists])


def _radio_name(params: dict) -> str:
    first = params.get("seed_tracks") or []
    name = Track.objects.filter(spotify_id=first[0]).values_list("name", flat=True).first() if first else None
    if name is None:
        name = ", ".join([*params.get("seed_genres", [])][:2]) or "your seeds"
    return f"Radio: {name}"[:300]


# --- more like this playlist ----------------------------------------------------------------------------------------

def _continuation_tracks(owner, params: dict, length: int, exclude: Collection[int]) -> list[int]:
    source = playlist_for_viewer(owner, int(params["playlist"]))
    own = playlist_track_ids(source)
    if not own:
        raise GenerationError(f"The playlist {source.name!r} is empty: add tracks to it first.", field="playlist")
    return recommended_ids(own, length, exclude=[*exclude, *own])


def _continuation_name(params: dict) -> str:
    name = Playlist.objects.filter(pk=params.get("playlist")).values_list("name", flat=True).first() or "a playlist"
    return f"More like {name}"[:300]


# --- song path -------------------------------------------------------------------------------------------------------

def path_ends(params: dict) -> tuple[int, int]:
    start, end = seed_reads.visible_track_ids([params["from"]]), seed_reads.visible_track_ids([params["to"]])
    return start[0], end[0]


def _path_tracks(owner, params: dict, length: int, exclude: Collection[int]) -> list[int]:
    start, end = path_ends(params)
    return [step.track.id for step in song_path(start, end, length, exclude_track_ids=list(exclude)).steps]


def _path_extend(owner, params: dict, length: int, exclude: Collection[int]) -> list[int]:
    """A path ends at its end track: N more carry on from there, as a radio of that track would."""
    _, end = path_ends(params)
    return recommended_ids([end], length, exclude=exclude)


def _path_name(params: dict) -> str:
    names = dict(Track.objects.filter(spotify_id__in=[params.get("from"), params.get("to")])
                 .values_list("spotify_id", "name"))
    return f"From {names.get(params.get('from'), '?')} to {names.get(params.get('to'), '?')}"[:300]


register_kind(Kind("radio", "Radio", _radio_tracks, _radio_name, RadioParamsSerializer))
register_kind(Kind("continuation", "More like this playlist", _continuation_tracks, _continuation_name,
                   ContinuationParamsSerializer))
register_kind(Kind("song_path", "Song path", _path_tracks, _path_name, SongPathParamsSerializer, extend=_path_extend))
