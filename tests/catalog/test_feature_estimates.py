"""The catalog's estimator registry: only gaps are filled, typed like stored values, the first answer wins."""

import pytest

from catalog.feature_estimates import filled_features, register_estimator, unregister_estimator
from catalog.models import AUDIO_FEATURES
from tests.factories import TrackFactory


@pytest.fixture
def estimators():
    registered = []

    def register(estimator):
        register_estimator(estimator)
        registered.append(estimator)

    yield register
    for estimator in registered:
        unregister_estimator(estimator)


def test_estimators_fill_only_the_gaps_first_answer_first(db, estimators):
    track = TrackFactory(tempo=None, time_signature=None, key=None)
    estimators(lambda track: {"tempo": 118.5, "time_signature": 4.0, "energy": 0.0})
    estimators(lambda track: {"tempo": 90.0, "key": 5.0})
    filled = filled_features(track)
    assert filled.estimated == ("key", "tempo", "time_signature")  # AUDIO_FEATURES order
    assert filled.values["tempo"] == 118.5 and filled.values["key"] == 5 and filled.values["time_signature"] == 4
    assert isinstance(filled.values["time_signature"], int) and isinstance(filled.values["key"], int)
    assert filled.values["energy"] == track.energy  # a stored value is never replaced
    assert list(filled.values) == list(AUDIO_FEATURES)


def test_a_track_with_every_feature_asks_no_estimator(db, estimators):
    def refuse(track):
        raise AssertionError("asked for a complete track")

    estimators(refuse)
    track = TrackFactory()
    assert filled_features(track).estimated == () and filled_features(track).values == track.feature_values()


def test_registering_twice_asks_once(db, estimators):
    calls = []

    def count(track):
        calls.append(track)
        return {}

    estimators(count)
    register_estimator(count)
    filled_features(TrackFactory(tempo=None))
    assert len(calls) == 1
