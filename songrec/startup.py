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
HOT_TEMPLATES = ("base.html", "catalog/home.html", "catalog/track_detail.html", "_fill.html",
                 "recommender/similar_panel.html", "clusters/track_panel.html", "recommender/recommend.html")
logger = logging.getLogger(__name__)


def warm_up():
    """Build what the first requests would otherwise build one at a time; a database not migrated yet (or any
    other failure) is logged and skipped, so the server still starts and builds them on first use."""
    from django.db import connections  # deferred: importing the apps needs the settings configured first
    from django.template.loader import get_template
    from django.urls import get_resolver

    from catalog.artist_names import warm_artist_names
    from catalog.search import get_index
    from catalog.songs import songs_with_several_tracks
    from recommender import selectors, storage
    from recommender.clusters.selectors import warm_active_clusters

    started = time.perf_counter()
    try:
        # Django imports the URLconf (every view, API and serializer module: ~0.3 s), its tag libraries and each
        # template on first use; done here, no first request pays for it (issue 14).
        resolver = get_resolver()
        resolver.resolve("/")
        _ = resolver.reverse_dict
        for name in HOT_TEMPLATES:
            get_template(name)
        search_index = get_index()
        warm_artist_names()  # the artists a search names
        active = selectors.active_version()
        if active is not None:
            data = storage.version_data(active.pk)
            # Derived arrays recommendations use: the filters' order, the vectors split for products.
            _ = data.popularity_order, data.normalized_split, data.weighted_split
        warm_active_clusters()  # the track page's cluster of every track
        songs_with_several_tracks()  # which track pages have other releases to show
        logger.info("warmed up in %.1f s: search index of %d tracks, index version %s", time.perf_counter() - started,
                    len(search_index.track_ids), active.pk if active else "none")
    except Exception as error:
        logger.warning("warm-up skipped: %s", error)
    finally:
        connections.close_all()
