"""Progress of a running build: stage, overall fraction, heartbeat and per-stage timings.

Progress is written to the building IndexVersion row (at most twice a second) so any web process can show
it, and the same writes are the heartbeat that tells a live build from a killed one.
"""

import time
from collections.abc import Callable

from django.utils import timezone

from recommender.models import IndexVersion

# Share of the whole build each stage takes at full catalog size, for one overall fraction.
STAGE_WEIGHTS = {
    "loading": 0.06, "features": 0.03, "neighbours": 0.60, "recall": 0.0, "quality": 0.05, "files": 0.02,
    "storing": 0.20, "mlflow": 0.04,
}
STAGE_LABELS = {
    "starting": "starting", "loading": "reading the catalog", "features": "fitting the feature pipeline",
    "neighbours": "computing cosine and euclidean neighbours",
    "recall": "measuring recall against exact lists", "quality": "measuring quality",
    "files": "writing vector files", "storing": "storing neighbour lists",
    "mlflow": "logging to MLflow", "done": "done",
}
WRITE_INTERVAL = 0.5


class ProgressReporter:
    def __init__(self, version: IndexVersion, callback: Callable[[str, float], None] | None = None) -> None:
        self.version = version
        self.callback = callback
        self.started = time.perf_counter()
        self.current: str | None = None
        self.stage_started = self.started
        self.fraction = 0.0
        self.seconds: dict[str, float] = {}
        self.last_write = 0.0

    def stage(self, name: str) -> None:
        """Finish the current stage (recording its duration) and start ``name``."""
        self._close_stage()
        self.current, self.stage_started = name, time.perf_counter()
        self.update(0.0, force=True)

    def update(self, fraction: float, force: bool = False) -> None:
        """Report ``fraction`` (0–1) of the current stage done."""
        self.fraction = max(0.0, min(1.0, fraction))
        overall = self.overall()
        now = time.perf_counter()
        if force or now - self.last_write >= WRITE_INTERVAL:
            self.last_write = now
            IndexVersion.objects.filter(pk=self.version.pk).update(
                stage=self.current or "", progress=round(overall, 4), heartbeat_at=timezone.now())
        if self.callback is not None:
            self.callback(self.current or "", overall)

    def overall(self) -> float:
        done = 0.0
        for name, weight in STAGE_WEIGHTS.items():
            if name == self.current:
                return min(1.0, done + weight * self.fraction)
            done += weight
        return min(1.0, done)

    def finish(self) -> None:
        self._close_stage()
        self.current = None
        self.seconds["total"] = round(time.perf_counter() - self.started, 3)
        if self.callback is not None:
            self.callback("done", 1.0)

    def timings(self) -> dict[str, float]:
        timings = dict(self.seconds)
        timings.setdefault("total", round(time.perf_counter() - self.started, 3))
        if "neighbours" in timings:
            timings["top_k"] = timings["neighbours"]
        return timings

    def _close_stage(self) -> None:
        if self.current is not None:
            self.seconds[self.current] = round(time.perf_counter() - self.stage_started, 3)
