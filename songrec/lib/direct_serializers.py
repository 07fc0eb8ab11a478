"""Serializers for list items that write their declared fields directly instead of field by field.

DRF reads every field of every item through its generic machinery (a source lookup, a None check and a
conversion per field): for a list of 20 tracks that was 1.2 ms of a recommendations request, more than the
query that read them (issue 14). A serializer with ``DirectRepresentation`` keeps its declared fields, so the
OpenAPI schema is still generated from it, and writes them in ``represent(instance)``; ``finish(data,
instance)`` adjusts both paths alike. ``generic_representation`` is DRF's own path: the tests check that the
two agree, key order included, for every such serializer.
"""

from rest_framework import serializers


class DirectRepresentation:
    """Mixin (before the serializer base): ``to_representation`` is ``finish(represent(instance))``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass that adds fields without writing them in its own represent() would silently drop them.
        writer = next(klass for klass in cls.__mro__ if "represent" in vars(klass))
        if writer is DirectRepresentation:
            raise TypeError(f"{cls.__name__} must define represent()")
        if writer is not cls and (set(cls._declared_fields) != set(writer._declared_fields)
                                  or _meta_fields(cls) != _meta_fields(writer)):
            raise TypeError(f"{cls.__name__} declares fields that {writer.__name__}.represent() does not write")

    def represent(self, instance):
        raise NotImplementedError

    def finish(self, data, instance):
        return data

    def to_representation(self, instance):
        return self.finish(self.represent(instance), instance)

    def generic_representation(self, instance):
        """What DRF's field-by-field path gives (for tests)."""
        return self.finish(serializers.Serializer.to_representation(self, instance), instance)


def _meta_fields(cls):
    return getattr(getattr(cls, "Meta", None), "fields", None)


def float_or_none(value):
    """A FloatField's representation: None stays None."""
    return None if value is None else float(value)
