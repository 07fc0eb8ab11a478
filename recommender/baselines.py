"""The baseline systems evaluation compares the content-based lists against.

* ``random``: a uniform draw per track from a generator seeded with (version id, seed track ids), so the
  same seed in the same version always gets the same list.
* ``popularity``: the most popular tracks, those sharing at least one genre with the seed(s) first, then
  the rest of the catalog by popularity (ties by track id). Sharing a genre makes the baseline a fair
  one for a content-based recommender: "popular in the seed's genre" is what a naive system would offer.

Each returns a ranking key per track position (higher first) and the score shown for it.
"""

import numpy as np


def random_key(data, seed_track_ids):
    generator = np.random.default_rng([data.version_id, *sorted(int(i) for i in seed_track_ids)])
    draws = generator.random(len(data))
    return draws, draws


def popularity_key(data, seed_positions):
    genres = np.unique(np.concatenate([data.genres_of(position) for position in seed_positions]))
    share = data.sharing_genres(genres)
    popularity = data.popularity
    # Popularity is 0–100, so "shares a genre" as +1 and popularity / 100 order genre first, then popularity.
    return share + popularity / 100.0, popularity
