"""The Spotify-compatible API's speed on the real catalog: /v1/recommendations against the native
/api/recommendations/ (p50 ratio, same seeds, same run) and /v1/audio-features with 100 ids (p50).

Usage: DATABASE_URL=... python bench/bench_spotify_api.py [--requests 200] [--rebuild]
The catalog must hold the dataset (bench/bench_import.py) and have an active index (or pass --rebuild).
In-process with Django's test Client like bench/bench_recommend.py: URL routing, DRF, authentication, the
throttle and every query, no HTTP server. The two recommendation endpoints alternate request by request on the
same random seed tracks, so machine load hits both alike. Goals (issue 25): ratio ≤ 1.2, audio features < 20 ms.
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

from timing import timed_get

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--rebuild", action="store_true", help="build a new index version first")
    options = parser.parse_args()
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")
    os.environ.setdefault("API_THROTTLE_SPOTIFY", "1000000/minute")

    import django

    django.setup()
    from django.test import Client

    from catalog.models import Track
    from recommender import selectors, services
    from recommender.index.params import IndexParams
    from recommender.spotify_api.auth import issue_token
    from recommender.spotify_api.models import ApiClient
    from recommender.spotify_api.services import create_api_client

    if options.rebuild or selectors.active_version() is None:
        services.rebuild_index(IndexParams.from_settings())
    version = selectors.active_version()
    ApiClient.objects.filter(name="bench_spotify_api").delete()
    api_client = create_api_client("bench_spotify_api").client
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(api_client)['access_token']}"}
    rng = random.Random(25)
    ids = list(Track.objects.visible().filter(tempo__isnull=False).values_list("spotify_id", flat=True))
    client = Client()
    try:
        seeds = [rng.choice(ids) for _ in range(options.requests + 10)]
        native, v1 = [], []
        for number, seed in enumerate(seeds):
            a = timed_get(client, f"/api/recommendations/?seed_tracks={seed}&limit=20")
            b = timed_get(client, f"/v1/recommendations?seed_tracks={seed}&limit=20", **bearer)
            if number >= 10:  # warm-up: memory-mapped files, the id maps, prepared statements
                native.append(a)
                v1.append(b)
        features = [timed_get(client, f"/v1/audio-features?ids={','.join(rng.sample(ids, 100))}", **bearer)
                    for _ in range(options.requests + 10)][10:]
    finally:
        ApiClient.objects.filter(pk=api_client.pk).delete()
    native_p50, v1_p50 = statistics.median(native), statistics.median(v1)
    print(f"index version {version.pk}: {version.n_tracks} tracks; {options.requests} requests each; "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"/api/recommendations/ p50 {native_p50:.2f} ms")
    print(f"/v1/recommendations   p50 {v1_p50:.2f} ms  ratio {v1_p50 / native_p50:.2f} (goal ≤ 1.2)")
    print(f"/v1/audio-features?ids= (100) p50 {statistics.median(features):.2f} ms (goal < 20)")


if __name__ == "__main__":
    main()
