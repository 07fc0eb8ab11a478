"""recommender/ranking.py: which of a list's tracks may be shown."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Track
from recommender.ranking import visible_track_ids
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def test_visible_track_ids_are_what_the_orm_calls_visible_read_in_one_query():
    shown = [TrackFactory() for _ in range(3)]
    hidden = TrackFactory(hidden=True)
    deleted = TrackFactory()
    deleted_id = deleted.pk
    deleted.delete()
    asked = [track.pk for track in shown] + [hidden.pk, deleted_id]

    with CaptureQueriesContext(connection) as queries:
        found = visible_track_ids(np.array(asked, dtype=np.int64))  # as best_visible passes them

    assert found == set(Track.objects.visible().filter(pk__in=asked).values_list("pk", flat=True))
    assert found == {track.pk for track in shown}
    assert len(queries) == 1
    assert visible_track_ids([]) == set()
