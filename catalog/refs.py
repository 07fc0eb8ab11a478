"""Lightweight track references for lists: two plain queries instead of model instances and prefetches.

Similar-track lists are the hottest read in songrec; building full Track models with prefetched credits
for ten rows costs more than the lookup itself.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from .models import Track, TrackArtist


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
    if not ids:
        return {}
    refs = {row[0]: TrackRef(*row) for row in
            Track.objects.filter(pk__in=ids).values_list("id", "spotify_id", "name", "hidden")}
    credits = (TrackArtist.objects.filter(track_id__in=ids).order_by("track_id", "position")
               .values_list("track_id", "artist_id", "artist__name", "artist__spotify_id"))
    for track_id, artist_id, name, spotify_id in credits:
        if track_id in refs:
            refs[track_id].artists.append(ArtistRef(artist_id, name, spotify_id))
    return refs
