"""A version's vectors as their dense columns plus their sparse ones, for products with every track.

A track's 128 dimensions are a dozen scaled audio features, nonzero for every track, and the TF-IDF weights of
the dataset's 114 genres, of which a track has one or two: 13.5 nonzeros per row on the real catalog. A
multi-seed recommendation multiplies the whole 90k × 128 float32 matrix (46 MB) by one vector, a pass bound by
memory bandwidth (3.6 ms on this machine, the largest part of the request, issue 14). Split into a contiguous
90k × 12 dense block and a CSR matrix of the genre columns, the same product reads ~6 MB (~0.5 ms).

The sums run in another order than one BLAS product's, so a score may differ from ``matrix @ vector`` in its
last float32 bit; tracks with equal vectors still get equal scores.
"""

import numpy as np
from scipy import sparse

# A column nonzero for more than this share of the tracks is kept dense.
DENSE_SHARE = 0.25
BLOCK_ROWS = 65_536


class SplitMatrix:
    """``matrix`` (tracks × dimensions, float32, may be memory-mapped), kept as dense columns + CSR columns."""

    def __init__(self, matrix: np.ndarray) -> None:
        rows, columns = matrix.shape
        nonzero = np.zeros(columns, dtype=np.int64)
        for start in range(0, rows, BLOCK_ROWS):
            nonzero += np.count_nonzero(np.asarray(matrix[start:start + BLOCK_ROWS]), axis=0)
        dense = nonzero > DENSE_SHARE * rows
        self.shape = (rows, columns)
        self.dense_columns = np.flatnonzero(dense)
        self.sparse_columns = np.flatnonzero(~dense)
        self.dense = np.ascontiguousarray(matrix[:, self.dense_columns], dtype=np.float32)
        blocks = [sparse.csr_matrix(np.asarray(matrix[start:start + BLOCK_ROWS][:, self.sparse_columns],
                                               dtype=np.float32))
                  for start in range(0, rows, BLOCK_ROWS)]
        self.sparse = (sparse.vstack(blocks, format="csr") if blocks
                       else sparse.csr_matrix((0, len(self.sparse_columns)), dtype=np.float32))

    def dot(self, right: np.ndarray) -> np.ndarray:
        """``matrix @ right`` for a vector (dimensions,) or a matrix (dimensions, k), as float32."""
        right = np.asarray(right, dtype=np.float32)
        product = self.dense @ right[self.dense_columns]
        if self.sparse.nnz:
            product += self.sparse @ right[self.sparse_columns]
        return product

    def rows_dot(self, rows: np.ndarray) -> np.ndarray:
        """``rows @ matrix.T`` for a few vectors (k, dimensions): k × tracks, float32, one contiguous row per vector
        (what ranking each vector's scores reads fastest)."""
        rows = np.asarray(rows, dtype=np.float32)
        product = rows[:, self.dense_columns] @ self.dense.T
        if self.sparse.nnz:
            product += (self.sparse @ rows[:, self.sparse_columns].T).T
        return product

