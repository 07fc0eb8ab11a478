"""``first_build`` in every page's context: how far the first index build is, while there is no index yet."""

from django.utils.functional import SimpleLazyObject

from .selectors import first_build


def first_index(request):
    """Read only when the page's banner asks (base.html), and then only a cached "is a version active?" once the
    catalog has an index."""
    return {"first_build": SimpleLazyObject(first_build)}
