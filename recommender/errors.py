"""Errors the recommender raises to its callers (pages, API, other apps); each carries its HTTP status."""

from songrec.lib.errors import ConflictError, DomainError, NotFoundError, UnavailableError


class RecommenderError(DomainError):
    """Base class of the recommender's expected failures."""


class NoActiveIndex(RecommenderError, UnavailableError):
    """No index version is active yet: nothing can be recommended until one is built."""

    default_message = "No recommendation index is active yet: build one with `manage.py rebuild_index`."
    retry_after = None  # a build is an admin's job, not a matter of waiting


class UnknownTrack(RecommenderError, NotFoundError, LookupError):
    """The seed track is not in the index version (hidden, missing features, or newer than the build)."""

    def __init__(self, track_id, version_id):
        self.track_id, self.version_id = track_id, version_id
        super().__init__(f"track {track_id} is not in index version {version_id}: it is hidden, lacks more than 3 "
                         f"audio features, or was added after that version was built")


class IndexFilesMissing(RecommenderError, UnavailableError):
    """The version's feature files are not on this server's disk (RECOMMENDER_INDEX_DIR)."""

    default_message = "The recommendation index is unavailable."
    retry_after = None


class RebuildInProgress(RecommenderError, ConflictError):
    """Another live builder holds the rebuild lock (``version`` is what it builds, None while it starts)."""

    def __init__(self, version=None):
        self.version = version
        if version is None:
            super().__init__("another rebuild is starting")
        else:
            super().__init__(f"another rebuild is running (index version {version.pk}, "
                             f"{version.stage or 'starting'}, {version.progress:.0%} done)")


class RebuildError(RecommenderError):
    """A rebuild can't run with these inputs (empty catalog, bad parameters)."""


# A track missing up to MAX_ESTIMATED_FEATURES (3) audio features is indexed with estimates (index/features.py).
NOTHING_TO_INDEX = ("the catalog has fewer than 2 visible tracks with audio features (a track may miss at most 3, "
                    "which the index estimates); import tracks first (manage.py import_tracks)")


class RecallTooLow(RebuildError):
    """An approximate build's measured recall is under the minimum: it is refused and the active version stays."""
