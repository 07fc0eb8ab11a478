"""Spotify's GET /recommendations over songrec's index: artist, genre and track seeds (at most 5 together).

A track seed is itself; an artist seed stands for the artist's most popular track in the index, a genre seed
for the genre's (selectors.indexed_seed_track). The seed tracks are blended like the native
/api/recommendations/ does (recommender.blending: mean cosine similarity, ``min_``/``max_`` filters,
``target_`` re-ranking), so both answer the same tracks for the same seed tracks. Each seed object reports the
blend's pool (tracks in the index but the seeds) and what passed the filters: songrec blends the seeds into one
list, so every seed carries the same sizes.
"""

from dataclasses import dataclass

from catalog.refs import track_refs
from recommender import selectors as recommender_selectors
from recommender import storage
from recommender.blending import blended_recommendations, seed_tracks
from recommender.request_params import parse_constraints

from . import selectors
from .errors import BadRequest, NonExistingId
from .params import check_id, parse_seed_list

# Spotify's rule for /v1/recommendations: at most five seeds of all kinds (the native API takes a whole playlist).
MAX_SEEDS = 5

DEFAULT_LIMIT, MAX_LIMIT = 20, 100


@dataclass
class Seed:
    kind: str  # "artist", "genre" or "track"
    id: str
    track_id: int | None = None
    initial_pool: int = 0
    after_filtering: int = 0


@dataclass
class SpotifyRecommendations:
    seeds: list
    tracks: list  # catalog Tracks, best first


def parse_seeds(params) -> list:
    """The seeds asked for, checked: 1–5 together, artist and track ids of 22 base-62 characters."""
    seeds = [Seed(kind, value) for kind in ("artist", "genre", "track")
             for value in parse_seed_list(params.get(f"seed_{kind}s"))]
    if not seeds:
        raise BadRequest("give at least one of seed_artists, seed_genres, seed_tracks")
    if len(seeds) > MAX_SEEDS:
        raise BadRequest(f"at most {MAX_SEEDS} seeds in all (seed_artists, seed_genres and seed_tracks), "
                         f"got {len(seeds)}")
    for seed in seeds:
        if seed.kind != "genre":
            check_id(seed.id)
    return seeds


def recommend(params, ids, *, limit: int) -> SpotifyRecommendations:
    """``limit`` recommendations for the seeds and min_/max_/target_ parameters in ``params``."""
    seeds = parse_seeds(params)
    constraints = parse_constraints(params)
    version = recommender_selectors.resolve_version()
    refs = _resolve(seeds, ids, version)
    seed_refs = [refs[track_id] for track_id in dict.fromkeys(seed.track_id for seed in seeds)]
    # The blend reads its candidates as the TrackRows the answer shows: one query, not a second for the objects.
    result, recommended = blended_recommendations("cosine", seed_refs, limit, constraints, version=version,
                                                  read_refs=selectors.tracks_by_pk)
    for seed in seeds:
        seed.initial_pool, seed.after_filtering = result.pool_size, result.filtered_size
    return SpotifyRecommendations(seeds, [row for _, row in recommended])


def _resolve(seeds, ids, version):
    """Each seed's track id, and {track id: TrackRef} of the seed tracks; 404 for an unknown track or artist, 400
    for a genre the catalog doesn't have."""
    refs = {}
    track_seeds = [seed for seed in seeds if seed.kind == "track"]
    if track_seeds:
        found, unknown = seed_tracks([seed.id for seed in track_seeds])
        if unknown:
            raise NonExistingId("track", unknown[0])
        for seed, ref in zip(track_seeds, found, strict=True):
            seed.track_id, refs[ref.pk] = ref.pk, ref
    for seed in seeds:
        if seed.kind == "artist":
            artist_id = ids.artist_pks.get(seed.id)
            if artist_id is None:
                raise NonExistingId("artist", seed.id)
            seed.track_id = selectors.indexed_seed_track(version, artist_id=artist_id)
            if seed.track_id is None:
                raise BadRequest(f"seed_artists: artist {seed.id} has no track in the recommendation index")
        elif seed.kind == "genre":
            seed.track_id = selectors.indexed_seed_track(version, genre=seed.id)
            if seed.track_id is None:
                raise BadRequest(f"seed_genres: unknown genre {seed.id!r}; "
                                 "GET /v1/recommendations/available-genre-seeds lists them")
    missing = [seed.track_id for seed in seeds if seed.track_id not in refs]
    return {**refs, **(track_refs(missing) if missing else {})}



def related_artists(artist_id: int, limit: int) -> list[int]:
    """Artists whose tracks the index finds closest to the artist's: the artist's most popular indexed tracks
    (up to 5) blended as seeds, then the credited artists of the recommended tracks in order, the artist left out."""
    version = recommender_selectors.resolve_version()
    top = [track.pk for track in selectors.artist_top_tracks(artist_id, limit=20)]
    positions = storage.version_data(version.pk).positions(top) if top else []
    seeds = [pk for pk, position in zip(top, positions, strict=True) if position >= 0][:MAX_SEEDS]
    if not seeds:
        return []
    refs = track_refs(seeds)
    _, recommended = blended_recommendations("cosine", [refs[pk] for pk in seeds], 100, None, version=version)
    related = []
    for _, ref in recommended:
        for artist in ref.artists:
            if artist.id != artist_id and artist.id not in related:
                related.append(artist.id)
    return related[:limit]
