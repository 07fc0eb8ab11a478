"""Time a playlist file import and its matching on the real catalog: by Spotify id, by exact name, by loose name.

Usage: DATABASE_URL=... python bench/bench_playlist_import.py [--entries N]
Run bench/bench_import.py (or ``manage.py import_tracks``) first with the same DATABASE_URL. Builds a JSPF of N real
songs of popularity >= 40 (one release each): a half with their Spotify URL, a quarter by exact artist and title,
a quarter typed loosely (lower case, no accents or apostrophes, first artist only), imports it three times through
``import_playlist_file`` (the first run also builds the search index, timed apart), and prints the wall time,
the time per entry of each kind (the same file with only that kind) and how many came back as the intended song.
The playlists it makes belong to a user ``bench-playlists`` and are deleted at the end.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def loosely(text):
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch) != "Mn")
    return folded.lower().replace("'", "").replace("’", "").replace("(", "").replace(")", "")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count

    from catalog.models import Track
    from catalog.playlists.imports import import_playlist_file
    from catalog.playlists.models import Playlist
    from catalog.playlists.selectors import playlist_track_ids
    from catalog.search import get_index
    from catalog.songs import song_keys

    candidates = list(Track.objects.visible().filter(popularity__gte=40).annotate(credits=Count("track_artists"))
                      .filter(credits__gt=0).order_by("pk").values_list("pk", flat=True))
    if not candidates:
        sys.exit("the catalog is empty: run bench/bench_import.py first")
    random.Random(11).shuffle(candidates)
    songs = song_keys(candidates[:options.entries * 2])
    chosen, seen = [], set()
    for pk in candidates[:options.entries * 2]:
        if songs[pk] not in seen and len(chosen) < options.entries:
            seen.add(songs[pk])
            chosen.append(pk)
    tracks = Track.objects.with_credits().in_bulk(chosen)
    kinds = {"spotify id": [], "exact name": [], "loose name": []}
    in_order = []
    for n, pk in enumerate(chosen):
        track, artists = tracks[pk], [artist.name for artist in tracks[pk].ordered_artists]
        if n % 4 < 2:
            kinds["spotify id"].append((pk, {"title": track.name, "creator": ", ".join(artists),
                                             "identifier": f"https://open.spotify.com/track/{track.spotify_id}"}))
        elif n % 4 == 2:
            kinds["exact name"].append((pk, {"title": track.name, "creator": ", ".join(artists)}))
        else:
            kinds["loose name"].append((pk, {"title": loosely(track.name), "creator": loosely(artists[0])}))
        in_order.append(kinds[("spotify id", "spotify id", "exact name", "loose name")[n % 4]][-1])

    owner, _ = User.objects.get_or_create(username="bench-playlists")
    started = time.perf_counter()
    get_index()
    print(f"search index build: {time.perf_counter() - started:.2f} s")

    def run(entries):
        body = json.dumps({"playlist": {"title": "bench", "track": [entry for _, entry in entries]}}).encode()
        started = time.perf_counter()
        report = import_playlist_file(owner=owner, upload=SimpleUploadedFile("bench.jspf", body))
        elapsed = time.perf_counter() - started
        got = set(song_keys(playlist_track_ids(report.playlist)).values())
        wanted = song_keys([pk for pk, _ in entries])
        right = sum(1 for pk, _ in entries if wanted[pk] in got)
        return elapsed, right, report

    walls = []
    for _ in range(3):
        elapsed, right, report = run(in_order)
        walls.append(elapsed)
    print(f"whole file, {len(in_order)} entries: median {statistics.median(walls):.2f} s of 3 runs; "
          f"{right} right songs, {report.unmatched_count} unmatched")
    for kind, entries in kinds.items():
        elapsed, right, report = run(entries)
        print(f"{kind}: {len(entries)} entries in {elapsed:.2f} s ({elapsed / len(entries) * 1000:.2f} ms each); "
              f"right song {right} ({right / len(entries):.1%}), unmatched {report.unmatched_count}")
    Playlist.objects.filter(owner=owner).delete()
    owner.delete()


if __name__ == "__main__":
    main()
