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


def _percent(value, low, high):
    return round(max(0.0, min(1.0, (value - low) / (high - low))) * 100, 1)


def describe_key(key, mode):
    if key is None or key < 0:
        return "unknown"
    scale = {1: " major", 0: " minor"}.get(mode, "")
    return PITCH_CLASSES[key] + scale


def feature_rows(track):
    """Rows for the feature chart; a missing value shows as '—' with no bar."""
    rows = []
    for name in UNIT_FEATURES:
        value = getattr(track, name)
        rows.append(FeatureRow(name, name.capitalize(), None if value is None else round(value * 100, 1),
                               "—" if value is None else f"{value:.2f}"))
    if track.loudness is None:
        rows.append(FeatureRow("loudness", "Loudness", None, "—"))
    else:
        rows.append(FeatureRow("loudness", "Loudness", _percent(track.loudness, *LOUDNESS_RANGE),
                               f"{track.loudness:.1f} dB"))
    if track.tempo is None:
        rows.append(FeatureRow("tempo", "Tempo", None, "—"))
    else:
        rows.append(FeatureRow("tempo", "Tempo", _percent(track.tempo, *TEMPO_RANGE), f"{track.tempo:.0f} BPM"))
    return rows


def format_duration(duration_ms):
    if duration_ms is None:
        return "—"
    seconds = round(duration_ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
