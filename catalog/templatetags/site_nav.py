"""``{% site_nav %}``: the site's navigation, with exactly one current item (the longest matching section).

Pages belong to the section whose address their path starts with, the longest one winning, so /me/for-you/ is
"For you" and not also "My music"; track, artist and album pages belong to Search. Listeners' account links
(For you, or Log in and Sign up) sit outside the collapsible menu, so a phone shows them without opening it.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

register = template.Library()

# Track, artist and album pages belong to the search section ("/").
SEARCH_SECTION = ("/tracks/", "/artists/", "/albums/")


@dataclass
class NavItem:
    label: str
    url: str
    section: str  # the path prefix of the pages this item is current on
    current: bool = False


def _menu(user):
    items = [NavItem("Search", "/", "/"), NavItem("Recommend", "/recommend/", "/recommend/")]
    if user.is_authenticated:
        items += [NavItem("My music", "/me/", "/me/"), NavItem("Playlists", "/me/playlists/", "/me/playlists/")]
    items += [NavItem("Explore", "/explore/", "/explore/"), NavItem("Clusters", "/clusters/", "/clusters/"),
              NavItem("Evaluate", "/evaluate/", "/evaluate/"), NavItem("Results", "/campaigns/", "/campaigns/"),
              NavItem("API", "/api/docs/", "/api/")]
    if user.is_staff:
        items += [NavItem("Dashboard", "/dashboard/", "/dashboard/"), NavItem("Index", "/index/", "/index/"),
                  NavItem("Crawl", "/crawl/", "/crawl/"), NavItem("Admin", "/admin/", "/admin/")]
    return items


def _account(user, path):
    if user.is_authenticated:
        return [NavItem("For you", "/me/for-you/", "/me/for-you/")]
    return [NavItem("Log in", f"{reverse('login')}?next={quote(path)}", reverse("login")),
            NavItem("Sign up", reverse("personal:signup"), reverse("personal:signup"))]


def _matches(path, section):
    if section == "/":
        return path == "/" or path.startswith(SEARCH_SECTION)
    return path.startswith(section)


def mark_current(items, path):
    """Mark the one item whose section is the longest prefix of ``path`` (none when no section matches)."""
    matching = [item for item in items if _matches(path, item.section)]
    if matching:
        max(matching, key=lambda item: len(item.section)).current = True
    return items


@register.inclusion_tag("_site_nav.html", takes_context=True)
def site_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()  # the 500 page is rendered without a request
    path = getattr(request, "path", "/")
    menu, account = _menu(user), _account(user, path)
    mark_current(menu + account, path if request is not None else "")
    return {"menu": menu, "account": account, "user": user, "csrf_token": context.get("csrf_token")}
