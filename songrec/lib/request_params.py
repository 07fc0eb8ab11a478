"""The one parser for bounded whole numbers in request parameters, form fields and command options, every app's."""

from .errors import DomainError


class InvalidQuery(DomainError, ValueError):
    """A request parameter is malformed; ``field`` names it (the API answers 400 ``{field: [message]}``),
    ``message`` says what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def parse_int(raw, field, *, default=None, low=None, high=None):
    """``raw`` as an int within ``low``..``high`` (inclusive; None is unbounded); missing or empty → ``default``.

    Raises InvalidQuery("must be a whole number, got 'x'" / "must be between 1 and 50, got 60").
    """
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        raise InvalidQuery(field, f"must be a whole number, got {raw!r}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = (f"between {low} and {high}" if low is not None and high is not None
                  else f"at least {low}" if low is not None else f"at most {high}")
        raise InvalidQuery(field, f"must be {bounds}, got {value}")
    return value
