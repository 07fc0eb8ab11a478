"""What a web process does before it serves anything: checks that fail a broken deployment once and clearly, and
the warm-up that builds the search index and opens the index files so no listener waits for them.

songrec/wsgi.py runs both, so they happen under gunicorn (in the master, before forking: see gunicorn_conf.py) and
under ``runserver`` alike, which loads the same WSGI application before it opens its port: the first search after
``make run`` answers at once instead of after the ~7 s the search index takes to build.
"""

import logging
import time

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def require_collected_static_files():
    """With DEBUG off, pages link hashed file names from collectstatic's manifest: refuse to start without it.

    Otherwise every page that links a stylesheet or script would answer 500 ("Missing staticfiles manifest
    entry"), one request at a time, instead of the server refusing to start with the fix in its log.
    """
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if settings.DEBUG or manifest is None or staticfiles_storage.exists(manifest):
        return
    raise ImproperlyConfigured(
        f"Static files are not collected: {settings.STATIC_ROOT / manifest} does not exist. "
        "Run `python manage.py collectstatic --noinput` (with the same STATIC_ROOT) before starting the server.")


# Compiled before the first request, like the URLconf: the templates of the pages a listener opens most.
HOT_TEMPLATES = ("base.html", "catalog/home.html", "catalog/track_detail.html", "_fill.html", "_player.html",
                 "recommender/similar_panel.html", "recommender/_similar_row.html", "personal/_reaction_buttons.html",
                 "clusters/track_panel.html", "recommender/recommend.html")
logger = logging.getLogger(__name__)


def warm_up():
    """Build what the first requests would otherwise build one at a time, before the server takes requests (under
    runserver, which loads songrec.wsgi, and in gunicorn's master before it forks): the URLconf (every view, API
    and serializer module: ~0.3 s), the hot templates, and what the apps registered with songrec.lib.warmup (the
    search index, the artists a search names, the active index files, clusters, songs). A database not migrated
    yet (or any other failure) is logged and skipped, so the server still starts and builds them on first use."""
    from django.db import connections  # deferred: importing the apps needs the settings configured first
    from django.template.loader import get_template
    from django.urls import get_resolver

    from songrec.lib.warmup import warm_up as run_registered_warmers

    started = time.perf_counter()
    try:
        resolver = get_resolver()
        resolver.resolve("/")
        _ = resolver.reverse_dict
        for name in HOT_TEMPLATES:
            get_template(name)
        done = run_registered_warmers()
        logger.info("warmed up in %.1f s: %s", time.perf_counter() - started, ", ".join(done) or "nothing to load")
    except Exception as error:
        logger.warning("warm-up skipped: %s", error)
    finally:
        connections.close_all()
