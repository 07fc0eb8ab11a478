"""Filters every template has without ``{% load %}`` (TEMPLATES' ``builtins``): a mapping look-up and fast places.

``{{ reactions|lookup:track.pk }}`` reads a mapping by a variable key, which the template language cannot.
``{{ item.score|places:3 }}`` is ``floatformat:3`` without its per-number locale look-ups (number_text.py says when
the two agree and why it matters on a track page).
"""

from django import template

from .number_text import decimal_places

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None when the key is missing or there is no mapping."""
    return mapping.get(key) if mapping is not None else None


@register.filter
def places(value, count):
    """``value`` with ``count`` decimal places, as ``floatformat:count`` writes it."""
    return decimal_places()(value, int(count))
