"""Spotify's GET /search for tracks, artists and albums, over songrec's fuzzy catalog search.

A query is free text plus Spotify's field filters ``artist:``, ``track:``, ``album:``, ``genre:`` and ``year:``
(``year:1999`` or ``year:1990-1999``; a value with spaces in double quotes, ``artist:"Miles Davis"``). The free
text and the artist, track and album values go to ``catalog.search.search_tracks`` (typo-tolerant, one release
per song); a query with only genre or year filters lists the matching tracks most popular first. The tracks found
(at most POOL) are then kept only when they pass every filter: a name filter passes when its normalised value
is part of the name or matches it fuzzily as closely as a search hit must (``catalog.search.MIN_SCORE``); genre
must be one of the track's; year needs an album release date (the dataset gives none, the crawl does).
Artists are the credited artists of the tracks found, in their order, that match the artist filter or else the
free text; albums are theirs, that match the album filter. ``total`` counts what was found within the pool.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from catalog.models import Track
from catalog.search import MIN_SCORE, normalize, search_tracks

from .errors import BadRequest

TYPES = ("album", "artist", "track")
FIELDS = ("album", "artist", "genre", "track", "year")
POOL = 300
_FILTER = re.compile(r'\b(' + "|".join(FIELDS) + r')\s*:\s*(?:"([^"]*)"|(\S+))', re.IGNORECASE)
_YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


@dataclass
class Query:
    text: str
    filters: dict = field(default_factory=dict)

    @property
    def search_text(self):
        return " ".join(part for part in (self.filters.get("artist"), self.filters.get("track"),
                                          self.filters.get("album"), self.text) if part)


def parse_query(raw: str | None) -> Query:
    if raw is None or not raw.strip():
        raise BadRequest("No search query")
    filters = {}

    def take(match):
        filters[match.group(1).lower()] = (match.group(2) if match.group(2) is not None else match.group(3)).strip()
        return " "

    text = " ".join(_FILTER.sub(take, raw).split())
    year = filters.get("year")
    if year is not None and not _YEARS.match(year):
        raise BadRequest(f"q: year must be YYYY or YYYY-YYYY, got {year!r}")
    return Query(text, filters)


def parse_types(raw: str | None) -> list[str]:
    types = [part.strip() for part in (raw or "").split(",") if part.strip()]
    if not types:
        raise BadRequest("Missing parameter type")
    unknown = [kind for kind in types if kind not in TYPES]
    if unknown:
        raise BadRequest(f"Bad search type field {unknown[0]!r}: songrec searches {', '.join(TYPES)}")
    return list(dict.fromkeys(types))


def matching_tracks(query: Query, tracks_by_pk) -> list:
    """Tracks (TrackRows) matching ``query``, best first; ``tracks_by_pk(pks)`` reads them."""
    if query.search_text:
        pks = [hit.track_id for hit in search_tracks(query.search_text, limit=POOL)]
    else:
        pks = list(_filtered_listing(query).values_list("pk", flat=True)[:POOL])
    tracks = tracks_by_pk(pks, with_genres=True)
    return [tracks[pk] for pk in pks if pk in tracks and _passes(tracks[pk], query.filters)]


def matching_artists(query: Query, tracks) -> list:
    """The credited artists of ``tracks`` in order, once each, that match the artist filter or the free text."""
    wanted = query.filters.get("artist") or query.text
    seen, artists = set(), []
    for track in tracks:
        for artist in track.ordered_artists:
            if artist.id not in seen and (not wanted or _matches(wanted, artist.name)):
                seen.add(artist.id)
                artists.append(artist)
    return artists


def matching_albums(query: Query, tracks) -> list:
    wanted = query.filters.get("album")
    seen, albums = set(), []
    for track in tracks:
        album = track.album
        if album is not None and album.pk not in seen and (not wanted or _matches(wanted, album.name)):
            seen.add(album.pk)
            albums.append(album)
    return albums


def _filtered_listing(query):
    tracks = Track.objects.visible().order_by("-popularity", "pk")
    if "genre" in query.filters:
        tracks = tracks.filter(genres__name__iexact=query.filters["genre"])
    if "year" in query.filters:
        first, last = _year_range(query.filters["year"])
        tracks = tracks.filter(album__release_date__regex=r"^\d{4}").filter(
            album__release_date__gte=str(first), album__release_date__lt=str(last + 1))
    return tracks


def _year_range(value):
    first, last = _YEARS.match(value).groups()
    return int(first), int(last or first)


def _passes(track, filters):
    for name, value in filters.items():
        if name == "artist" and not any(_matches(value, artist.name) for artist in track.ordered_artists):
            return False
        if name == "track" and not _matches(value, track.name):
            return False
        if name == "album" and (track.album is None or not _matches(value, track.album.name)):
            return False
        if name == "genre" and normalize(value) not in {normalize(genre) for genre in track.genre_names}:
            return False
        if name == "year" and not _in_years(track, value):
            return False
    return True


def _in_years(track, value):
    release = track.album.release_date if track.album is not None else ""
    if not _YEARS.match(release[:4]):
        return False
    first, last = _year_range(value)
    return first <= int(release[:4]) <= last


def _matches(value, name):
    wanted, name = normalize(value), normalize(name or "")
    return bool(wanted) and (wanted in name or fuzz.WRatio(wanted, name) >= MIN_SCORE)
