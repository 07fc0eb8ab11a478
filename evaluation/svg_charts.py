"""Geometry for the results page's inline SVG charts (rendered server-side; no JavaScript, no CDN)."""

import math
from dataclasses import dataclass, field

SYSTEM_COLORS = {"cosine": "#1db954", "euclidean": "#5b6ee1", "random": "#b7410e", "popularity": "#c99a06"}
OTHER_COLORS = ("#8e44ad", "#16a085", "#7f8c8d", "#d35400")
# Score 1 (not similar) to 5 (very similar), red to green.
SCORE_COLORS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7dcea0", 5: "#1e8449"}


def system_color(system, index=0):
    return SYSTEM_COLORS.get(system, OTHER_COLORS[index % len(OTHER_COLORS)])


@dataclass
class Point:
    x: float
    y: float
    color: str
    label: str


@dataclass
class Series:
    system: str
    color: str
    count: int


@dataclass
class ScatterChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    x_ticks: list = field(default_factory=list)  # (pixel x, label)
    y_ticks: list = field(default_factory=list)  # (pixel y, label)
    points: list = field(default_factory=list)
    series: list = field(default_factory=list)

    @property
    def plot_width(self):
        return self.right - self.left

    @property
    def plot_height(self):
        return self.bottom - self.top


def _nice_floor(value, step=0.1):
    return math.floor(value / step + 1e-9) * step


def scatter_chart(aggregates, width=560, height=320):
    """Mean human score (y, 1–5) against cosine similarity to the seed (x) for every rated item, by system.

    Returns None when no item has both values.
    """
    points = [(system, x, y) for system in aggregates.systems for x, y in system.points]
    if not points:
        return None
    chart = ScatterChart(width, height, left=48, top=12, right=width - 12, bottom=height - 40)
    lowest = min(0.0, min(x for _, x, _ in points))
    step = 0.1 if lowest >= -0.2 else 0.2 if lowest >= -0.6 else 0.25
    x_low = max(-1.0, _nice_floor(lowest, step))
    x_high = 1.0
    x_span = x_high - x_low

    def to_x(value):
        return chart.left + (value - x_low) / x_span * chart.plot_width

    def to_y(value):
        return chart.bottom - (value - 1) / 4 * chart.plot_height

    for number in range(int(round(x_span / step)) + 1):
        tick = x_low + number * step
        label = f"{tick:.2f}".rstrip("0").rstrip(".")
        chart.x_ticks.append((round(to_x(tick), 1), "0" if label in ("-0", "") else label))
    chart.y_ticks = [(round(to_y(score), 1), str(score)) for score in range(1, 6)]
    for index, system in enumerate(aggregates.systems):
        color = system_color(system.system, index)
        chart.series.append(Series(system.system, color, len(system.points)))
        for x, y in system.points:
            chart.points.append(Point(round(to_x(x), 1), round(to_y(y), 1), color,
                                      f"{system.system}: cosine {x:.3f}, human {y:.2f}"))
    return chart


@dataclass
class Segment:
    score: int
    count: int
    percent: float
    x: float
    width: float
    color: str


@dataclass
class DistributionRow:
    system: str
    total: int
    y: int
    text_y: float  # vertical middle of the bar, for labels
    segments: list = field(default_factory=list)


@dataclass
class DistributionChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list
    legend: list  # (score, color)


def distribution_chart(aggregates, width=560, bar_height=26, label_width=110):
    """One 100 % stacked bar per system: the share of each score 1–5 among its ratings."""
    rows = []
    bar_width = width - label_width - 60
    for index, system in enumerate(aggregates.systems):
        total = sum(system.distribution.values())
        top = 8 + index * (bar_height + 12)
        row = DistributionRow(system.system, total, y=top, text_y=top + bar_height / 2)
        offset = float(label_width)
        for score, count in sorted(system.distribution.items()):
            share = count / total if total else 0.0
            segment_width = share * bar_width
            row.segments.append(Segment(score, count, round(100 * share, 1), round(offset, 1),
                                        round(segment_width, 1), SCORE_COLORS[score]))
            offset += segment_width
        rows.append(row)
    height = 8 + len(rows) * (bar_height + 12) + 28
    return DistributionChart(width, height, label_width, bar_height, rows, list(SCORE_COLORS.items()))
