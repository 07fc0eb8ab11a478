"""The signed-in user behind a request, for views whose permission already requires one to be signed in."""

from django.contrib.auth.models import AnonymousUser, User
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request


def signed_in_user(request: Request) -> User:
    """``request.user``, known to be signed in (the view's ``IsAuthenticated`` ran first); NotAuthenticated (401/403
    like the permission's own answer) should a view without that permission ask."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise NotAuthenticated()
    return user
