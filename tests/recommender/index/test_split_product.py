"""Products with every track through dense + sparse columns equal the plain matrix product (issue 14)."""

import numpy as np
import pytest

from recommender.index.split_product import SplitMatrix


def vectors_like_a_version(rows, seed=0):
    """A dozen dense audio columns and 116 genre columns with one or two nonzeros per row, unit rows."""
    rng = np.random.default_rng(seed)
    matrix = np.zeros((rows, 128), dtype=np.float32)
    matrix[:, :12] = rng.normal(size=(rows, 12))
    matrix[np.arange(rows), 12 + rng.integers(0, 116, rows)] = rng.uniform(1, 3, rows)
    second = rng.random(rows) < 0.3
    matrix[np.flatnonzero(second), 12 + rng.integers(0, 116, int(second.sum()))] = 2.0
    matrix[rows // 2] = matrix[rows // 3]  # equal vectors must score equally
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@pytest.mark.parametrize("rows", [1, 7, 5_000, 70_000])
def test_the_split_product_is_the_matrix_product(rows, tmp_path):
    matrix = vectors_like_a_version(rows)
    np.save(tmp_path / "m.npy", matrix)
    mapped = np.load(tmp_path / "m.npy", mmap_mode="r")  # as a web process opens a version's files
    split = SplitMatrix(mapped)
    query = matrix[: min(3, rows)].mean(axis=0)
    seeds = matrix[: min(3, rows)].T
    if rows > 100:
        assert split.dense_columns.tolist() == list(range(12)) and split.sparse.nnz < 2 * rows
    for right in (query, seeds):
        product = split.dot(right)
        assert product.dtype == np.float32 and product.shape == (matrix @ right).shape
        np.testing.assert_allclose(product, matrix @ right, rtol=0, atol=2e-6)
    if rows > 3:
        scores = split.dot(query)
        assert scores[rows // 2] == scores[rows // 3]


def test_all_dense_and_all_zero_matrices():
    dense = np.random.default_rng(1).normal(size=(50, 6)).astype(np.float32)
    np.testing.assert_allclose(SplitMatrix(dense).dot(np.ones(6)), dense @ np.ones(6, np.float32), atol=1e-5)
    zero = np.zeros((40, 5), dtype=np.float32)
    assert SplitMatrix(zero).dot(np.ones(5)).tolist() == [0.0] * 40


def test_rows_dot_gives_one_contiguous_row_of_scores_per_vector():
    matrix = vectors_like_a_version(5_000, seed=3)
    rows = matrix[[4, 40, 400]] * 0.5 + matrix[[5, 50, 500]] * 0.5
    scores = SplitMatrix(matrix).rows_dot(rows)
    assert scores.shape == (3, 5_000) and scores.flags.c_contiguous and scores.dtype == np.float32
    np.testing.assert_allclose(scores, rows @ matrix.T, rtol=1e-5, atol=1e-6)
