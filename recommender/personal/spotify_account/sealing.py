"""Tokens encrypted at rest: Fernet with ``SPOTIFY_TOKEN_KEY``, or a key derived from ``SECRET_KEY`` when unset.

Only this module sees plaintext tokens; they are never logged, shown or exported.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import checks


def _fernet() -> Fernet:
    key = settings.SPOTIFY_TOKEN_KEY
    if not key:
        # A key of its own purpose, so the SECRET_KEY itself is never the encryption key.
        digest = hashlib.sha256(f"songrec spotify tokens:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def seal(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode() if token else ""


def unseal(sealed: str) -> str | None:
    """The token, or None when it can't be read (empty, or sealed under another key: the listener reconnects)."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


@checks.register(checks.Tags.security)
def check_token_key(app_configs=None, **kwargs):
    """A SPOTIFY_TOKEN_KEY that is no Fernet key is an error at start-up, not a 500 at the first connection."""
    if not settings.SPOTIFY_TOKEN_KEY:
        return []
    try:
        Fernet(settings.SPOTIFY_TOKEN_KEY)
    except (ValueError, TypeError):
        return [checks.Error("SPOTIFY_TOKEN_KEY is not a Fernet key (32 bytes in url-safe base64, 44 characters).",
                             hint='Make one with: python -c "from cryptography.fernet import Fernet; '
                                  'print(Fernet.generate_key().decode())"', id="spotify_account.E001")]
    return []
