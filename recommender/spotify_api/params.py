"""Request parameters as Spotify takes them: ids (22 base-62 characters, at most 50 or 100), limit and offset."""

from songrec.lib.request_params import parse_int

from .errors import BadRequest, InvalidId
from .ids import is_spotify_id


def check_id(value: str) -> str:
    if not is_spotify_id(value):
        raise InvalidId()
    return value


def parse_ids(raw: str | None, maximum: int, field: str = "ids") -> list[str]:
    """Comma-separated ids in the order given (repeats kept, as Spotify answers them); 400 when missing, too many
    ("Too many ids requested", Spotify's message) or not ids ("invalid id")."""
    if raw is None or not raw.strip():
        raise BadRequest(f"{field}: give 1 to {maximum} comma-separated ids")
    ids = [part.strip() for part in raw.split(",")]
    if len(ids) > maximum:
        raise BadRequest("Too many ids requested")
    return [check_id(value) for value in ids]


def parse_seed_list(raw: str | None) -> list[str]:
    """A comma-separated seed list (absent or empty: none), repeats dropped."""
    return list(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))


def parse_page(params, *, default_limit: int = 20, max_limit: int = 50, min_limit: int = 1,
               max_offset: int | None = None) -> tuple[int, int]:
    """(limit, offset): ``limit`` min_limit–max_limit (default 20), ``offset`` 0–max_offset (default 0)."""
    limit = parse_int(params.get("limit"), "limit", default=default_limit, low=min_limit, high=max_limit)
    offset = parse_int(params.get("offset"), "offset", default=0, low=0, high=max_offset)
    return limit, offset
