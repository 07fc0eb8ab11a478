"""``{% reaction_buttons track %}``: one-click like / dislike (and undo) beside any track, for signed-in listeners."""

from django import template

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


@register.inclusion_tag("personal/_reaction_buttons.html", takes_context=True)
def reaction_buttons(context, track):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "track": track, "current": _reactions(request).get(track.pk),
            "csrf_token": context.get("csrf_token")}
