"""The active index version, read from the database once per process until an index version changes.

Every similar list, recommendation and track page needs the active version. Each write to an IndexVersion row
(save, delete, or a queryset ``update``) calls ``index_versions_changed()``, and the version is otherwise
served from the process (songrec/process_cache.py says how, and when the database is read anyway).
"""

from songrec.lib.process_cache import ProcessCachedRead

from .models import IndexVersion

TOKEN_KEY = "recommender:index-versions-token"


def read_active_version():
    """The active IndexVersion from the database, or None before the first build."""
    return IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()


_active = ProcessCachedRead(TOKEN_KEY, read_active_version, copy_value=True)


def active_version():
    """The active IndexVersion (a copy the caller may change), or None before the first build."""
    return _active.get()


def index_versions_changed():
    """Called on every IndexVersion write: processes read the active version again once it is committed."""
    _active.changed()

