"""Reads of cover art: what an album shows, and the albums still to look up."""

from typing import Any

from django.conf import settings
from django.db.models import Min, Q, QuerySet

from ..models import Album


def cover_url(album: Any) -> str | None:
    """The image URL to show for ``album`` (an Album, an AlbumRef or None), or None: none known, or COVER_ART=0."""
    if not settings.COVER_ART or album is None:
        return None
    return getattr(album, "image_url", "") or None


def albums_without_cover() -> QuerySet[Album]:
    """Albums never looked up and without an image, each with ``lookup_track``: the Spotify id of one visible
    track of theirs (albums with none are left out: there is nothing to ask about)."""
    return (Album.objects.filter(image_url="", image_checked_at__isnull=True)
            .annotate(lookup_track=Min("tracks__spotify_id", filter=Q(tracks__hidden=False)))
            .exclude(lookup_track=None).order_by("pk"))
