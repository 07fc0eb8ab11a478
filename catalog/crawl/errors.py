"""What can go wrong in a crawl, from one failed request (skip the item) to a reason to stop the run."""

from songrec.lib.errors import ConflictError, UnavailableError


class CrawlUnavailable(UnavailableError):
    """A crawl can't be queued here: no Spotify credentials, no Celery broker, or the broker is unreachable."""

    retry_after = None  # a setting to fix, not a matter of waiting


class CrawlRunning(ConflictError):
    """A crawl is still running; a second one is refused."""


class CrawlConfigError(ValueError):
    """A crawl setting is unusable; the run fails with this message."""


class CrawlError(Exception):
    """One request failed; the item is logged and skipped."""


class NotAvailable(CrawlError):
    """403/404: the endpoint is closed to this app, or the item does not exist."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class BadRequest(CrawlError):
    """Another 4xx, e.g. an invalid id."""


class MalformedResponse(CrawlError):
    """A 2xx whose body is not the JSON we expect."""


class Unreachable(CrawlError):
    """5xx or timeouts persisted through every retry."""


class StopCrawl(Exception):  # noqa: N818 (a signal to stop, not an error of one item)
    """The run must end now; the cursor keeps what is left for the next run."""

    status = "partial"


class RateLimited(StopCrawl):
    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


class BudgetExhausted(StopCrawl):
    pass


class AuthFailed(StopCrawl):
    status = "failed"


class HttpFailure(Exception):
    """A non-2xx response, normalised from spotipy or plain requests."""

    def __init__(self, status, headers=None, message=""):
        super().__init__(f"HTTP {status}: {message}".strip())
        self.status = status
        self.headers = headers or {}
