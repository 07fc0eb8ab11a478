"""``floatformat`` with a fixed number of places for numbers formatted in Python on hot pages.

Django's ``floatformat`` filter localises its result through ``number_format``, which looks up the active
language and its formats (thread-local reads through asgiref) for every number; a track page formats ~30 scores
that way, ~0.7 ms of its CPU (issue 14). Where the active formats are plain (a "." decimal separator, no
thousands grouping, as songrec's English pages have them) ``decimal_places`` gives ``floatformat``'s text with
the same rounding (half up, of the number's shortest repr) without those lookups; otherwise it *is*
``floatformat``. tests/songrec/lib/test_hot_path_helpers.py compares the two.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format


def decimal_places():
    """A function (value, places ≥ 1) → text, equal to ``floatformat(value, places)`` in the active locale."""
    if settings.USE_THOUSAND_SEPARATOR or get_format("DECIMAL_SEPARATOR") != ".":
        return floatformat
    return _plain_decimal_places


def _plain_decimal_places(value, places):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return floatformat(value, places)
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            return str(value)
        _, digit_tuple, exponent = number.as_tuple()
        digits = len(digit_tuple) + abs(exponent)
        if digits > 200:
            return floatformat(value, places)
        rounded = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, Context(prec=max(28, digits + places + 1)))
    except (InvalidOperation, OverflowError, ValueError):
        return floatformat(value, places)
    text = f"{rounded:f}"
    return text[1:] if text.startswith("-") and not rounded else text  # no "-0.000"
