"""Fetching cover art: for each album without an image, Spotify's public oEmbed of one of its tracks, throttled.

oEmbed (``SPOTIFY_OEMBED_URL?url=https://open.spotify.com/track/<id>``) needs no credentials and answers with a
``thumbnail_url``: the album's cover at 300 px, which is what lists and pages show. One lookup per album, not per
track: every track of an album has the album's cover. ``image_checked_at`` is set whether or not an image was
found, so the job resumes where it stopped and never asks twice; it stops (leaving the rest for the next run) at
the first answer saying "slow down" or "unavailable" (429, 5xx, no connection). Albums the crawl stored with
Spotify's own images are never looked up.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

from songrec.lib.errors import DomainError

from ..models import Album
from .selectors import albums_without_cover

TRACK_URL = "https://open.spotify.com/track/{}"
# What an image URL must look like to be stored (it ends up in an <img src>).
IMAGE_URL = re.compile(r"^https://[A-Za-z0-9.-]+/[\w./%-]*$")
NOT_FOUND = (400, 404)


class CoverArtOff(DomainError):
    status_code = 409
    default_message = "Cover art is turned off (COVER_ART=0): nothing is fetched."


@dataclass
class CoverFetchResult:
    found: int = 0
    missing: int = 0  # looked up, no image: never asked again
    remaining: int = 0  # albums still to look up after this run
    stopped: str = ""  # why the run stopped early (Spotify said slow down, or was unreachable)

    def summary(self) -> str:
        text = (f"Cover art: {self.found} found, {self.missing} without an image, "
                f"{self.remaining} album{'s' if self.remaining != 1 else ''} left")
        return f"{text}; stopped: {self.stopped}." if self.stopped else f"{text}."


def thumbnail_for(session: requests.Session, track_spotify_id: str) -> tuple[int, str]:
    """``(HTTP status, image URL or "")`` of the oEmbed answer for one track; status 0 when unreachable."""
    try:
        response = session.get(settings.SPOTIFY_OEMBED_URL, params={"url": TRACK_URL.format(track_spotify_id)},
                               timeout=settings.SPOTIFY_REQUEST_TIMEOUT)
    except requests.RequestException:
        return 0, ""
    if response.status_code != 200:
        return response.status_code, ""
    try:
        url = str(response.json().get("thumbnail_url") or "")
    except (ValueError, AttributeError):
        return 200, ""
    return 200, url if IMAGE_URL.match(url) and len(url) <= 500 else ""


def fetch_covers(*, limit: int | None = None, requests_per_second: float | None = None,
                 progress: Callable[[int], None] | None = None) -> CoverFetchResult:
    """Look up covers for up to ``limit`` albums (all when None), at most ``requests_per_second``; resumable."""
    if not settings.COVER_ART:
        raise CoverArtOff()
    rate = settings.COVER_ART_REQUESTS_PER_SECOND if requests_per_second is None else requests_per_second
    albums = list(albums_without_cover().values_list("pk", "lookup_track")[:limit])  # type: ignore[misc]
    result = CoverFetchResult()
    started = time.monotonic()
    with requests.Session() as session:
        for number, (album_id, track_id) in enumerate(albums):
            if rate > 0:
                time.sleep(max(0.0, started + number / rate - time.monotonic()))
            status, url = thumbnail_for(session, track_id)
            if status == 200 or status in NOT_FOUND:
                # One UPDATE per album: a run stopped midway keeps everything it found.
                Album.objects.filter(pk=album_id).update(image_url=url, image_checked_at=timezone.now())
                result.found += bool(url)
                result.missing += not url
            else:
                result.stopped = (f"Spotify answered {status}" if status else "Spotify's oEmbed was unreachable")
                break
            if progress is not None:
                progress(1)
    result.remaining = albums_without_cover().count()
    return result
