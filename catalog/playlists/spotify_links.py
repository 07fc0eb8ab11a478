"""Read a public Spotify playlist from its link, through the crawl's Spotify client, for an import.

The crawl's ``SpotifyGateway`` and ``Requester`` are used as the crawl uses them, with a listener's patience: a
rate limit longer than ``PLAYLIST_IMPORT_SPOTIFY_MAX_WAIT`` seconds, Spotify unreachable after one retry, or the
whole read passing ``PLAYLIST_IMPORT_SPOTIFY_BUDGET`` seconds is answered at once as a 503 telling the listener to
try again (with ``Retry-After`` when Spotify gave one). Nothing is stored before the whole playlist is read.
"""

import logging
import re

from django.conf import settings

from catalog.crawl.client import Requester, SpotifyGateway, credentials_configured
from catalog.crawl.errors import CrawlError, NotAvailable, RateLimited, StopCrawl
from songrec.lib.errors import DomainError, UnavailableError

from .models import MAX_PLAYLIST_TRACKS
from .readers import Entry, IncomingPlaylist, PlaylistFileError, clean_text

logger = logging.getLogger(__name__)
PLAYLIST_LINK = re.compile(r"^(?:https?://open\.spotify\.com/(?:intl-[A-Za-z-]+/)?(?:user/[^/?#\s]+/)?playlist/"
                           r"|spotify:(?:user:[^:\s]+:)?playlist:)([0-9A-Za-z]{22})(?:[/?#]\S*)?$")
PAGE_SIZE = 100  # Spotify's largest page of playlist items
MAX_PAGES = MAX_PLAYLIST_TRACKS // PAGE_SIZE + 1


class SpotifyUnavailable(UnavailableError):
    """Spotify could not be read now (down, rate-limiting): nothing was imported; try again later."""


class SpotifyNotConfigured(UnavailableError):
    """No Spotify credentials here: a setting to fix, not a matter of waiting."""

    retry_after = None


def spotify_playlist_id(link: str) -> str:
    """The playlist id in ``https://open.spotify.com/playlist/<id>`` or ``spotify:playlist:<id>``."""
    found = PLAYLIST_LINK.match(link.strip())
    if not found:
        raise DomainError("Paste a Spotify playlist link: https://open.spotify.com/playlist/… or "
                          "spotify:playlist:….", field="url")
    return found.group(1)


def _gateway() -> SpotifyGateway:
    requester = Requester("Spotify", settings.SPOTIFY_REQUESTS_PER_SECOND,
                          max_retry_after=settings.PLAYLIST_IMPORT_SPOTIFY_MAX_WAIT, max_retries=1,
                          backoff=settings.SPOTIFY_BACKOFF_SECONDS)
    requester.deadline = requester.clock() + settings.PLAYLIST_IMPORT_SPOTIFY_BUDGET
    return SpotifyGateway(settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET,
                          api_prefix=settings.SPOTIFY_API_PREFIX, token_url=settings.SPOTIFY_TOKEN_URL,
                          timeout=settings.SPOTIFY_REQUEST_TIMEOUT, requester=requester, market=settings.SPOTIFY_MARKET)


def fetch_spotify_playlist(link: str) -> IncomingPlaylist:
    """The public playlist ``link`` names: its name, description and tracks in order (local files by name)."""
    playlist_id = spotify_playlist_id(link)
    if not credentials_configured():
        raise SpotifyNotConfigured("Importing Spotify links is not set up on this server (it needs "
                                   "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET); upload a JSPF or XSPF file instead.")
    gateway = _gateway()
    try:
        facts = gateway.playlist(playlist_id)
        items = _all_items(gateway, playlist_id)
    except NotAvailable:
        raise DomainError(f"Spotify has no public playlist {playlist_id}: check the link, and that the playlist "
                          "is public.", field="url") from None
    except RateLimited as error:
        wait = max(1, round(error.retry_after or 30))
        unavailable = SpotifyUnavailable(f"Spotify is rate-limiting requests; try again in {wait} seconds. "
                                         "Nothing was imported.")
        unavailable.retry_after = wait
        raise unavailable from None
    except (CrawlError, StopCrawl) as error:
        logger.warning("reading Spotify playlist %s for an import failed: %s", playlist_id, error)
        raise SpotifyUnavailable("Spotify is not answering properly right now; try again in a few minutes. "
                                 "Nothing was imported.") from None
    facts = facts if isinstance(facts, dict) else {}
    name = clean_text(facts["name"]) if isinstance(facts.get("name"), str) else ""
    description = clean_text(facts["description"]) if isinstance(facts.get("description"), str) else ""
    entries = [_entry(position, item) for position, item in enumerate(items, start=1)]
    return IncomingPlaylist("spotify", name.strip() or f"Spotify playlist {playlist_id}", description, entries)


def _all_items(gateway: SpotifyGateway, playlist_id: str) -> list[dict]:
    label = f"playlist {playlist_id}"
    items, page = [], gateway.playlist_items(playlist_id, limit=PAGE_SIZE)
    for _ in range(MAX_PAGES):
        page_items = page.get("items") if isinstance(page, dict) else None
        if not isinstance(page_items, list):
            raise SpotifyUnavailable(f"Spotify sent a page of {label} without its items; try again later.")
        items += [item for item in page_items if isinstance(item, dict)]
        if len(items) > MAX_PLAYLIST_TRACKS:
            raise PlaylistFileError(f"A playlist holds at most {MAX_PLAYLIST_TRACKS:,} tracks; this Spotify "
                                    f"playlist has more.", field="url")
        page = gateway.next_page(page, label)
        if page is None:
            break
    return items


def _entry(position: int, item: dict) -> Entry:
    """An entry from a playlist item (``track`` in the old shape, ``item`` in the new; null for a removed one)."""
    track = item.get("track") or item.get("item")
    if not isinstance(track, dict):
        return Entry(position=position)
    credits = track.get("artists")
    artists = [clean_text(artist["name"]) for artist in (credits if isinstance(credits, list) else [])
               if isinstance(artist, dict) and isinstance(artist.get("name"), str)]
    album = track.get("album")
    spotify_id = track.get("id")
    return Entry(position=position, title=clean_text(str(track.get("name") or "")), artists=artists,
                 album=clean_text(str(album.get("name") or "")) if isinstance(album, dict) else "",
                 spotify_id=spotify_id if isinstance(spotify_id, str) and not track.get("is_local") else "")
