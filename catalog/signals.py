"""Bump the catalog revision whenever tracks or their credits change through the ORM.

Bulk writes (the importer, the crawler) bypass signals and call CatalogRevision.bump() themselves.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Album, Artist, CatalogRevision, Track, TrackArtist, TrackGenre

WATCHED = (Track, Artist, Album, TrackArtist, TrackGenre)


def _bump_after_commit():
    transaction.on_commit(CatalogRevision.bump)


@receiver(post_save)
@receiver(post_delete)
def bump_on_write(sender, **kwargs):
    if sender in WATCHED:
        _bump_after_commit()


@receiver(m2m_changed, sender=Track.genres.through)
def bump_on_genres(sender, action, **kwargs):
    if action.startswith("post_"):
        _bump_after_commit()
