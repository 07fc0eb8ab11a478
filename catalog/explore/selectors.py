"""Reads for the explorer's page and API: the cached profile for a validated genre filter."""

from ..models import Genre
from .store import cached_profile


class UnknownGenre(ValueError):
    def __init__(self, genre):
        super().__init__(f"Unknown genre {genre!r}.")


def parse_genre(raw):
    """The ``?genre=`` filter: None for the whole catalog, else an existing genre name (UnknownGenre if not)."""
    genre = (raw or "").strip()
    if not genre:
        return None
    if len(genre) > 100 or not Genre.objects.filter(name=genre).exists():
        raise UnknownGenre(genre[:100])
    return genre


def profile_for(genre=None):
    """(profile dict or None, stale): see store.cached_profile."""
    return cached_profile(genre)


def genre_names():
    return list(Genre.objects.order_by("name").values_list("name", flat=True))
