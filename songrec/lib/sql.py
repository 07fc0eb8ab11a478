"""Hand-written reads for the hottest paths: one fixed SQL text per read, whatever the number of ids.

A list item, a search result and a recommendation each read a few dozen tracks by id. Through the ORM such a
read costs the web worker ~2 ms of CPU (queryset cloning, SQL compilation, converters) against ~0.6 ms for the
same SQL run directly, and ``pk__in`` writes one placeholder per id, so each call is a new SQL text for psycopg
to split and PostgreSQL to parse (issue 14). ``one_of`` matches a column against a list given as *one*
parameter (``= ANY(%s)`` on PostgreSQL, ``json_each`` on SQLite, which the demo runs on), so the text is the
same on every call.

On PostgreSQL these reads also bind their parameters on the server, so psycopg prepares each one after it ran
``prepare_threshold`` times on a connection (``DATABASE_PREPARED_READS``, on by default): PostgreSQL then parses
and plans it once per connection instead of once per request. Django's own queries keep client-side binding and
are never prepared, so a query over the whole catalog never meets the 65,535-parameter limit of server-side binding.

Only plain reads that are tested equal to their ORM counterparts belong here; everything else uses the ORM.
"""

import json

import psycopg
from django.db import connection


def one_of(column, values, vendor=None):
    """(SQL condition, params): ``column`` equals one of ``values`` (a list of ints or of strings)."""
    values = list(values)
    if not values:
        return "1 = 0", []
    if (vendor or connection.vendor) == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]


def fetch_rows(sql, params=(), binary=False):
    """All rows of a query, as tuples. ``binary``: on PostgreSQL the rows come in binary (a float8 as its 8 bytes,
    not as text the server formats and psycopg parses: 0.33 → 0.20 s for the catalog's 90k tracks)."""
    with _cursor(binary) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cursor(binary=False):
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What connection.cursor() does, with a server-binding psycopg cursor in place of Django's client-binding one:
    # Django's wrapper still logs the query (debug, tests) and translates database errors. psycopg prepares a
    # statement only when the connection has a prepare_threshold (DATABASE_PREPARED_READS).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
        if binary:
            cursor.format = psycopg.pq.Format.BINARY
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
