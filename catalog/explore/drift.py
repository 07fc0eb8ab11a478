"""Feature drift per crawl run: how the tracks a run added differ from the rest of the catalog.

Per audio feature the Population Stability Index (catalog deciles as bins) and the two-sample
Kolmogorov–Smirnov statistic. A run whose largest PSI reaches ``EXPLORE_DRIFT_PSI_THRESHOLD`` is flagged.
The result is stored on the CrawlRun and logged as an MLflow run.
"""

import json
import logging

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from songrec.lib.mlflow_runs import log_run

from ..models import AUDIO_FEATURES, Track

logger = logging.getLogger(__name__)

PSI_BINS = 10
# A bin with no tracks would make PSI infinite; its share is floored to this.
PSI_FLOOR = 1e-4


def psi(reference, current, bins=PSI_BINS):
    """Population Stability Index of ``current`` against ``reference`` over the reference's quantile bins.

    Bins are the reference's quantiles (so each holds about 1/bins of it); repeated edges of discrete or
    lumpy features are merged. 0 means the same distribution; 0.1 is usually read as a moderate shift, 0.25
    as a large one.
    """
    reference, current = np.asarray(reference, dtype=np.float64), np.asarray(current, dtype=np.float64)
    inner = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    expected = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=len(inner) + 1) / len(reference)
    actual = np.bincount(np.searchsorted(inner, current, side="right"), minlength=len(inner) + 1) / len(current)
    expected, actual = np.maximum(expected, PSI_FLOOR), np.maximum(actual, PSI_FLOOR)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def ks_statistic(reference, current):
    """The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs."""
    reference, current = np.sort(reference), np.sort(current)
    values = np.concatenate([reference, current])
    gap = (np.searchsorted(reference, values, side="right") / len(reference)
           - np.searchsorted(current, values, side="right") / len(current))
    return float(np.max(np.abs(gap)))


def compare(reference, current):
    """{feature: {"psi", "ks", "reference_mean", "added_mean"}} for two (n × 12) feature arrays."""
    result = {}
    for number, name in enumerate(AUDIO_FEATURES):
        result[name] = {"psi": round(psi(reference[:, number], current[:, number]), 6),
                        "ks": round(ks_statistic(reference[:, number], current[:, number]), 6),
                        "reference_mean": float(reference[:, number].mean()),
                        "added_mean": float(current[:, number].mean())}
    return result


def _features(queryset):
    rows = list(queryset.values_list(*AUDIO_FEATURES).iterator(chunk_size=20_000))
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(AUDIO_FEATURES))


def added_tracks(run):
    """Tracks the run created, with all 12 features (the ones the index and this comparison can use)."""
    complete = Q(**{f"{name}__isnull": False for name in AUDIO_FEATURES})
    until = run.finished_at or timezone.now()
    return Track.objects.filter(complete, source=Track.Source.SPOTIFY, created_at__gte=run.started_at,
                                created_at__lte=until)


def crawl_drift(run):
    """The drift summary of one crawl run (not saved): tracks compared, per-feature values, max PSI, flag."""
    complete = Q(**{f"{name}__isnull": False for name in AUDIO_FEATURES})
    added = added_tracks(run)
    current = _features(added)
    summary = {"added": len(current), "threshold": settings.EXPLORE_DRIFT_PSI_THRESHOLD,
               "computed_at": timezone.now().isoformat()}
    if len(current) < settings.EXPLORE_DRIFT_MIN_TRACKS:
        summary["status"] = "too few"
        summary["message"] = (f"{len(current)} new tracks with all features; drift needs at least "
                              f"{settings.EXPLORE_DRIFT_MIN_TRACKS}")
        return summary
    reference = _features(Track.objects.visible().filter(complete).exclude(pk__in=added.values("pk")))
    if len(reference) < settings.EXPLORE_DRIFT_MIN_TRACKS:
        summary.update(status="too few", message=f"the rest of the catalog has only {len(reference)} tracks")
        return summary
    features = compare(reference, current)
    worst = max(features, key=lambda name: features[name]["psi"])
    summary.update(status="computed", reference=len(reference), features=features, max_psi=features[worst]["psi"],
                   max_psi_feature=worst, max_ks=max(values["ks"] for values in features.values()),
                   flagged=features[worst]["psi"] >= settings.EXPLORE_DRIFT_PSI_THRESHOLD)
    return summary


def record_crawl_drift(run):
    """Compute the run's drift, store it on the run (``drift``, ``drift_flagged``) and log it to MLflow."""
    summary = crawl_drift(run)
    if summary["status"] == "computed":
        logged = log_run(
            settings.EXPLORE_DRIFT_EXPERIMENT, f"crawl-{run.pk}",
            params={"crawl_run": run.pk, "added": summary["added"], "reference": summary["reference"],
                    "psi_threshold": summary["threshold"], "psi_bins": PSI_BINS},
            metrics={"max_psi": summary["max_psi"], "max_ks": summary["max_ks"],
                     **{f"psi_{name}": values["psi"] for name, values in summary["features"].items()},
                     **{f"ks_{name}": values["ks"] for name, values in summary["features"].items()}},
            tags={"songrec.crawl_run": run.pk, "songrec.drift_flagged": summary["flagged"]},
            texts={"drift.json": json.dumps(summary, indent=1)})
        if logged.error is None:
            summary["mlflow_run_id"] = logged.run_id
        else:  # the drift is worth keeping without its MLflow record
            summary["mlflow_error"] = logged.error[:500]
        if summary["flagged"]:
            logger.warning("crawl #%s drifted: PSI of %s is %.3f (threshold %.2f)", run.pk,
                           summary["max_psi_feature"], summary["max_psi"], summary["threshold"])
    run.drift, run.drift_flagged = summary, bool(summary.get("flagged"))
    type(run).objects.filter(pk=run.pk).update(drift=run.drift, drift_flagged=run.drift_flagged)
    return summary
