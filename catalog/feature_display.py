"""Turn a track's raw audio features into rows a page can draw as bars."""

from dataclasses import dataclass

PITCH_CLASSES = ("C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B")
UNIT_FEATURES = ("danceability", "energy", "valence", "acousticness", "instrumentalness", "speechiness", "liveness")
# Loudness and tempo are drawn against a typical range so the bar means something at a glance.
LOUDNESS_RANGE = (-60.0, 0.0)
TEMPO_RANGE = (0.0, 250.0)


@dataclass
class FeatureRow:
    name: str
    label: str
    percent: float | None  # bar width 0–100, None for features without a bar
    display: str
    estimated: bool = False  # missing from the data; the value is the index's estimate


def _percent(value, low, high):
    return round(max(0.0, min(1.0, (value - low) / (high - low))) * 100, 1)


def describe_key(key, mode):
    if key is None or key < 0:
        return "unknown"
    scale = {1: " major", 0: " minor"}.get(mode, "")
    return PITCH_CLASSES[key] + scale


def feature_rows(values, estimated=()):
    """Rows for the feature chart from {feature: value} (catalog.feature_estimates.FilledFeatures.values); a
    missing value shows as '—' with no bar, a name in ``estimated`` is marked as an estimate."""
    rows = []
    for name in UNIT_FEATURES:
        value = values[name]
        rows.append(FeatureRow(name, name.capitalize(), None if value is None else round(value * 100, 1),
                               "—" if value is None else f"{value:.2f}", name in estimated))
    loudness, tempo = values["loudness"], values["tempo"]
    if loudness is None:
        rows.append(FeatureRow("loudness", "Loudness", None, "—"))
    else:
        rows.append(FeatureRow("loudness", "Loudness", _percent(loudness, *LOUDNESS_RANGE), f"{loudness:.1f} dB",
                               "loudness" in estimated))
    if tempo is None:
        rows.append(FeatureRow("tempo", "Tempo", None, "—"))
    else:
        rows.append(FeatureRow("tempo", "Tempo", _percent(tempo, *TEMPO_RANGE), f"{tempo:.0f} BPM",
                               "tempo" in estimated))
    return rows


def format_duration(duration_ms):
    if duration_ms is None:
        return "—"
    seconds = round(duration_ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
