"""Offline ranking metrics at k with binary relevance (a held-out interaction is relevant)."""

import math


def precision_recall_ndcg(recommended, relevant, k=10):
    """(precision@k, recall@k, nDCG@k) of a ranked list of ids against the set of relevant ids."""
    top = list(recommended)[:k]
    hits = [1.0 if item in relevant else 0.0 for item in top]
    if not relevant:
        return 0.0, 0.0, 0.0
    dcg = sum(hit / math.log2(rank + 2) for rank, hit in enumerate(hits))
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return sum(hits) / k, sum(hits) / len(relevant), dcg / ideal if ideal else 0.0


def mean_metrics(rows):
    """Mean of (precision, recall, ndcg) tuples as {"precision_at_10", "recall_at_10", "ndcg_at_10"}."""
    rows = list(rows)
    if not rows:
        return {}
    return {name: round(sum(row[i] for row in rows) / len(rows), 5)
            for i, name in enumerate(("precision_at_10", "recall_at_10", "ndcg_at_10"))}
