"""Geometry for the explorer's server-rendered SVG charts: histograms, correlation heatmaps, bar lists.

Only SVG presentation attributes are emitted (no style attributes, no script), so the pages work under a
strict Content-Security-Policy.
"""

from dataclasses import dataclass, field

NEGATIVE, ZERO, POSITIVE = (91, 110, 225), (255, 255, 255), (183, 65, 14)  # -1 blue, 0 white, +1 rust
SHORT_NAMES = {"danceability": "dance", "instrumentalness": "instrum.", "acousticness": "acoustic",
               "speechiness": "speech", "time_signature": "meter", "duration_ms": "duration", "popularity": "popular"}


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Histogram:
    name: str
    width: int
    height: int
    bars: list
    low_label: str
    high_label: str
    peak: int


def _number(value):
    if value is None:
        return "—"
    return f"{value:.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.2f}"


def histogram(summary, width=240, height=80):
    """Bars of one feature's histogram (binned or per discrete value), scaled to the tallest."""
    spec = summary["histogram"]
    counts = spec["counts"]
    if spec["kind"] == "discrete":
        labels = [str(value) for value in spec["values"]]
        low, high = (labels[0], labels[-1]) if labels else ("", "")
    else:
        edges = spec["edges"]
        labels = [f"{_number(edges[i])}–{_number(edges[i + 1])}" for i in range(len(counts))]
        low, high = _number(edges[0]), _number(edges[-1])
    peak = max(counts, default=0)
    slot = width / max(1, len(counts))
    bars = []
    for number, (label, count) in enumerate(zip(labels, counts, strict=True)):
        bar_height = (count / peak * (height - 2)) if peak else 0.0
        bars.append(Bar(round(number * slot + 0.5, 2), round(height - bar_height, 2), round(max(slot - 1, 1), 2),
                        round(bar_height, 2), f"{summary['name']} {label}: {count:,} tracks"))
    return Histogram(summary["name"], width, height, bars, low, high, peak)


def correlation_color(value):
    """A diverging colour: blue for -1, white for 0, rust for +1, grey when undefined."""
    if value is None:
        return "#dddddd"
    end = POSITIVE if value > 0 else NEGATIVE
    share = min(1.0, abs(value))
    red, green, blue = (round(ZERO[i] + (end[i] - ZERO[i]) * share) for i in range(3))
    return f"#{red:02x}{green:02x}{blue:02x}"


@dataclass
class Cell:
    x: int
    y: int
    fill: str
    text: str
    title: str
    dark: bool
    text_x: float = 0.0
    text_y: float = 0.0


@dataclass
class Heatmap:
    size: int
    cell: int
    offset: int
    labels: list = field(default_factory=list)  # (position, short name)
    cells: list = field(default_factory=list)


def heatmap(columns, matrix, cell=34, offset=70):
    """A square heatmap of a correlation matrix, rows and columns in ``columns`` order."""
    chart = Heatmap(size=offset + cell * len(columns), cell=cell, offset=offset)
    chart.labels = [(offset + i * cell + cell / 2, SHORT_NAMES.get(name, name)) for i, name in enumerate(columns)]
    for row, row_name in enumerate(columns):
        for column, column_name in enumerate(columns):
            value = matrix[row][column]
            text = "" if value is None else f"{value:.2f}".replace("0.", ".").replace("1.00", "1")
            chart.cells.append(Cell(offset + column * cell, offset + row * cell, correlation_color(value), text,
                                    f"{row_name} × {column_name}: {'undefined' if value is None else f'{value:.3f}'}",
                                    value is not None and abs(value) > 0.55,
                                    offset + column * cell + cell / 2, offset + row * cell + cell / 2 + 4))
    return chart


@dataclass
class CountRow:
    name: str
    count: int
    percent: float
    width: float
    y: float


def count_rows(items, total, width=260, row_height=18):
    """Horizontal bars for [{"name", "count"}] lists (genres, artists), widths relative to the largest."""
    largest = max((item["count"] for item in items), default=0)
    return [CountRow(item["name"], item["count"], round(100 * item["count"] / total, 1) if total else 0.0,
                     round(item["count"] / largest * width, 1) if largest else 0.0, index * row_height)
            for index, item in enumerate(items)]
