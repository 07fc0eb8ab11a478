"""Where a crawl starts: search queries, playlists, the catalog's own artists, and (optionally) a Korean chart.

Each seed has a stable ``key`` (the cursor remembers the next one by key) and ``expand(crawler)``, which stores
any full tracks it meets and queues artists for the album crawl.
"""

import logging

from django.conf import settings
from django.utils import timezone

from catalog.models import Artist, CatalogRevision
from catalog.playlists.models import Playlist
from catalog.playlists.services import ExternalPlaylist, store_external_playlists

from . import chart_seeds as charts
from . import selectors
from .client import is_spotify_id
from .errors import CrawlConfigError, CrawlError, MalformedResponse
from .models import CrawlMark

logger = logging.getLogger(__name__)

PLAYLIST_PAGES = 5


def _items(body, kind):
    section = body.get(kind) if isinstance(body, dict) else None
    items = section.get("items") if isinstance(section, dict) else None
    if section is not None and not isinstance(items, list):
        raise MalformedResponse(f"search: the '{kind}' section has no 'items' list")
    return [item for item in items or [] if isinstance(item, dict)]


def _quoted(text):
    # Spotify's field filters take a quoted phrase; a quote inside the name would end it early.
    return '"' + " ".join(text.replace('"', " ").split()) + '"'


class SearchSeed:
    def __init__(self, query):
        self.query = query
        self.key = f"query:{query}"

    def expand(self, crawler):
        limit = crawler.limits.page_limit
        for page in range(max(1, crawler.limits.search_pages)):
            body = crawler.gateway.search(self.query, "artist,track", limit=limit, offset=page * limit)
            artists, tracks = _items(body, "artists"), _items(body, "tracks")
            crawler.queue_artists([artist.get("id") for artist in artists])
            crawler.queue_artists(crawler.store_track_objects(tracks))
            if len(artists) < limit and len(tracks) < limit:
                break


class PlaylistSeed:
    """A Spotify playlist: its tracks are stored and crawled, and the playlist itself (source ``crawl``) with its
    membership in order, so the crawl feeds the same playlist table as the curated files. Only the first
    ``PLAYLIST_PAGES`` pages are read; a longer playlist is stored with those tracks."""

    def __init__(self, playlist_id):
        self.playlist_id = playlist_id
        self.key = f"playlist:{playlist_id}"

    def expand(self, crawler):
        if not is_spotify_id(self.playlist_id):
            crawler.error(f"playlist {self.playlist_id!r}: not a Spotify id, skipped")
            return
        label = f"playlist {self.playlist_id}"
        gateway = crawler.gateway
        facts = gateway.playlist(self.playlist_id)
        facts = facts if isinstance(facts, dict) else {}
        items = gateway.items(gateway.playlist_items(self.playlist_id), label, max_items=50 * PLAYLIST_PAGES)
        # Items wrap the track as "track" (or "item" in newer responses); local files and episodes are skipped.
        tracks = [entry.get("track") or entry.get("item") for entry in items]
        tracks = [track for track in tracks if isinstance(track, dict) and track.get("type", "track") == "track"
                  and not track.get("is_local")]
        crawler.queue_artists(crawler.store_track_objects(tracks))
        name, description = facts.get("name"), facts.get("description")
        summary = store_external_playlists(Playlist.Source.CRAWL, [ExternalPlaylist(
            external_id=self.playlist_id,
            name=name.strip() if isinstance(name, str) and name.strip() else f"Spotify playlist {self.playlist_id}",
            description=description if isinstance(description, str) else "",
            spotify_ids=[track.get("id") for track in tracks if is_spotify_id(track.get("id"))],
        )])
        for problem in summary.skipped:
            crawler.error(f"skipped {problem}")


class CatalogArtistsSeed:
    """A slice of the catalog's own artists per run; id-less ones (from the dataset) are looked up by name."""

    key = "catalog-artists"

    def __init__(self, per_run):
        self.per_run = per_run

    def expand(self, crawler):
        after = crawler.state.get("catalog_artist_after", 0)
        batch = selectors.catalog_artists_after(after, self.per_run)
        searched_recently = selectors.marked(CrawlMark.Kind.ARTIST_SEARCH, [pk for pk, _, _ in batch],
                                             crawler.stale_before)
        for pk, name, spotify_id in batch:
            crawler.check_budget()
            if spotify_id:
                crawler.queue_artists([spotify_id])
            elif str(pk) not in searched_recently:
                self._look_up(crawler, pk, name)
            crawler.state["catalog_artist_after"] = pk
            crawler.save()
        if len(batch) < self.per_run:
            crawler.state["catalog_artist_after"] = 0  # wrap around: next cycle starts from the first artist

    def _look_up(self, crawler, pk, name):
        try:
            body = crawler.gateway.search(f"artist:{_quoted(name)}", "artist", limit=crawler.limits.page_limit)
            candidates = _items(body, "artists")
        except CrawlError as exc:
            crawler.failed(exc, f"looking up artist {name!r}")
            return
        crawler.succeeded()
        selectors.mark(CrawlMark.Kind.ARTIST_SEARCH, [pk])
        wanted = name.casefold().strip()
        match = next((item for item in candidates if is_spotify_id(item.get("id"))
                      and str(item.get("name", "")).casefold().strip() == wanted), None)
        if match is None:
            return
        # Adopt: give the dataset artist its Spotify id, unless another row already carries that id.
        if not Artist.objects.filter(spotify_id=match["id"]).exists():
            adopted = Artist.objects.filter(pk=pk, spotify_id__isnull=True).update(
                spotify_id=match["id"], updated_at=timezone.now())
            crawler.run_row.artists_adopted += adopted
            if adopted:
                CatalogRevision.bump()  # a queryset update sends no signals
        crawler.queue_artists([match["id"]])


class ChartSeed:
    """Tracks of a Korean chart page, each found on Spotify by title and artist. Off unless configured."""

    def __init__(self, source, url, limit):
        self.source, self.url, self.limit = source, url, limit
        self.key = f"chart:{source}"

    def expand(self, crawler):
        try:
            entries = charts.fetch_chart(self.source, self.url)[:self.limit]
        except charts.ChartError as exc:
            crawler.error(f"chart {self.source}: {exc}")
            return
        for entry in entries:
            crawler.check_budget()
            query = f"track:{_quoted(entry.title)} artist:{_quoted(entry.artist)}"
            try:
                tracks = _items(crawler.gateway.search(query, "track", limit=1), "tracks")
            except CrawlError as exc:
                crawler.failed(exc, f"chart entry {entry}")
                continue
            crawler.succeeded()
            if not tracks:
                crawler.error(f"chart entry {entry}: not found on Spotify")
            crawler.queue_artists(crawler.store_track_objects(tracks[:1]))


def configured_seeds(queries=None, playlists=None):
    """The seeds from settings (or the given queries/playlists only), de-duplicated, in a stable order."""
    if queries is not None or playlists is not None:
        seeds = [SearchSeed(q) for q in queries or []] + [PlaylistSeed(p) for p in playlists or []]
    else:
        seeds = [SearchSeed(q) for q in settings.SPOTIFY_SEED_QUERIES if q.strip()]
        seeds += [PlaylistSeed(p.strip()) for p in settings.SPOTIFY_SEED_PLAYLISTS if p.strip()]
        if settings.SPOTIFY_CHART_SOURCE:
            if settings.SPOTIFY_CHART_SOURCE not in charts.SOURCES:
                raise CrawlConfigError(f"SPOTIFY_CHART_SOURCE must be empty or one of {', '.join(charts.SOURCES)}, "
                                       f"not {settings.SPOTIFY_CHART_SOURCE!r}")
            seeds.append(ChartSeed(settings.SPOTIFY_CHART_SOURCE, settings.SPOTIFY_CHART_URL,
                                   settings.SPOTIFY_CHART_LIMIT))
        if settings.SPOTIFY_SEED_CATALOG_ARTISTS > 0:
            seeds.append(CatalogArtistsSeed(settings.SPOTIFY_SEED_CATALOG_ARTISTS))
    unique = {}
    for seed in seeds:
        unique.setdefault(seed.key, seed)
    return list(unique.values())
