"""Lightweight track references for lists: one plain query instead of model instances and prefetches.

Similar-track lists are the hottest read in songrec; building full Track models with prefetched credits
for ten rows costs more than the lookup itself, so a list's tracks and their credits come in one joined query.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from .models import Track


@dataclass
class ArtistRef:
    id: int
    name: str
    spotify_id: str | None

    def get_absolute_url(self):
        return reverse("catalog:artist", args=[self.id])


@dataclass
class TrackRef:
    id: int
    spotify_id: str
    name: str
    hidden: bool
    artists: list = field(default_factory=list)

    @property
    def pk(self):
        return self.id

    @property
    def artist_names(self):
        return ", ".join(artist.name for artist in self.artists)

    def get_absolute_url(self):
        return reverse("catalog:track", args=[self.spotify_id])


def track_refs(track_ids):
    """{track id: TrackRef} for the ids that exist (hidden ones included, flagged), artists in credit order."""
    ids = list({int(track_id) for track_id in track_ids})
    return refs_of(Track.objects.filter(pk__in=ids)) if ids else {}


def refs_of(tracks):
    """{track id: TrackRef} for the tracks of a queryset, in one query (credits joined, not prefetched)."""
    refs = {}
    rows = tracks.order_by("id", "track_artists__position").values_list(
        "id", "spotify_id", "name", "hidden",
        "track_artists__artist_id", "track_artists__artist__name", "track_artists__artist__spotify_id")
    for track_id, spotify_id, name, hidden, artist_id, artist_name, artist_spotify_id in rows:
        ref = refs.get(track_id)
        if ref is None:
            ref = refs[track_id] = TrackRef(track_id, spotify_id, name, hidden)
        if artist_id is not None:
            ref.artists.append(ArtistRef(artist_id, artist_name, artist_spotify_id))
    return refs
