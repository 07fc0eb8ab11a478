"""Bump the catalog revision whenever tracks or their credits change through the ORM.

Bulk writes (the importer, the crawler) bypass signals and call CatalogRevision.bump() themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Album, Artist, CatalogRevision, Track, TrackArtist, TrackGenre

WATCHED = (Track, Artist, Album, TrackArtist, TrackGenre)


def bump_on_write(sender, **kwargs):
    # Bumped inside the writer's transaction: readers in other processes see the new number only after commit.
    CatalogRevision.bump()


for _model in WATCHED:
    post_save.connect(bump_on_write, sender=_model, dispatch_uid=f"catalog-revision-save-{_model.__name__}")
    post_delete.connect(bump_on_write, sender=_model, dispatch_uid=f"catalog-revision-delete-{_model.__name__}")


@receiver(m2m_changed, sender=Track.genres.through)
def bump_on_genres(sender, action, **kwargs):
    if action.startswith("post_"):
        CatalogRevision.bump()
