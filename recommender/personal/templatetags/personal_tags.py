"""``{% reaction_buttons track %}``: one-click like / dislike (and undo) beside any track, for signed-in listeners."""

from django import template
from django.template.loader import render_to_string

from ..models import Reaction

register = template.Library()


def _reactions(request):
    """The signed-in listener's reactions, read once per request: {track id: "like" | "dislike"}."""
    cached = getattr(request, "_personal_reactions", None)
    if cached is None:
        cached = {track_id: "like" if value == Reaction.LIKE else "dislike" for track_id, value in
                  Reaction.objects.filter(user=request.user).values_list("track_id", "value")}
        request._personal_reactions = cached
    return cached


def track_label(track):
    """What a button acting on the track is named after: "Butter by BTS" (screen readers read it, not the emoji)."""
    artists = track.artist_names
    return f"{track.name} by {artists}" if artists else track.name


@register.simple_tag(takes_context=True)
def reaction_buttons(context, track):
    """The buttons for a signed-in listener; nothing, without rendering a template, for anyone else (a track page
    calls this for each of its ~21 tracks, and an inclusion tag costs a context copy and a render each)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return render_to_string("personal/_reaction_buttons.html", {
        "track": track, "current": _reactions(request).get(track.pk), "label": track_label(track),
        "csrf_token": context.get("csrf_token")})
