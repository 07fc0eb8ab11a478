"""Reads for the explorer's page and API: the cached profile for a validated genre filter."""

from django.core.cache import cache

from songrec.lib.errors import DomainError, UnavailableError

from ..models import CatalogRevision, Genre
from .store import latest_key, profile_key
from .tasks import request_profile


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


def cached_profile(genre: str | None = None) -> tuple[dict | None, bool]:
    """(profile, stale): the current revision's profile, else the latest one computed (stale=True), else None.

    A miss queues the computation (once per revision).
    """
    revision = CatalogRevision.current()
    profile = cache.get(profile_key(revision, genre))
    if profile is not None:
        return profile, False
    request_profile(revision)
    return cache.get(latest_key(genre)), True


def genre_names() -> list[str]:
    return list(Genre.objects.order_by("name").values_list("name", flat=True))
