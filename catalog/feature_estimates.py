"""Estimated audio features: the values a higher layer fills a track's missing features with, by registration.

The catalog stores what the files and Spotify said, gaps included. A track missing a few features is still
recommended from because the recommender's fitted pipeline fills each gap with an estimate; pages and the API
show those values marked as estimated. The catalog cannot import the recommender (imports flow one way), so the
recommender registers an estimator here when its app is ready, and the catalog asks ``filled_features``.

An estimator is ``estimator(track) -> {feature name: value}``, answering for some of the track's missing
features (those it really filled, e.g. in the index being served) and ``{}`` when it knows nothing. It must be
cheap: the track page and the track API call it on every request.
"""

from dataclasses import dataclass

from .models import AUDIO_FEATURES, Track

_estimators = []


def register_estimator(estimator):
    """Ask ``estimator`` for a track's missing features from now on (registering it twice adds it once)."""
    if estimator not in _estimators:
        _estimators.append(estimator)


def unregister_estimator(estimator):
    if estimator in _estimators:
        _estimators.remove(estimator)


@dataclass(frozen=True)
class FilledFeatures:
    """A track's audio features as they are used: the stored value, else an estimate, else None."""

    values: dict  # every name of AUDIO_FEATURES, in that order
    estimated: tuple  # the names whose value is an estimate, in AUDIO_FEATURES order


def filled_features(track: Track) -> FilledFeatures:
    """The track's features with each gap an estimator fills (the first registered one that answers wins),
    typed like the stored values (integers for key, mode and time signature)."""
    values = track.feature_values()
    estimates = {}
    if any(value is None for value in values.values()):
        for estimator in _estimators:
            for name, value in estimator(track).items():
                if name in values and values[name] is None and value is not None and name not in estimates:
                    estimates[name] = Track._meta.get_field(name).to_python(value)
    estimated = tuple(name for name in AUDIO_FEATURES if name in estimates)
    return FilledFeatures(values={**values, **estimates}, estimated=estimated)
