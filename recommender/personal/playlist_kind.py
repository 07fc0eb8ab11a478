"""For you as a kind of generated playlist (registered with recommender.generation): the listener's For you list
at the time of generating, refreshed with their taste as it is then."""

from collections.abc import Collection

from catalog.songs import song_keys
from recommender.generation.kinds import Kind

from .foryou import for_you

DEFAULT_NAME = "For you"


def for_you_tracks(owner, params: dict, length: int, exclude: Collection[int]) -> list[int]:
    """Up to ``length`` of the listener's For you, none of ``exclude`` nor of its songs."""
    skip_songs = set(song_keys(exclude).values()) if exclude else set()
    personal = for_you(owner, limit=length + len(exclude))
    return [item.track.id for item in personal.items
            if item.track.id not in set(exclude) and item.track.song not in skip_songs][:length]


FOR_YOU_KIND = Kind("for_you", "For you", for_you_tracks, lambda params: DEFAULT_NAME)
