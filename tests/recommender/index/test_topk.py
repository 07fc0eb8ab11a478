import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from recommender.index.topk import all_top_k, top_k_neighbors


def brute_force(matrix, k, metric):
    """Reference lists from the full float64 N×N matrix, ties broken by position."""
    x = matrix.astype(np.float64)
    if metric == "cosine":
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        key = -(unit @ unit.T)
    else:
        key = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(key, np.inf)
    order = np.argsort(key, axis=1, kind="stable")[:, :k]
    scores = np.take_along_axis(key, order, axis=1)
    return order, (-scores if metric == "cosine" else np.sqrt(scores))


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("n, k, block_rows, n_jobs", [(600, 25, 64, 2), (600, 25, 600, 1), (1500, 50, 128, 2)])
def test_top_k_is_exact_against_brute_force(metric, n, k, block_rows, n_jobs):
    rng = np.random.default_rng(n + k)
    matrix = rng.standard_normal((n, 16)).astype(np.float32)
    result = top_k_neighbors(matrix, k, metric, block_rows=block_rows, n_jobs=n_jobs)
    expected, scores = brute_force(matrix, k, metric)
    assert result.indices.shape == (n, k)
    assert (result.indices == expected).all()
    assert np.allclose(result.scores, scores, atol=1e-5)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_top_k_matches_scikit_learn_brute_force_nearest_neighbors(metric):
    rng = np.random.default_rng(7)
    matrix = rng.random((2000, 30), dtype=np.float32)
    result = top_k_neighbors(matrix, 20, metric, block_rows=256)
    reference = NearestNeighbors(n_neighbors=21, algorithm="brute", metric=metric).fit(matrix)
    _, neighbours = reference.kneighbors(matrix)
    expected = [[j for j in row if j != i][:20] for i, row in enumerate(neighbours)]
    recall = np.mean([len(set(ours) & set(theirs)) / 20 for ours, theirs in zip(result.indices, expected,
                                                                              strict=True)])
    assert recall == 1.0


def test_a_track_is_never_its_own_neighbour_even_with_duplicates():
    matrix = np.repeat(np.eye(4, dtype=np.float32), 3, axis=0)  # every vector three times
    for metric in ("cosine", "euclidean"):
        result = top_k_neighbors(matrix, 2, metric)
        for row, neighbours in enumerate(result.indices):
            assert row not in neighbours
            assert {row // 3} == {int(j) // 3 for j in neighbours}  # its two twins come first


def test_exact_ties_resolve_the_same_way_whatever_the_blocking():
    matrix = np.ones((50, 3), dtype=np.float32)
    results = [top_k_neighbors(matrix, 5, "cosine", block_rows=rows, n_jobs=jobs).indices
               for rows, jobs in ((7, 2), (50, 1), (16, 2))]
    assert all((result == results[0]).all() for result in results)
    assert all(row not in neighbours for row, neighbours in enumerate(results[0]))


def test_k_is_capped_for_tiny_catalogs():
    matrix = np.random.default_rng(1).random((4, 3), dtype=np.float32)
    result = top_k_neighbors(matrix, 50, "euclidean")
    assert result.indices.shape == (4, 3)
    assert top_k_neighbors(matrix[:1], 50, "cosine").indices.shape == (1, 0)


def test_scores_are_sorted_best_first():
    matrix = np.random.default_rng(3).standard_normal((300, 8)).astype(np.float32)
    cosine = top_k_neighbors(matrix, 10, "cosine")
    euclidean = top_k_neighbors(matrix, 10, "euclidean")
    assert (np.diff(cosine.scores, axis=1) <= 0).all()
    assert (np.diff(euclidean.scores, axis=1) >= 0).all()
    assert (cosine.scores <= 1.0 + 1e-6).all() and (euclidean.scores >= 0).all()


def test_progress_is_reported_up_to_every_row():
    calls = []
    matrix = np.random.default_rng(4).random((100, 4), dtype=np.float32)
    top_k_neighbors(matrix, 5, "cosine", block_rows=30, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (100, 100)
    assert len(calls) == 10  # 4 row blocks: 10 block pairs (i ≤ j), each computed once for both row sets
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric"):
        top_k_neighbors(np.ones((3, 2), dtype=np.float32), 1, "manhattan")


def test_both_metrics_from_one_pass_equal_separate_runs():
    matrix = np.random.default_rng(5).standard_normal((900, 12)).astype(np.float32)
    both = all_top_k(matrix, 15, block_rows=100, n_jobs=2)
    for metric in ("cosine", "euclidean"):
        alone = top_k_neighbors(matrix, 15, metric, block_rows=300, n_jobs=1)
        assert (both[metric].indices == alone.indices).all()
        assert np.allclose(both[metric].scores, alone.scores)


def test_cosine_ranks_the_same_from_raw_or_normalised_rows():
    matrix = np.random.default_rng(6).standard_normal((400, 10)).astype(np.float32) * 3
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    assert (top_k_neighbors(matrix, 10, "cosine").indices == top_k_neighbors(unit, 10, "cosine").indices).all()
