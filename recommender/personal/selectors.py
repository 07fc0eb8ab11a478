"""Read-side questions about listeners' history imports, for pages that show the state of background work."""

from datetime import datetime

from .models import HistoryImport


def imports_running() -> int:
    """How many history imports are queued or running."""
    return HistoryImport.objects.filter(status__in=[HistoryImport.Status.QUEUED, HistoryImport.Status.RUNNING]).count()


def failed_imports(since: datetime, limit: int = 5) -> list[HistoryImport]:
    """The history imports that failed since ``since``, newest first."""
    return list(HistoryImport.objects.filter(status=HistoryImport.Status.FAILED, created_at__gte=since)
                .order_by("-pk")[:limit])
