"""Support for tests that migrate the test database back and forth (``transaction=True, serialized_rollback=True``).

Such a test starts by loading the snapshot of the freshly migrated database, rows and primary keys as they were.
A transactional test that ran before it without ``serialized_rollback`` left content types (and permissions)
that post_migrate re-created after its flush, under other ids: loading the snapshot's then fails on the unique
(app_label, model) key, so the test errored or not depending on the order tests ran in. The fixture below empties
those tables first (the snapshot brings them back whole), whatever ran before.
"""

import pytest
from django.db import connection


@pytest.fixture
def django_db_setup(django_db_setup, django_db_blocker):
    """The session's test database, without the content types a previous test's flush re-created."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE django_content_type CASCADE")  # and the permissions, grants and log rows on them
