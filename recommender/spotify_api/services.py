"""Creating API clients and giving them new secrets; the secret is returned once and stored only hashed."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from songrec.lib.errors import ConflictError

from .auth import clients_changed, secret_sha256
from .models import ApiClient


@dataclass
class Credentials:
    client: ApiClient
    client_secret: str  # shown once: only its hash is stored

    @property
    def client_id(self) -> str:
        return self.client.client_id


def new_secret() -> str:
    return secrets.token_hex(32)


def create_api_client(name: str) -> Credentials:
    """A new active client named ``name``; raises ConflictError when the name is taken."""
    name = name.strip()
    if not name:
        raise ValueError("an API client needs a name")
    secret = new_secret()
    try:
        with transaction.atomic():
            client = ApiClient.objects.create(name=name, client_id=secrets.token_hex(16),
                                              secret_sha256=secret_sha256(secret))
    except IntegrityError:
        raise ConflictError(f"an API client named {name!r} already exists") from None
    return Credentials(client, secret)


def rotate_secret(client: ApiClient) -> Credentials:
    """A new secret for ``client``; its tokens issued with the old one stop working."""
    secret = new_secret()
    ApiClient.objects.filter(pk=client.pk).update(secret_sha256=secret_sha256(secret))
    clients_changed()
    client.secret_sha256 = secret_sha256(secret)
    return Credentials(client, secret)
