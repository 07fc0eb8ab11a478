"""Who evaluates: members of the group named by ``settings.EVALUATOR_GROUP_NAME``."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from rest_framework.authtoken.models import Token

from .errors import NotAnEvaluator
from .models import Campaign


def evaluator_group():
    group, _ = Group.objects.get_or_create(name=settings.EVALUATOR_GROUP_NAME)
    return group


def is_evaluator(user):
    if not (user and user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_is_songrec_evaluator", None)
    if cached is None:
        cached = user.groups.filter(name=settings.EVALUATOR_GROUP_NAME).exists()
        user._is_songrec_evaluator = cached
    return cached


def require_evaluator(user):
    if not is_evaluator(user):
        raise NotAnEvaluator(
            f"Only evaluators can rate recommendations; ask an admin to add you to the "
            f"'{settings.EVALUATOR_GROUP_NAME}' group.")


def campaigns_open_to(user, queryset=None):
    """Open campaigns this evaluator may take part in (restricted campaigns list their evaluators)."""
    queryset = Campaign.objects.all() if queryset is None else queryset
    return queryset.filter(status=Campaign.Status.OPEN).filter(
        Q(evaluators__isnull=True) | Q(evaluators=user)).distinct()


@transaction.atomic
def create_evaluator(username, email="", password=None):
    """Create (or update) a user and put them in the evaluator group; returns ``(user, created)``.

    Without a password an existing user keeps theirs and a new one gets an unusable password (token-only).
    """
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    if email and user.email != email:
        user.email = email
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    user.groups.add(evaluator_group())
    return user, created


def token_for(user):
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
