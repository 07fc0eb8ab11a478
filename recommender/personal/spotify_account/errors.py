"""What can go wrong with a listener's Spotify account, each message saying what to do."""

from songrec.lib.errors import ConflictError, DomainError, UnavailableError


class StateRefused(DomainError):
    """The OAuth callback's state is missing, wrong or already used: nothing is stored."""

    status_code = 400
    title = "Spotify connection refused"
    default_message = ("This Spotify authorization answer does not match a connection started here (or it was "
                       "already used). Nothing was stored; start again from “Connect Spotify”.")


class AuthorizationFailed(DomainError):
    """Spotify refused to exchange the code (expired, denied, or a verifier mismatch)."""

    status_code = 400
    title = "Spotify connection failed"


class SpotifyNotConfigured(UnavailableError):
    retry_after = None  # a setting to fix, not a matter of waiting
    default_message = "Connecting a Spotify account is not configured on this site (SPOTIFY_CLIENT_ID is unset)."


class NotConnected(ConflictError):
    default_message = "Connect your Spotify account first (My music → Connect Spotify)."


class NeedsReconnect(ConflictError):
    """The stored refresh token no longer works (revoked on Spotify's side): the listener must connect again."""

    default_message = ("Spotify no longer accepts songrec's access to your account (it was removed on Spotify's "
                       "side or expired). Connect Spotify again.")


class MissingScope(ConflictError):
    """The connection lacks a permission this action needs: connecting again asks for it."""


class SpotifyBusy(UnavailableError):
    """Spotify rate-limited us, answered 5xx or could not be reached: the work waits and is retried."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class SpotifyRefused(DomainError):
    """Spotify answered another 4xx: retrying the same request would not help."""

    status_code = 502
