"""``reactions`` in every page's context: the signed-in listener's likes and dislikes, for the buttons beside tracks."""

from django.utils.functional import SimpleLazyObject

from .models import Reaction


def listener_reactions(user):
    """{track id: "like" | "dislike"} of one listener (one query)."""
    return {track_id: "like" if value == Reaction.LIKE else "dislike"
            for track_id, value in Reaction.objects.filter(user=user).values_list("track_id", "value")}


def reactions(request):
    """The listener's reactions, read once per request and only if a template shows a button; None when nobody is
    signed in, so templates skip the buttons (``{% if reactions is not None %}``) without rendering anything."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reactions": None}
    return {"reactions": SimpleLazyObject(lambda: listener_reactions(user))}
