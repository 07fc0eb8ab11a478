"""``first_build`` in every page's context: how far the first index build is, while there is no index yet."""

from django.utils.functional import SimpleLazyObject

from .selectors import first_build


def first_index(request):
    """Lazy: read when base.html's notice asks, which once the catalog has an index is only "is a version
    active?" (``selectors.first_build``)."""
    return {"first_build": SimpleLazyObject(first_build)}
