"""CSV export of raw ratings (one row per rating, with the frozen list context).

An answer without a score has an empty ``score`` and its reason in ``unrated`` ("unknown", "unplayable").
"""

import csv

from .selectors import ratings_for_export

COLUMNS = [
    "campaign_id", "campaign", "index_version_id", "task_id", "system", "seed_spotify_id", "seed_name",
    "item_id", "rank", "track_spotify_id", "track_name", "system_score", "cosine_similarity",
    "evaluator_id", "evaluator", "score", "unrated", "comment", "rated_at", "updated_at", "times_changed",
]
# Spreadsheet apps run cells starting with these as formulas; free text gets a leading quote instead.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    value = value or ""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def rating_rows(campaign=None):
    """Yield the header, then one list of cell values per rating (streams; never loads every rating at once)."""
    yield COLUMNS
    for rating in ratings_for_export(campaign).iterator(chunk_size=2000):
        item, task = rating.item, rating.item.task
        yield [
            task.campaign_id, _text(task.campaign.name), task.campaign.index_version_id, task.pk, task.system,
            task.seed_track.spotify_id, _text(task.seed_track.name), item.pk, item.rank, item.track.spotify_id,
            _text(item.track.name), item.system_score,
            "" if item.cosine_similarity is None else item.cosine_similarity,
            rating.evaluator_id, _text(rating.evaluator.get_username()),
            "" if rating.score is None else rating.score, rating.unrated, _text(rating.comment),
            rating.created_at.isoformat(), rating.updated_at.isoformat(), rating.change_count,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(campaign=None):
    """The export as CSV text lines, for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    for row in rating_rows(campaign):
        yield writer.writerow(row)
