"""The index version's unit vectors laid out for scoring a few taste centres against the whole catalog fast.

The normalised vectors are mostly zeros: a dozen dense audio columns and a wide, sparse block of genre words.
A dense product reads all 46 MB of the 89,740 × 128 float32 matrix per request; split into a small dense
block and a CSR matrix of the sparse columns, the same product reads a tenth of that and gives the same
scores. Built once per process and version (one pass over the memory-mapped file), like the version data.
"""


import numpy as np
from scipy import sparse

from recommender import storage
from songrec.lib.process_cache import ProcessCacheDict

# A column with values in at least this share of the rows is kept dense.
DENSE_SHARE = 0.3
_vectors = ProcessCacheDict(keep=1)  # version id → (the VersionData they came from, CatalogVectors)


class CatalogVectors:
    def __init__(self, normalized):
        normalized = np.asarray(normalized, dtype=np.float32)
        share = np.count_nonzero(normalized, axis=0) / max(1, len(normalized))
        self.dense_columns = np.flatnonzero(share >= DENSE_SHARE)
        self.sparse_columns = np.flatnonzero(share < DENSE_SHARE)
        self.dense = np.ascontiguousarray(normalized[:, self.dense_columns])
        self.sparse = sparse.csr_matrix(normalized[:, self.sparse_columns])

    def similarities(self, centres):
        """Cosine similarity of every track to each of ``centres`` (unit rows): tastes × tracks, float32."""
        centres = np.asarray(centres, dtype=np.float32)
        scores = self.dense @ centres[:, self.dense_columns].T
        if self.sparse.nnz:
            scores += self.sparse @ centres[:, self.sparse_columns].T
        return np.ascontiguousarray(scores.T)


def catalog_vectors(version_id):
    """The CatalogVectors of a version's current VersionData (rebuilt when that was reloaded)."""
    data = storage.version_data(version_id)
    source, vectors = _vectors.get(version_id, (None, None))
    if source is not data:
        vectors = CatalogVectors(data.normalized)
        _vectors.put(version_id, (data, vectors))  # only the active version is scored; a switch rebuilds this once
    return vectors
