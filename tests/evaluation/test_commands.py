"""create_evaluator: accounts in the evaluator group, with a password or an API token."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from evaluation.evaluators import is_evaluator
from tests.factories import UserFactory


def test_create_evaluator_with_a_token(db, capsys):
    call_command("create_evaluator", "dana", "--email", "dana@example.com", "--token")
    user = get_user_model().objects.get(username="dana")
    assert is_evaluator(user) and user.email == "dana@example.com"
    assert not user.has_usable_password()
    out = capsys.readouterr().out
    assert "Created evaluator dana" in out and Token.objects.get(user=user).key in out


def test_create_evaluator_with_a_random_password(db, capsys):
    call_command("create_evaluator", "erin", "--random-password")
    password = capsys.readouterr().out.split("password: ")[1].split(".")[0].split(",")[0]
    assert get_user_model().objects.get(username="erin").check_password(password)


def test_an_existing_user_joins_the_group_and_keeps_their_password(db, capsys):
    user = UserFactory(username="frank")
    call_command("create_evaluator", "frank")
    user.refresh_from_db()
    assert is_evaluator(user) and user.check_password("correct horse battery staple")
    assert "Updated evaluator frank" in capsys.readouterr().out


def test_bad_arguments_exit_with_a_reason(db):
    with pytest.raises(CommandError, match="not both"):
        call_command("create_evaluator", "gus", "--password", "x", "--random-password")
    with pytest.raises(CommandError, match="empty"):
        call_command("create_evaluator", "  ")


def test_the_evaluator_group_exists_after_migrating(db, settings):
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name=settings.EVALUATOR_GROUP_NAME).exists()
