"""API clients of the Spotify-compatible API: a client id and the SHA-256 of its secret, never the secret."""

from django.db import models


class ApiClient(models.Model):
    """Who may ask /api/token for a bearer token (client credentials, as Spotify's accounts service does it).

    The secret is 32 random bytes shown once when the client is created; only its SHA-256 is stored. A slow
    password hash protects guessable passwords; a 256-bit random secret can't be guessed, so a fast hash loses
    nothing and keeps the token endpoint cheap. Deactivating a client or giving it a new secret ends its tokens.
    """

    name = models.CharField(max_length=100, unique=True)
    client_id = models.CharField(max_length=32, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True, help_text="Inactive clients get no tokens; their tokens stop working")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self):
        return self.name

    @property
    def is_authenticated(self):
        """What DRF's IsAuthenticated asks of ``request.user``: a token's client is authenticated."""
        return True
