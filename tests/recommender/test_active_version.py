"""The active index version is read once per process and read again after any index version write."""

import pytest
from django.core.cache import cache
from django.db import transaction

from recommender import active_version as cached
from recommender import selectors, services, storage
from recommender.models import IndexVersion
from songrec.lib import process_cache

Status = IndexVersion.Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def shared_cache(monkeypatch):
    """Tests run in one process, so even a LocMemCache is shared by everything that reads and writes here."""
    monkeypatch.setattr(process_cache, "cache_is_shared", lambda: True)
    cache.delete(cached.TOKEN_KEY)


def test_the_active_version_is_served_without_a_query_until_a_version_changes(django_assert_num_queries):
    version = IndexVersion.objects.create(status=Status.ACTIVE, k=10)
    assert selectors.active_version() == version
    with django_assert_num_queries(0):
        assert selectors.active_version() == version


def test_activating_another_version_is_seen_at_once(monkeypatch):
    old = IndexVersion.objects.create(status=Status.ACTIVE, k=10)
    new = IndexVersion.objects.create(status=Status.READY, k=20)
    assert selectors.active_version() == old
    monkeypatch.setattr(storage, "version_files_exist", lambda pk: True)
    services.activate_version(new)
    assert selectors.active_version() == new
    assert selectors.active_version().k == 20


def test_a_queryset_update_of_the_active_version_is_seen():
    version = IndexVersion.objects.create(status=Status.ACTIVE, k=10, n_tracks=30)
    assert selectors.active_version().n_tracks == 30
    IndexVersion.objects.filter(pk=version.pk).update(n_tracks=32)  # as an incremental update does
    assert selectors.active_version().n_tracks == 32


def test_deleting_the_active_version_leaves_none():
    version = IndexVersion.objects.create(status=Status.ACTIVE, k=10)
    assert selectors.active_version() == version
    version.delete()
    assert selectors.active_version() is None


def test_a_write_by_another_process_is_seen_through_the_shared_token():
    version = IndexVersion.objects.create(status=Status.ACTIVE, k=10)
    assert selectors.active_version() == version
    # Another process's write: the row changes without this process's hooks (a plain QuerySet), and this
    # process learns of it only from the token that process puts in the shared cache after committing.
    IndexVersion._base_manager.filter(pk=version.pk).update(status=Status.READY)
    assert selectors.active_version() == version  # the token has not changed: the cached answer stands
    cache.set(cached.TOKEN_KEY, "another process committed")
    assert selectors.active_version() is None


def test_a_version_read_inside_a_transaction_is_not_kept_after_a_rollback():
    IndexVersion.objects.create(status=Status.ACTIVE, k=10)
    try:
        with transaction.atomic():
            IndexVersion.objects.filter(status=Status.ACTIVE).update(status=Status.READY)
            assert selectors.active_version() is None
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert selectors.active_version() is not None


def test_callers_get_their_own_copy():
    IndexVersion.objects.create(status=Status.ACTIVE, k=10)
    selectors.active_version().k = 99
    assert selectors.active_version().k == 10
