"""manage.py create_api_client NAME: a client for the Spotify-compatible API; prints its id and secret once."""

from django.core.management.base import BaseCommand, CommandError

from songrec.lib.errors import DomainError

from ...services import create_api_client


class Command(BaseCommand):
    help = "Create an API client for /v1/ and print client_id=… and client_secret=… (the secret is not stored)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who the client is for (unique)")

    def handle(self, *args, name, **options):
        try:
            credentials = create_api_client(name)
        except (DomainError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"client_id={credentials.client_id}")
        self.stdout.write(f"client_secret={credentials.client_secret}")
        self.stderr.write("Keep the secret now: songrec stores only its hash.")
