"""The limits of one crawl run and the shape of the cursor that carries work from run to run."""

from dataclasses import dataclass, fields
from datetime import timedelta

from django.conf import settings


@dataclass
class CrawlLimits:
    time_budget: float
    max_albums: int
    max_seeds: int
    albums_per_artist: int
    album_groups: str
    page_limit: int
    search_pages: int
    track_batch: int
    artist_batch: int
    feature_backfill: int
    artist_details: int
    catalog_artists: int
    stale_after: timedelta
    features_retry_after: timedelta
    max_consecutive_failures: int
    queue_cap: int = 5000

    @classmethod
    def from_settings(cls, **overrides):
        values = dict(
            time_budget=settings.SPOTIFY_CRAWL_TIME_BUDGET, max_albums=settings.SPOTIFY_CRAWL_MAX_ALBUMS,
            max_seeds=settings.SPOTIFY_CRAWL_MAX_SEEDS, albums_per_artist=settings.SPOTIFY_ALBUMS_PER_ARTIST,
            album_groups=settings.SPOTIFY_ALBUM_GROUPS, page_limit=settings.SPOTIFY_PAGE_LIMIT,
            search_pages=settings.SPOTIFY_SEARCH_PAGES, track_batch=settings.SPOTIFY_TRACK_BATCH_SIZE,
            artist_batch=settings.SPOTIFY_ARTIST_BATCH_SIZE, feature_backfill=settings.SPOTIFY_FEATURE_BACKFILL,
            artist_details=settings.SPOTIFY_ARTIST_DETAILS, catalog_artists=settings.SPOTIFY_SEED_CATALOG_ARTISTS,
            stale_after=timedelta(days=settings.SPOTIFY_STALE_AFTER_DAYS),
            features_retry_after=timedelta(days=settings.SPOTIFY_FEATURES_RETRY_DAYS),
            max_consecutive_failures=settings.SPOTIFY_MAX_CONSECUTIVE_FAILURES,
        )
        known = {field.name for field in fields(cls)}
        values.update({key: value for key, value in overrides.items() if key in known and value is not None})
        return cls(**values)


def chunks(items, size):
    for start in range(0, len(items), max(1, size)):
        yield items[start:start + size]


def empty_state():
    return {"seed": {"position": 0, "key": ""}, "catalog_artist_after": 0, "artists": [], "albums": [],
            "retry": {"artists": [], "albums": []}}


def cursor_summary(state):
    """What the status page and a CrawlRun show of the cursor (the queues themselves can be long)."""
    state = {**empty_state(), **(state or {})}
    return {"next_seed": state["seed"].get("key", ""), "catalog_artist_after": state["catalog_artist_after"],
            "artists_queued": len(state["artists"]), "albums_queued": len(state["albums"]),
            "to_retry": sum(len(ids) for ids in state.get("retry", {}).values())}
