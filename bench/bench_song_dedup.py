"""One song, shown once, measured on a real-catalog database: offline (the stored lists) and through the API.

Usage: DATABASE_URL=... python bench/bench_song_dedup.py [--seeds 3000] [--k 10] [--random-seed 8] [--metric M]
       [--rebuild]

For ``--seeds`` random tracks and both metrics it reads each seed's stored list (the first k of what the index
build stored: "offline") and asks the API, with Django's test client, for ``GET /api/tracks/{id}/similar/`` and
``GET /api/recommendations/?seed_tracks={id}``, then as many 3-seed requests ``?seed_tracks={a},{b},{c}`` (three
other random tracks each), and prints per source the share of lists that show one song twice, that show a seed's
own song (another release of it), and that come out shorter than k.

Needs the real catalog imported (``manage.py import_tracks``) and an active index whose files are on this machine;
``--rebuild`` builds one first (e.g. on the realdata tests' database kept with ``pytest --reuse-db``, whose index
files lived in a temporary folder).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
# Thousands of anonymous requests a minute from one client: the API's throttle would answer 429.
os.environ["API_THROTTLE_ANON"] = "1000000/minute"

METRICS = ("cosine", "euclidean")


class Rates:
    """Counts of lists with a repeated song, with a seed's own song, and shorter than k."""

    def __init__(self, k):
        self.k, self.lists, self.twice, self.own, self.short = k, 0, 0, 0, 0

    def add(self, seed_songs, songs):
        self.lists += 1
        self.twice += len(set(songs)) < len(songs)
        self.own += not set(seed_songs).isdisjoint(songs)
        self.short += len(songs) < self.k

    def line(self, label):
        return (f"  {label:38s} same song twice {100 * self.twice / self.lists:5.2f} %   own song back "
                f"{100 * self.own / self.lists:5.2f} %   shorter than k {self.short}/{self.lists}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--random-seed", type=int, default=8)
    parser.add_argument("--metric", choices=METRICS, action="append", help="only this metric (repeatable)")
    parser.add_argument("--rebuild", action="store_true", help="build and activate an index version first")
    options = parser.parse_args()

    import django
    import numpy as np

    django.setup()
    from django.conf import settings
    from django.test import Client

    from catalog.models import Track
    from catalog.songs import song_of
    from recommender import services, storage
    from recommender.models import NeighborList
    from recommender.selectors import active_version

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if options.rebuild:
        started = time.perf_counter()
        services.rebuild_index()
        print(f"index rebuilt in {time.perf_counter() - started:.0f} s")
    version = active_version()
    if version is None:
        sys.exit("no active index version: import the real catalog and run manage.py rebuild_index (or --rebuild)")
    if not storage.version_files_exist(version.pk):
        sys.exit(f"the files of index version {version.pk} are not in {settings.RECOMMENDER_INDEX_DIR}: "
                 f"pass --rebuild")
    if not 1 <= options.k <= version.k:
        sys.exit(f"--k must be 1 to the version's k ({version.k})")

    tracks = dict(Track.objects.visible().values_list("pk", "song_key"))
    song = {pk: song_of(pk, key) for pk, key in tracks.items()}
    spotify = dict(Track.objects.visible().values_list("spotify_id", "pk"))
    rng = random.Random(options.random_seed)
    seeds = rng.sample(sorted(tracks), min(options.seeds, len(tracks)))
    trios = [rng.sample(sorted(tracks), 3) for _ in seeds]
    spotify_of = {pk: spotify_id for spotify_id, pk in spotify.items()}
    print(f"{len(tracks)} visible tracks, {len(set(song.values()))} songs; index version {version.pk} (k {version.k});"
          f" {len(seeds)} random seeds, k {options.k}; load average {os.getloadavg()[0]:.1f}")

    client = Client()
    for metric in options.metric or METRICS:
        stored = dict(NeighborList.objects.filter(version=version, metric=metric, track_id__in=seeds)
                      .values_list("track_id", "neighbor_ids"))
        offline, similar, recommended, blended = (Rates(options.k) for _ in range(4))
        started = time.perf_counter()
        for done, (seed, trio) in enumerate(zip(seeds, trios, strict=True), start=1):
            ids = np.frombuffer(bytes(stored.get(seed, b"")), dtype=np.int64)[:options.k]
            offline.add([song[seed]], [song[int(i)] for i in ids if int(i) in song])
            body = _get(client, f"/api/tracks/{spotify_of[seed]}/similar/", {"metric": metric, "k": options.k})
            similar.add([song[seed]], [song[spotify[item["spotify_id"]]] for item in body["results"]])
            body = _get(client, "/api/recommendations/",
                        {"seed_tracks": spotify_of[seed], "metric": metric, "limit": options.k})
            recommended.add([song[seed]], [song[spotify[item["spotify_id"]]] for item in body["tracks"]])
            body = _get(client, "/api/recommendations/",
                        {"seed_tracks": ",".join(spotify_of[pk] for pk in trio), "metric": metric, "limit": options.k})
            blended.add([song[pk] for pk in trio], [song[spotify[item["spotify_id"]]] for item in body["tracks"]])
            if done % 500 == 0 and done < len(seeds):
                print(f"  … {done} seeds: API same song twice {similar.twice} / {recommended.twice} / {blended.twice}, "
                      f"own song back {similar.own} / {recommended.own} / {blended.own}, "
                      f"short {similar.short} / {recommended.short} / {blended.short}", flush=True)
        elapsed = time.perf_counter() - started
        print(f"{metric} ({3 * len(seeds)} API requests in {elapsed:.0f} s):")
        print(offline.line("stored lists (offline), first k"))
        print(similar.line("GET /api/tracks/{id}/similar/"))
        print(recommended.line("GET /api/recommendations/?seed_tracks="))
        print(blended.line("GET /api/recommendations/, 3 seeds"), flush=True)


def _get(client, url, params):
    response = client.get(url, params)
    if response.status_code != 200:
        sys.exit(f"GET {url} {params} answered {response.status_code}: {response.content[:300]!r}")
    return response.json()


if __name__ == "__main__":
    main()
