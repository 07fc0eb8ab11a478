import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Profiles are cached per catalog revision, and revisions repeat between rolled-back tests."""
    cache.clear()
    yield
    cache.clear()
