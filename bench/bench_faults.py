"""Replay the attacks of issue 22 against a running songrec and print tried / failed per kind.

Usage: python bench/bench_faults.py --url http://127.0.0.1:8000 --user NAME --password PW [--evaluator NAME:PW]
The user is a listener account (created beforehand, e.g. through /accounts/signup/); use a scratch deployment:
the run uploads histories, flips reactions and makes failed logins. "failed" counts answers that show the bug
(a 5xx, a year-10000 play accepted, results shown to an evaluator while the campaign is open, throttles failing
open, a redirect off the site, a lockout of an innocent user); each kind prints ``tried failed``. Exit status 1
when anything failed.
"""

import argparse
import json
import sys
import threading
from collections import Counter

import requests

BAD_TIMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]
tried, failed = Counter(), Counter()


def count(kind, bad):
    tried[kind] += 1
    failed[kind] += bool(bad)


def session(url, user, password):
    http = requests.Session()
    form(http, f"{url}/accounts/login/", {"username": user, "password": password})
    http.headers["X-CSRFToken"] = http.cookies.get("csrftoken", "")
    http.headers["Referer"] = f"{url}/"
    return http


def upload(http, url, rows, name="Streaming_History_Audio_2024.json"):
    body = rows if isinstance(rows, bytes) else json.dumps(rows).encode()
    return http.post(f"{url}/api/me/imports/", files={"file": (name, body)})


def timestamps(http, url):
    for ts in BAD_TIMES:
        rows = [{"ts": ts, "ms_played": 240000, "master_metadata_track_name": "x",
                 "master_metadata_album_artist_name": "y", "spotify_track_uri": None}]
        response = upload(http, url, rows)
        count("timestamp", response.status_code >= 500 or response.status_code == 201)
    for page in ("/me/", "/me/for-you/", "/me/export/", "/api/me/data/", "/api/me/recommendations/"):
        count("timestamp", http.get(f"{url}{page}").status_code >= 500 and page != "/me/for-you/")


def hostile_rows(http, url):
    cases = [b'[{"ts": "2024-01-01T00:00:00Z", "ms_played": 40000, "master_metadata_track_name": "a\\u0000b"}]',
             b'[{"ts": "2024-01-01T00:00:00Z", "ms_played": 40000, "master_metadata_track_name": "\\ud800"}]',
             b"[" * 100_000 + b"]" * 100_000,
             b'[{"ts": "2024-01-01T00:00:00Z", "ms_played": 1e400, "master_metadata_track_name": "x"}]']
    for body in cases:
        response = upload(http, url, body)
        text = response.text
        count("hostile rows", response.status_code >= 500 or "unexpectedly" in text)


def reactions(http, url, track):
    statuses = []

    def flip(number):
        for round_number in range(40):
            value = None if (number + round_number) % 2 else "like"
            statuses.append(http.put(f"{url}/api/me/reactions/{track}/", json={"reaction": value}).status_code)

    threads = [threading.Thread(target=flip, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for status in statuses:
        count("reaction race", status >= 500)
    response = http.post(f"{url}/me/reactions/{track}/", data={"reaction": "like"},
                         headers={"Referer": "//evil.example/"}, allow_redirects=False)
    count("open redirect", "evil.example" in response.headers.get("Location", ""))


def lockout(url, user, password):
    """12 bad logins on a made-up name from this address, then the real user's: signed in, not locked out.

    Through the login form: the token endpoint's own rate (API_THROTTLE_TOKEN, 10 a minute per address) would
    answer the 13th request 429 whoever asks, which says nothing about the lockout."""
    anonymous = requests.Session()
    for n in range(12):
        form(anonymous, f"{url}/accounts/login/", {"username": "made-up-user", "password": f"g{n}"})
    response = form(requests.Session(), f"{url}/accounts/login/", {"username": user, "password": password})
    count("lockout", response.status_code != 302)


def form(http, page, data):
    http.get(page)
    return http.post(page, data={**data, "csrfmiddlewaretoken": http.cookies.get("csrftoken", "")},
                     headers={"Referer": page}, allow_redirects=False)


def throttles(url):
    """More anonymous reads than API_THROTTLE_ANON allows in a minute (300), from 8 clients so that they fit in one
    minute on a slow machine: some must answer 429."""
    statuses = []

    def read():
        while len(statuses) < 600 and 429 not in statuses:
            statuses.append(requests.get(f"{url}/api/artists/").status_code)

    clients = [threading.Thread(target=read) for _ in range(8)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    count("throttle", 429 not in statuses)


def results(url, campaign, evaluator):
    if not campaign:
        return
    http = session(url, *evaluator.split(":", 1)) if evaluator else requests.Session()
    status = http.get(f"{url}/api/evaluation/campaigns/{campaign}/aggregates/").status_code
    count("live results", status == 200)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--track", help="a catalog Spotify id to flip reactions on")
    parser.add_argument("--open-campaign", type=int, help="an open campaign's id (results must stay hidden)")
    parser.add_argument("--evaluator", help="NAME:PASSWORD of an evaluator in that campaign")
    options = parser.parse_args()
    url = options.url.rstrip("/")
    http = session(url, options.user, options.password)
    timestamps(http, url)
    hostile_rows(http, url)
    if options.track:
        reactions(http, url, options.track)
    results(url, options.open_campaign, options.evaluator)
    lockout(url, options.user, options.password)
    throttles(url)
    print(f"{'kind':<16} {'tried':>6} {'failed':>6}")
    for kind in tried:
        print(f"{kind:<16} {tried[kind]:>6} {failed[kind]:>6}")
    return 1 if sum(failed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
