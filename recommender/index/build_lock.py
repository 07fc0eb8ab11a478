"""The rebuild lock: a PostgreSQL advisory lock held by the builder for the life of its build.

The lock lives on a connection of its own, so it is released by PostgreSQL the moment the building process dies
— ``kill -9`` included, as the server sees the socket close. Whoever takes the lock therefore knows that any
version still marked "building" belongs to a dead builder. Databases without advisory locks (the SQLite demo)
fall back to the heartbeat: a building version silent for ``RECOMMENDER_REBUILD_STALE_SECONDS`` is dead.
"""

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Any constant 64-bit key; advisory locks are per database, so test and bench databases don't collide.
REBUILD_LOCK_KEY = 0x736F6E6772656331  # "songrec1"


class BuildLock:
    """``acquire()`` tries the lock without waiting and says whether it got it; ``release()`` drops it.

    ``supported`` is False on databases without advisory locks, where ``acquire()`` always succeeds.
    """

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self.supported = connections[alias].vendor == "postgresql"
        self._connection: BaseDatabaseWrapper | None = None

    def acquire(self) -> bool:
        if not self.supported:
            return True
        # A private connection: Django may close or recycle its own ones between queries of a long build.
        connection = connections.create_connection(self.alias)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [REBUILD_LOCK_KEY])
                acquired = cursor.fetchone()[0]
        except BaseException:
            connection.close()
            raise
        if not acquired:
            connection.close()
            return False
        self._connection = connection
        return True

    @property
    def held(self) -> bool:
        return self._connection is not None or not self.supported

    def release(self) -> None:
        """Drop the lock (closing its connection releases it even if the unlock fails)."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK_KEY])
        finally:
            connection.close()


def builder_alive(alias: str = "default") -> bool | None:
    """Whether some process holds the rebuild lock right now (a read of ``pg_locks``; None without locks)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # A bigint advisory key shows up split into classid (high half) and objid (low half), objsubid 1.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objid = %s)",
            [REBUILD_LOCK_KEY >> 32, REBUILD_LOCK_KEY & 0xFFFFFFFF])
        return cursor.fetchone()[0]
