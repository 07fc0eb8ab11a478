import joblib
import numpy as np
import pytest

from catalog.models import AUDIO_FEATURES
from recommender.index.features import GenreTokens, estimated_values, fit_features, load_catalog
from recommender.index.params import IndexParams
from tests.factories import TrackFactory
from tests.recommender.conftest import build


def params(**overrides):
    return IndexParams.from_settings(**overrides)


def test_genre_names_are_tokens_and_so_are_the_words_they_share():
    tokens = GenreTokens.for_genres(["alt-rock", "hard-rock", "k-pop", "j-pop", "house", "chicago-house",
                                     "rock-n-roll", "drum-and-bass", "r-n-b"])
    assert tokens("alt-rock|k-pop") == ["alt-rock", "rock", "k-pop", "pop"]
    assert tokens("chicago-house") == ["chicago-house", "house"]  # "chicago" is in no other genre
    assert tokens("rock-n-roll") == ["rock-n-roll", "rock"]
    assert tokens("drum-and-bass|r-n-b") == ["drum-and-bass", "r-n-b"]
    assert tokens("Jazz| |") == ["jazz"]
    assert tokens("") == []


def test_hidden_and_incomplete_tracks_are_left_out(catalog):
    table = load_catalog()
    assert len(table) == 30
    assert catalog["hidden"].pk not in table.track_ids
    assert catalog["incomplete"].pk not in table.track_ids
    assert list(table.track_ids) == sorted(table.track_ids)


def test_genres_and_lead_artists_are_loaded_per_track(catalog):
    table = load_catalog()
    song = catalog["k-pop"][3]
    position = list(table.track_ids).index(song.pk)
    assert table.genres[position] == ["k-pop"]
    assert table.primary_artists[position] == song.ordered_artists[0].pk
    assert table.audio[position, AUDIO_FEATURES.index("energy")] == pytest.approx(song.energy)


def test_audio_features_are_standardised_and_weighted(catalog):
    table = load_catalog()
    matrices = fit_features(table, params(genre_weight=0, feature_weights={"key": 0.5, "time_signature": 0}))
    weights = np.array([{"key": 0.5, "time_signature": 0.0}.get(name, 1.0) for name in AUDIO_FEATURES])
    expected_std = weights / np.sqrt((weights ** 2).sum())
    assert matrices.weighted.shape == (30, 12)
    assert np.allclose(matrices.weighted.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(matrices.weighted.std(axis=0), expected_std, atol=1e-5)
    # The whole block has unit mean squared norm, so block weights compare like for like.
    assert np.mean(np.sum(matrices.weighted.astype(np.float64) ** 2, axis=1)) == pytest.approx(1.0, abs=1e-5)


def test_genre_block_is_tf_idf_weighted_by_the_genre_weight(catalog):
    table = load_catalog()
    matrices = fit_features(table, params(audio_weight=0, genre_weight=2.0))
    assert set(matrices.feature_names) == {"genres__rock", "genres__jazz", "genres__k-pop"}
    norms = np.linalg.norm(matrices.weighted, axis=1)
    assert np.allclose(norms, 2.0, atol=1e-5)  # each row's TF-IDF vector has norm 1, times the weight
    genre_of = {name: index for index, name in enumerate(matrices.feature_names)}
    rock_row = list(table.genres).index(["rock"])
    assert matrices.weighted[rock_row, genre_of["genres__rock"]] == pytest.approx(2.0)


def test_block_weights_set_each_blocks_share_of_the_vector(catalog):
    table = load_catalog()
    matrices = fit_features(table, params(audio_weight=1.0, genre_weight=3.0))
    audio = matrices.weighted[:, :12].astype(np.float64)
    genres = matrices.weighted[:, 12:].astype(np.float64)
    assert np.mean(np.sum(audio ** 2, axis=1)) == pytest.approx(1.0, abs=1e-5)
    assert np.mean(np.sum(genres ** 2, axis=1)) == pytest.approx(9.0, abs=1e-4)


def test_popularity_block_is_optional(catalog):
    table = load_catalog()
    without = fit_features(table, params())
    with_popularity = fit_features(table, params(popularity_weight=0.5))
    assert "popularity__popularity" not in without.feature_names
    assert "popularity__popularity" in with_popularity.feature_names
    assert with_popularity.weighted.shape[1] == without.weighted.shape[1] + 1


def test_rows_are_l2_normalised_float32(catalog):
    matrices = fit_features(load_catalog(), params())
    assert matrices.weighted.dtype == matrices.normalized.dtype == np.float32
    assert np.allclose(np.linalg.norm(matrices.normalized, axis=1), 1.0, atol=1e-6)


def test_tracks_without_genres_still_get_a_vector(db):
    TrackFactory.create_batch(3)
    TrackFactory(genres=["rock"])
    matrices = fit_features(load_catalog(), params())
    assert np.isfinite(matrices.normalized).all()
    assert matrices.normalized.shape[0] == 4


def test_a_catalog_without_any_genre_uses_audio_alone(db):
    TrackFactory.create_batch(4)
    matrices = fit_features(load_catalog(), params())
    assert matrices.weighted.shape == (4, 12)


def test_the_fitted_pipeline_is_saved_with_the_version_and_reproduces_the_vectors(active):
    pipeline = joblib.load(active.directory / "pipeline.joblib")
    table = load_catalog()
    vectors = pipeline.transform(table.frame())
    stored = np.load(active.directory / "normalized.npy")
    assert np.allclose(vectors, stored, atol=1e-6)


@pytest.mark.parametrize("overrides, message", [
    ({"k": 0}, "k must be"),
    ({"genre_weight": -1}, "genre_weight must be a number ≥ 0"),
    ({"audio_weight": 0, "genre_weight": 0}, "at least one"),
    ({"feature_weights": {"bogus": 1}}, "unknown audio feature"),
])
def test_bad_parameters_are_refused_with_a_reason(catalog, overrides, message):
    from recommender.errors import RebuildError

    with pytest.raises(RebuildError, match=message):
        build(**overrides)


def test_a_track_missing_a_feature_is_indexed_with_the_catalog_s_median_or_mode_kept_in_the_pipeline(catalog):
    tidy = TrackFactory(name="no time signature", genres=["rock"], time_signature=None, tempo=None)
    for track, signature in zip(catalog["jazz"][:4], (3, 3, 5, 7), strict=True):
        track.time_signature = signature
        track.save()
    table = load_catalog()
    assert len(table) == 31 and tidy.pk in table.track_ids

    matrices = fit_features(table, params(genre_weight=0))
    known = [t.tempo for group in ("rock", "jazz", "k-pop") for t in catalog[group]]
    estimated = estimated_values(matrices.pipeline)
    assert estimated["time_signature"] == 4  # the commonest of 26 fours, two threes, a five and a seven
    assert estimated["tempo"] == pytest.approx(float(np.median(known)))
    assert np.isfinite(matrices.weighted).all()
    # The fitted pipeline fills a gap the same way later (incremental updates, the distributed build).
    row = list(table.track_ids).index(tidy.pk)
    again = matrices.pipeline.named_steps["stack"].transform(table.frame().iloc[[row]])
    assert np.allclose(again, matrices.weighted[row], atol=1e-6)


def test_a_pipeline_without_the_audio_block_estimates_nothing(catalog):
    assert estimated_values(fit_features(load_catalog(), params(audio_weight=0)).pipeline) is None
