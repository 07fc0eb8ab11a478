"""The crawl: seeds → artists → albums → album tracks → track details → audio features → artist details.

Work is kept in the cursor (queues of artists and albums, the seed position) and saved after every unit, so a
run stopped by the time budget, a long Retry-After or a crash resumes where it left off; every write is an
idempotent upsert, so redoing the unit that was in flight duplicates nothing.
"""

import logging
import time

from django.utils import timezone

from . import selectors
from .client import is_spotify_id
from .errors import BudgetExhausted, CrawlError, MalformedResponse, StopCrawl, Unreachable
from .models import CrawlMark
from .state import CrawlLimits, chunks, cursor_summary, empty_state
from .store import InvalidItem, parse_track, store_artist_details, store_features, store_tracks

logger = logging.getLogger(__name__)

__all__ = ["Crawler", "CrawlLimits"]


class Crawler:
    def __init__(self, run, cursor, gateway, features, *, seeds, limits, rotate_seeds=True, progress=None,
                 clock=time.monotonic):
        self.run_row, self.cursor, self.gateway, self.features = run, cursor, gateway, features
        self.seeds, self.limits, self.rotate_seeds = seeds, limits, rotate_seeds
        self.progress, self.clock = progress, clock
        self.state = {**empty_state(), **(cursor.state or {})}
        # Items that failed for a passing reason (5xx, timeouts) last run go first this time.
        retry = self.state["retry"]
        for queue in ("artists", "albums"):
            self.state[queue] = list(dict.fromkeys(retry.get(queue, []) + self.state[queue]))
        self.state["retry"] = {"artists": [], "albums": []}
        self.albums_left = limits.max_albums
        self.done_artists, self.done_albums, self.features_asked = set(), set(), set()
        self.consecutive_failures = 0
        now = timezone.now()
        self.stale_before = now - limits.stale_after
        self.features_retry_before = now - limits.features_retry_after
        self.deadline = None

    # --- bookkeeping -------------------------------------------------------------------------------------
    def _requesters(self):
        found = [self.gateway.requester]
        found += [p.requester for p in getattr(self.features, "providers", []) if hasattr(p, "requester")]
        return found

    def save(self):
        """Persist the cursor and the run's counters; called after every finished unit of work."""
        run = self.run_row
        run.requests = sum(requester.requests for requester in self._requesters())
        run.rate_limit_waits = sum(requester.rate_limit_waits for requester in self._requesters())
        run.cursor = cursor_summary(self.state)
        run.heartbeat_at = timezone.now()
        self.cursor.state = self.state
        self.cursor.save()
        run.save()

    def error(self, message):
        logger.warning("crawl #%s: %s", self.run_row.pk, message)
        self.run_row.add_error(message)

    def failed(self, exc, what, retry=None):
        """Log an item that failed and skip it; stop the run when Spotify keeps failing item after item.

        ``retry=(queue, id)`` puts the item back for the next run when the failure was a passing one.
        """
        self.error(f"{what}: {exc}")
        if retry is not None and isinstance(exc, Unreachable | MalformedResponse):
            queue, item_id = retry
            if item_id not in self.state["retry"][queue]:
                self.state["retry"][queue].append(item_id)
        if isinstance(exc, Unreachable):
            self.consecutive_failures += 1
            if self.consecutive_failures >= self.limits.max_consecutive_failures:
                raise StopCrawl(f"Spotify failed {self.consecutive_failures} times in a row ({exc}); "
                                "resuming next run")

    def succeeded(self):
        self.consecutive_failures = 0

    def check_budget(self):
        if self.deadline is not None and self.clock() >= self.deadline:
            raise BudgetExhausted(f"time budget of {self.limits.time_budget:.0f}s used up; resuming next run")

    def _tick(self):
        if self.progress is not None:
            self.progress(self.run_row)

    # --- the run -----------------------------------------------------------------------------------------
    def crawl(self):
        """Run until the work or a limit runs out; return (status, message). StopCrawl ends it early."""
        self.deadline = self.clock() + self.limits.time_budget
        for requester in self._requesters():
            requester.deadline = self.deadline
        try:
            self.drain()
            self.expand_seeds()
            self.fetch_artist_details()
            self.backfill_features()
        except StopCrawl as stop:
            return stop.status, str(stop)
        finally:
            self.save()
        return "succeeded", self.summary()

    def summary(self):
        run, queued = self.run_row, cursor_summary(self.state)
        text = (f"{run.albums_crawled} albums, {run.tracks_created} new and {run.tracks_updated} refreshed tracks, "
                f"{run.features_filled} given features")
        if queued["albums_queued"] or queued["artists_queued"]:
            text += (f"; {queued['albums_queued']} albums and {queued['artists_queued']} artists queued for the "
                     "next run")
        return text

    def drain(self):
        """Work the queues depth-first (albums before more artists) until empty or the album quota is used."""
        while self.albums_left > 0 and (self.state["albums"] or self.state["artists"]):
            self.check_budget()
            if self.state["albums"]:
                self.crawl_album(self.state["albums"][0])
                self.state["albums"].pop(0)
            else:
                self.list_albums(self.state["artists"][0])
                self.state["artists"].pop(0)
            self.save()
            self._tick()

    def expand_seeds(self):
        if not self.seeds:
            return
        # The position is kept by key, so editing the seed list restarts at its first seed, not at a stale index.
        keys = [seed.key for seed in self.seeds]
        saved = self.state["seed"].get("key")
        position = keys.index(saved) if self.rotate_seeds and saved in keys else 0
        count = len(self.seeds) if not self.rotate_seeds else min(len(self.seeds), self.limits.max_seeds)
        for _ in range(count):
            if self.albums_left <= 0:
                return  # the queues carry the rest to the next run; expanding more would only grow them
            self.check_budget()
            seed = self.seeds[position]
            try:
                seed.expand(self)
                self.succeeded()
            except CrawlError as exc:
                self.failed(exc, f"seed {seed.key}")
            position = (position + 1) % len(self.seeds)
            if self.rotate_seeds:
                self.state["seed"] = {"position": position, "key": self.seeds[position].key}
            self.run_row.seeds += 1
            self.save()
            self._tick()
            self.drain()

    # --- queues ------------------------------------------------------------------------------------------
    def _enqueue(self, queue, ids, done):
        pending = self.state[queue]
        known = set(pending) | done
        for item_id in ids:
            if len(pending) >= self.limits.queue_cap:
                return
            if is_spotify_id(item_id) and item_id not in known:
                pending.append(item_id)
                known.add(item_id)

    def queue_artists(self, ids):
        ids = [i for i in dict.fromkeys(ids) if i not in self.done_artists]
        fresh = selectors.marked(CrawlMark.Kind.ARTIST_ALBUMS, ids, self.stale_before) if ids else set()
        self._enqueue("artists", [i for i in ids if i not in fresh], self.done_artists)

    def queue_albums(self, ids):
        ids = [i for i in dict.fromkeys(ids) if i not in self.done_albums]
        fresh = selectors.marked(CrawlMark.Kind.ALBUM_TRACKS, ids, self.stale_before) if ids else set()
        self._enqueue("albums", [i for i in ids if i not in fresh], self.done_albums)

    def list_albums(self, artist_id):
        if not is_spotify_id(artist_id) or artist_id in self.done_artists:
            return
        label = f"albums of artist {artist_id}"
        try:
            first = self.gateway.artist_albums(artist_id, self.limits.album_groups,
                                               limit=max(1, min(self.limits.page_limit, self.limits.albums_per_artist)))
            albums = self.gateway.items(first, label, max_items=self.limits.albums_per_artist)
        except CrawlError as exc:
            self.done_artists.add(artist_id)
            self.failed(exc, label, retry=("artists", artist_id))
            return
        self.succeeded()
        self.queue_albums([album.get("id") for album in albums])
        selectors.mark(CrawlMark.Kind.ARTIST_ALBUMS, [artist_id])
        self.done_artists.add(artist_id)
        self.run_row.artists_seen += 1

    def crawl_album(self, album_id):
        if not is_spotify_id(album_id) or album_id in self.done_albums:
            return
        label = f"tracks of album {album_id}"
        try:
            items = self.gateway.items(self.gateway.album_tracks(album_id), label)
        except CrawlError as exc:
            self.done_albums.add(album_id)
            self.failed(exc, label, retry=("albums", album_id))
            return
        self.succeeded()
        ids = [item.get("id") for item in items]
        bad = [track_id for track_id in ids if not is_spotify_id(track_id)]
        if bad or not ids:
            self.error(f"{label}: {len(bad)} items without a valid id skipped" if ids else f"{label}: empty")
        complete = self.fetch_tracks([track_id for track_id in ids if is_spotify_id(track_id)])
        if complete:
            selectors.mark(CrawlMark.Kind.ALBUM_TRACKS, [album_id])
        elif album_id not in self.state["retry"]["albums"]:
            self.state["retry"]["albums"].append(album_id)
        self.done_albums.add(album_id)
        self.albums_left -= 1
        self.run_row.albums_crawled += 1

    # --- tracks and features -----------------------------------------------------------------------------
    def fetch_tracks(self, ids):
        """Fetch details of the tracks the catalog lacks or holds stale, store them, then their features.

        Returns False when a batch could not be fetched at all, so the album is tried again next run.
        """
        complete = True
        for batch in chunks(selectors.ids_needing_details(ids, self.stale_before), self.limits.track_batch):
            self.check_budget()
            try:
                found, problems = self.gateway.tracks(batch)
            except CrawlError as exc:
                self.failed(exc, f"details of {len(batch)} tracks")
                complete = False
                continue
            self.succeeded()
            for problem in problems:
                self.error(problem)
            self.store_track_objects([found[track_id] for track_id in batch if track_id in found], features=False)
        self.fill_features(ids)
        return complete

    def store_track_objects(self, items, features=True):
        """Store full track objects (from search, playlists or /tracks); return the lead artists' ids."""
        parsed = []
        for item in items:
            try:
                parsed.append(parse_track(item))
            except InvalidItem as exc:
                self.error(f"skipped {exc}")
        if not parsed:
            return []
        result = store_tracks(parsed)
        self.run_row.tracks_created += result.created
        self.run_row.tracks_updated += result.updated
        self.run_row.artists_adopted += result.adopted_artists
        if features:
            self.fill_features([track.spotify_id for track in parsed])
        return [track.artists[0].spotify_id for track in parsed]

    def fill_features(self, ids):
        if not getattr(self.features, "providers", None):
            return
        todo = [track_id for track_id in selectors.ids_missing_features(ids, retry_before=self.features_retry_before)
                if track_id not in self.features_asked]  # once per run, even when no provider answered
        if not todo:
            return
        self.features_asked.update(todo)
        found = self.features.fetch(todo)
        for problem in self.features.problems:
            self.error(problem)
        self.features.problems.clear()
        filled = store_features(found) if found else 0
        # Only ids a provider answered for wait out the retry period; a provider that was down is asked next run.
        selectors.mark(CrawlMark.Kind.FEATURES, [i for i in todo if i in self.features.answered])
        self.run_row.features_filled += filled
        self.run_row.features_missing += len(selectors.ids_missing_features(todo))

    def backfill_features(self):
        """Ask again for features of stored tracks that lack them (earlier runs, dataset rows with gaps)."""
        ids = selectors.tracks_to_backfill(self.limits.feature_backfill, self.features_retry_before)
        for batch in chunks(ids, 200):
            self.check_budget()
            self.fill_features(batch)
            self.save()

    def fetch_artist_details(self):
        ids = selectors.artists_needing_details(self.limits.artist_details, self.stale_before)
        for batch in chunks(ids, self.limits.artist_batch):
            self.check_budget()
            try:
                found, problems = self.gateway.artists(batch)
            except CrawlError as exc:
                self.failed(exc, f"details of {len(batch)} artists")
                continue
            self.succeeded()
            for problem in problems:
                self.error(problem)
            store_artist_details(found.values())
            selectors.mark(CrawlMark.Kind.ARTIST_DETAILS, batch)
            self.save()
