"""The errors of playlist generation; each carries its HTTP status and says what to change."""

from songrec.lib.errors import DomainError, NotFoundError


class GenerationError(DomainError):
    """A generation request that cannot be carried out as asked (400 unless a subclass says otherwise)."""


class UnknownSeed(GenerationError, NotFoundError):
    """A seed, an end of a song path or a track to avoid that the catalog doesn't have or hides (404)."""


class NotGenerated(GenerationError):
    """Refresh or extend asked of a playlist that has no recipe (made by hand, imported)."""

    default_message = ("This playlist was not generated, so it has no recipe to refresh or extend: "
                       "generate a new one instead.")
