"""What other apps add to a track's page: functions they register from their AppConfig.ready.

The catalog renders the page and may not import the apps above it; each registered ``part(request, track)`` returns
a dict added to the page's context (the recommender's similar lists, the clusters' cluster of the track), which
``catalog/track_detail.html`` (the one place the page is composed) shows with template includes.
"""

_parts = []


def register_track_page_part(part):
    """Add ``part(request, track) → dict`` to every track page's context; registering twice is harmless."""
    if part not in _parts:
        _parts.append(part)


def track_page_context(request, track):
    """The context the registered parts give ``track``'s page, in the order they were registered."""
    context = {}
    for part in _parts:
        context.update(part(request, track))
    return context
