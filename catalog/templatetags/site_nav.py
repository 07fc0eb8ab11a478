"""``{% nav_current "/recommend/" %}``: marks the nav link of the section the page belongs to."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Track and artist pages belong to the search section ("/").
SEARCH_SECTION = ("/tracks/", "/artists/")


def in_section(path, prefix):
    if prefix == "/":
        return path == "/" or path.startswith(SEARCH_SECTION)
    return path.startswith(prefix)


@register.simple_tag(takes_context=True)
def nav_current(context, prefix):
    request = context.get("request")
    return mark_safe(' aria-current="page"') if request is not None and in_section(request.path, prefix) else ""
