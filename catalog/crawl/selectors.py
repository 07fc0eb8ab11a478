"""Read-side questions the crawl asks the catalog: what is missing, what is stale, what to look at next."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from catalog.models import AUDIO_FEATURES, Artist, Track

from .client import SPOTIFY_ID
from .models import CrawlMark, CrawlRun

SPOTIFY_ID_PATTERN = SPOTIFY_ID.pattern
MISSING_ANY_FEATURE = Q()
for _feature in AUDIO_FEATURES:
    MISSING_ANY_FEATURE |= Q(**{f"{_feature}__isnull": True})


def ids_needing_details(ids: Iterable[str], stale_before: datetime) -> list[str]:
    """The ids of tracks the catalog lacks, or last fetched before ``stale_before`` (dataset rows: never)."""
    fresh = set(Track.objects.filter(spotify_id__in=ids, fetched_at__gte=stale_before)
                .values_list("spotify_id", flat=True))
    return [track_id for track_id in dict.fromkeys(ids) if track_id not in fresh]


def ids_missing_features(ids: Iterable[str], retry_before: datetime | None = None) -> list[str]:
    """Stored tracks among ``ids`` still missing a feature (and, with retry_before, not asked since then)."""
    missing = set(Track.objects.filter(MISSING_ANY_FEATURE, spotify_id__in=ids).values_list("spotify_id", flat=True))
    if retry_before is not None and missing:
        missing -= marked(CrawlMark.Kind.FEATURES, missing, retry_before)
    return [track_id for track_id in dict.fromkeys(ids) if track_id in missing]


def marked(kind: str, keys: Iterable[str], since: datetime) -> set[str]:
    """The keys of this kind fetched at or after ``since``."""
    return set(CrawlMark.objects.filter(kind=kind, key__in=list(keys), fetched_at__gte=since)
               .values_list("key", flat=True))


def mark(kind: str, keys: Iterable[object], when: datetime | None = None) -> None:
    when = when or timezone.now()
    CrawlMark.objects.bulk_create([CrawlMark(kind=kind, key=str(key), fetched_at=when) for key in set(keys)],
                                  update_conflicts=True, unique_fields=["kind", "key"], update_fields=["fetched_at"])


def tracks_to_backfill(limit: int, retry_before: datetime) -> list[str]:
    """Spotify ids of tracks missing features that no provider was asked about since ``retry_before``."""
    asked = CrawlMark.objects.filter(kind=CrawlMark.Kind.FEATURES, fetched_at__gte=retry_before).values("key")
    # Only well-formed Spotify ids: a malformed one from an old import would otherwise block the head of the list.
    return list(Track.objects.filter(MISSING_ANY_FEATURE, spotify_id__regex=SPOTIFY_ID_PATTERN)
                .exclude(spotify_id__in=asked)
                .order_by("-popularity", "pk").values_list("spotify_id", flat=True)[:limit])


def artists_needing_details(limit: int, stale_before: datetime) -> list[str | None]:
    """Spotify ids of artists met by the crawl whose details (popularity, genres) were never fetched."""
    fetched = CrawlMark.objects.filter(kind=CrawlMark.Kind.ARTIST_DETAILS, fetched_at__gte=stale_before).values("key")
    return list(Artist.objects.filter(spotify_id__isnull=False, popularity__isnull=True)
                .exclude(spotify_id__in=fetched).order_by("pk").values_list("spotify_id", flat=True)[:limit])


def catalog_artists_after(after_pk: int, limit: int) -> list[tuple[int, str, str | None]]:
    """The next catalog artists (pk, name, spotify_id) to seed the crawl with, in pk order."""
    return list(Artist.objects.filter(pk__gt=after_pk).order_by("pk").values_list("pk", "name", "spotify_id")[:limit])


def latest_runs(limit: int = 20) -> list[CrawlRun]:
    return list(CrawlRun.objects.all()[:limit])


def running_run() -> CrawlRun | None:
    return CrawlRun.objects.filter(status=CrawlRun.Status.RUNNING).order_by("-started_at").first()
