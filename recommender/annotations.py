"""List annotators: what apps above the recommender add to its similar lists before a page or the API shows them.

Evaluation (which may import the recommender, not the other way round) registers its human scores from its
AppConfig.ready. An annotator takes the ``SimilarList``s of one seed and fills their items in place.
"""

_annotators = []


def register_list_annotator(annotator):
    """Add ``annotator(*similar_lists)``; registering twice is harmless."""
    if annotator not in _annotators:
        _annotators.append(annotator)


def annotate(similar, *more):
    """Run every registered annotator over the lists of one seed (one call for all, so one query each); returns
    the first list."""
    for annotator in _annotators:
        annotator(similar, *more)
    return similar
