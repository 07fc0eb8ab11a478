"""gunicorn settings for production: ``gunicorn -c songrec/gunicorn_conf.py songrec.wsgi``.

The application is loaded once in the master (``preload_app``); loading it (songrec/wsgi.py) builds the search
index and opens the active index version's files (songrec.startup.warm_up) *before* forking, so every worker
starts with them (shared copy-on-write pages) instead of spending ~2 s on its first search. ``gc.freeze()`` then
moves those long-lived objects out of the garbage collector's generations: collections no longer walk the
index's millions of objects (the 120–170 ms pauses behind the search p99) nor write to their pages, which keeps
them shared between workers.
"""

import gc
import os

# A request does at most a matrix-vector product over the index (a multi-seed query: 90k × 128): BLAS threads
# only spin against the other workers there (9.7 ms of CPU with two threads, 5.0 ms with one). Set before the
# application, and so numpy, is imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
# GUNICORN_PRELOAD=0: each worker loads the application and builds its own search index (for comparison).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
# GUNICORN_GC_FREEZE=0 leaves the collector alone (to measure what gc.freeze() changes).
freeze_gc = os.environ.get("GUNICORN_GC_FREEZE", "1") != "0"
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def when_ready(server):
    """In the master, after the application is loaded and before the first fork: warm the shared state."""
    if not server.cfg.preload_app:  # each worker loads the application (and builds its index) itself
        return
    from django.db import connections

    # Loading songrec.wsgi in this master already warmed everything (songrec.startup.warm_up).
    connections.close_all()  # each worker opens its own connection
    if freeze_gc:
        gc.freeze()
    server.log.info("search index and index files loaded before forking; gc %s",
                    "frozen" if freeze_gc else "left alone")
