import secrets

from django.core.management.base import BaseCommand, CommandError

from evaluation.evaluators import create_evaluator, token_for


class Command(BaseCommand):
    help = "Create an evaluator account (or add an existing user to the evaluator group); optionally print a token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="set this password (default: keep it, or none for a new user)")
        parser.add_argument("--random-password", action="store_true", help="set and print a random password")
        parser.add_argument("--token", action="store_true", help="print the user's API token (creates one)")

    def handle(self, *, username, email, password, random_password, token, **options):
        username = username.strip()
        if not username:
            raise CommandError("the username is empty")
        if password and random_password:
            raise CommandError("pass --password or --random-password, not both")
        if random_password:
            password = secrets.token_urlsafe(12)
        user, created = create_evaluator(username, email=email, password=password)
        summary = f"{'Created' if created else 'Updated'} evaluator {user.username} (id {user.pk})"
        if random_password:
            summary += f", password: {password}"
        if token:
            summary += f", API token: {token_for(user)}"
        if created and not password:
            summary += "; no password set: use --token for API access or set one in the admin"
        self.stdout.write(self.style.SUCCESS(summary + "."))
