"""The real Spotify Tracks Dataset, imported and indexed once per test session for every test in this folder.

Tests here run last (see ``pytest_collection_modifyitems`` in the root conftest) because the catalog they share
stays in the test database: tests must not change it outside their own rolled-back transaction. The dataset comes
from ../shared/data (or ``$SONGREC_DATASET``); when it is absent these tests fail rather than skip, unless
``SONGREC_ALLOW_NO_DATASET=1`` says the machine is known not to have it.
"""

import os
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from catalog.dataset_finder import find_dataset
from catalog.models import Track
from recommender import services
from recommender.index.params import IndexParams
from recommender.models import IndexVersion
from songrec.lib.process_cache import forget_all
from tests.conftest import var_settings


@dataclass
class RealCatalog:
    """What the session fixture imported and built: the import's summary line and the active index version."""

    path: object
    import_summary: str
    import_problems: str
    version: IndexVersion


def real_dataset_path():
    """The real dataset's path; fails the test when it is absent (skips with ``SONGREC_ALLOW_NO_DATASET=1``)."""
    path = find_dataset()
    if path is None:
        if os.environ.get("SONGREC_ALLOW_NO_DATASET") == "1":
            pytest.skip("the real dataset is absent and SONGREC_ALLOW_NO_DATASET=1")
        pytest.fail("the real Spotify Tracks Dataset is not in ../shared/data (or $SONGREC_DATASET)")
    return path


@pytest.fixture(scope="session")
def real_var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("realdata-var")


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, real_var_dir, mlflow_dir):
    """Overrides the root fixture: the session's index files must stay where the session build wrote them."""
    for name, value in var_settings(real_var_dir, mlflow_dir).items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Overrides the root fixture: the search index over the real catalog is built once and kept."""
    yield


@pytest.fixture(scope="session")
def real_catalog(django_db_setup, django_db_blocker, real_var_dir, mlflow_dir):
    """The whole real dataset imported into the test database and indexed (active version), once per session."""
    path = real_dataset_path()
    out, err = StringIO(), StringIO()
    # pytest-django's ``settings`` fixture is per test; a session fixture sets and restores them itself.
    session_settings = var_settings(real_var_dir, mlflow_dir)
    previous = {name: getattr(django_settings, name) for name in session_settings}
    for name, value in session_settings.items():
        setattr(django_settings, name, value)
    try:
        with django_db_blocker.unblock():
            if not Track.objects.exists():
                call_command("import_tracks", str(path), "--no-progress", stdout=out, stderr=err)
            forget_all()
            version = services.rebuild_index(IndexParams.from_settings()).version
    finally:
        for name, value in previous.items():
            setattr(django_settings, name, value)
    return RealCatalog(path=path, import_summary=out.getvalue(), import_problems=err.getvalue(), version=version)


@pytest.fixture
def tidytuesday_path(real_catalog):
    """TidyTuesday's spotify_songs.csv.gz beside the real dataset (the test fails when it is absent)."""
    path = Path(real_catalog.path).parent / "tidytuesday" / "spotify_songs.csv.gz"
    if not path.exists():
        pytest.fail(f"TidyTuesday's spotify_songs.csv.gz is not beside the real dataset ({path})")
    return path
