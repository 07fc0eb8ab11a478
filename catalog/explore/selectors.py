"""Reads for the explorer's page and API: the cached profile for a validated genre filter."""

from songrec.lib.errors import DomainError, UnavailableError

from ..models import Genre
from .store import cached_profile


class UnknownGenre(DomainError, ValueError):
    field = "genre"

    def __init__(self, genre: str) -> None:
        super().__init__(f"Unknown genre {genre!r}.")


class ProfileNotReady(UnavailableError):
    """No profile is computed for this catalog revision yet (one has been queued)."""

    default_message = "The catalog profile is being computed; try again in a minute."


def parse_genre(raw: str | None) -> str | None:
    """The ``?genre=`` filter: None for the whole catalog, else an existing genre name (UnknownGenre if not)."""
    genre = (raw or "").strip()
    if not genre:
        return None
    if len(genre) > 100 or not Genre.objects.filter(name=genre).exists():
        raise UnknownGenre(genre[:100])
    return genre


def profile_for(genre: str | None = None) -> tuple[dict | None, bool]:
    """(profile dict or None, stale): see store.cached_profile."""
    return cached_profile(genre)


def genre_names() -> list[str]:
    return list(Genre.objects.order_by("name").values_list("name", flat=True))
