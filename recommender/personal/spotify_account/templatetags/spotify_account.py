"""``{% spotify_panel %}``: the listener's Spotify connection box on My music (connect, import, last import)."""

from django import template

from ..selectors import connection_of

register = template.Library()


@register.inclusion_tag("spotify_account/_panel.html", takes_context=True)
def spotify_panel(context):
    request = context["request"]
    return {"connection": connection_of(request.user), "request": request, "csrf_token": context.get("csrf_token")}
