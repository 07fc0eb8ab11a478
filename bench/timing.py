"""What the benchmarks share to time requests: a percentile of measured times, and a timed GET through a test client."""

import sys
import time


def percentile(values, fraction):
    """The measured value at ``fraction`` (0.5 for p50, 0.95 for p95) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed_get(client, url, **headers):
    """Milliseconds a GET of ``url`` took through Django's test ``client``; any answer but 200 stops the bench."""
    started = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed
