"""Artists similar to an artist, from the active index: whose tracks are the nearest neighbours of theirs.

Each of the artist's most popular indexed tracks votes for the artists of its stored cosine neighbours, weighted
by the similarity; the artist's own credits don't count. Reads stored lists only (one query per seed track), so
an artist page costs a few milliseconds more; nothing before the first index build.
"""

from collections import defaultdict

from catalog.models import Artist, TrackArtist

from . import storage
from .selectors import active_version

SEED_TRACKS = 10
METRIC = "cosine"


def similar_artists(artist: Artist, seed_track_ids: list, limit: int = 8) -> list:
    """Up to ``limit`` Artists, most similar first; [] without an active index or indexed tracks."""
    version = active_version()
    if version is None:
        return []
    votes = defaultdict(float)
    neighbours = {}
    for track_id in seed_track_ids[:SEED_TRACKS]:
        found = storage.read_neighbor_list(version.pk, METRIC, track_id)
        if found is not None:
            for neighbour, score in zip(*found, strict=True):
                neighbours[int(neighbour)] = max(neighbours.get(int(neighbour), 0.0), float(score))
    credits = (TrackArtist.objects.filter(track_id__in=list(neighbours), track__hidden=False)
               .exclude(artist=artist).values_list("track_id", "artist_id"))
    for track_id, artist_id in credits:
        votes[artist_id] += neighbours[track_id]
    best = sorted(votes, key=lambda artist_id: -votes[artist_id])[:limit]
    by_id = Artist.objects.in_bulk(best)
    return [by_id[artist_id] for artist_id in best if artist_id in by_id]
