"""``my_playlists`` in every page's context: the signed-in listener's playlists, for "Add to playlist" beside tracks."""

from django.utils.functional import SimpleLazyObject

from .selectors import playlist_choices


def my_playlists(request):
    """(pk, name) pairs, read once per request and only if a template shows the control; None when nobody is
    signed in, so templates skip it (``{% if my_playlists is not None %}``) without a query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_playlists": None}
    return {"my_playlists": SimpleLazyObject(lambda: playlist_choices(user))}
