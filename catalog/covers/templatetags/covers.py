"""``{% cover album size %}``: an album's cover, lazy-loaded at a fixed size, or a neutral placeholder of that size;
nothing at all with COVER_ART=0."""

from django import template
from django.conf import settings

from ..selectors import cover_url

register = template.Library()

SIZES = {"row": 48, "page": 160}


@register.inclusion_tag("catalog/_cover.html")
def cover(album, size="row"):
    """``album``: an Album, an AlbumRef or None (a track without an album gets the placeholder)."""
    return {"show": settings.COVER_ART, "url": cover_url(album) or "", "size": size, "pixels": SIZES[size]}


@register.simple_tag
def cover_art_on():
    """``{% cover_art_on as covers %}``: whether pages show covers (scripts that draw rows need to know)."""
    return settings.COVER_ART
