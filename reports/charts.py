"""Geometry of the three charts: numbers in, coordinates out.

The SVG itself is written in templates (``reports/charts/*.svg``); this module only
decides where each bar, segment and point goes, so it can be tested without markup.
Every coordinate is in the chart's own viewBox units.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reports.figures import MobilityRow, MonthRow

WIDTH = 640
LABEL_WIDTH = 210  # organisation names and task titles on the left
RIGHT_MARGIN = 50  # room for the figure written after a bar
ROW_HEIGHT = 26
TOP = 24  # the legend above the rows

# Stacked months: the statuses from the bottom up, each drawn with its class.
STACK = ("done", "late", "open", "cancelled")


def _scale(value: int, maximum: int, length: float) -> float:
    return round(length * value / maximum, 1) if maximum else 0.0


@dataclass
class Bar:
    row: MobilityRow
    y: float
    width: float  # the mobilities so far
    target_x: float  # where the contracted number lies
    label_y: float


@dataclass
class BarChart:
    width: int
    height: int
    bar_x: int
    bar_height: int
    bars: list[Bar]


def mobility_bars(rows: list[MobilityRow]) -> BarChart:
    """One bar per partner (mobilities so far), a mark at its contracted number."""
    length = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    maximum = max([r.mobilities for r in rows] + [r.contracted for r in rows] + [1])
    bars = [
        Bar(row=r, y=TOP + i * ROW_HEIGHT + 4, width=_scale(r.mobilities, maximum, length),
            target_x=LABEL_WIDTH + _scale(r.contracted, maximum, length), label_y=TOP + i * ROW_HEIGHT + 17)
        for i, r in enumerate(rows)
    ]
    return BarChart(width=WIDTH, height=TOP + len(rows) * ROW_HEIGHT + 8, bar_x=LABEL_WIDTH, bar_height=ROW_HEIGHT - 8, bars=bars)


@dataclass
class Segment:
    status: str
    y: float
    height: float
    value: int


@dataclass
class Column:
    row: MonthRow
    x: float
    segments: list[Segment]
    label: bool  # write the month under this column (not under every one when there are many)


@dataclass
class StackedChart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    plot_top: int
    column_width: float
    maximum: int
    columns: list[Column]


def month_columns(rows: list[MonthRow]) -> StackedChart:
    """A column per month, stacked by status; months labelled every few columns."""
    left, top, bottom, right = 36, TOP + 6, 190, WIDTH - 10
    slot = (right - left) / max(1, len(rows))
    maximum = max([r.counts.total for r in rows] + [1])
    every = max(1, -(-len(rows) // 12))  # at most twelve labels
    columns = []
    for i, row in enumerate(rows):
        y = float(bottom)
        segments = []
        for status in STACK:
            value = row.counts.done if status == "done" else getattr(row.counts, status)
            height = _scale(value, maximum, bottom - top)
            if value:
                y -= height
                segments.append(Segment(status=status, y=round(y, 1), height=height, value=value))
        columns.append(Column(row=row, x=round(left + i * slot + slot * 0.15, 1), segments=segments, label=i % every == 0))
    return StackedChart(width=WIDTH, height=bottom + 24, plot_left=left, plot_bottom=bottom, plot_top=top,
                        column_width=round(slot * 0.7, 1), maximum=maximum, columns=columns)


@dataclass
class Point:
    task: object
    x: float
    y: float
    days_left: int


@dataclass
class Timeline:
    width: int
    height: int
    axis_left: int
    axis_right: int
    first: date
    last: date
    points: list[Point]


def deadline_timeline(deadlines: list[tuple[object, date]], today: date) -> Timeline:
    """Each coming deadline on a line from today to the last one (at least four weeks)."""
    left, right = LABEL_WIDTH + 10, WIDTH - 20
    last = max([d for _task, d in deadlines] + [today.fromordinal(today.toordinal() + 28)])
    span = (last - today).days or 1
    points = [
        Point(task=task, x=round(left + (right - left) * (d - today).days / span, 1), y=TOP + i * ROW_HEIGHT + 13,
              days_left=(d - today).days)
        for i, (task, d) in enumerate(deadlines)
    ]
    return Timeline(width=WIDTH, height=TOP + max(1, len(points)) * ROW_HEIGHT + 8, axis_left=left, axis_right=right,
                    first=today, last=last, points=points)


def chart_context(mobilities: list[MobilityRow], months: list[MonthRow], deadlines: list[Any], today: date) -> dict[str, Any]:
    """The three charts as the templates (``reports/_charts.html``) draw them; ``deadlines``
    are tasks (their ``deadline`` places them)."""
    return {
        "mobility_chart": mobility_bars(mobilities),
        "month_chart": month_columns(months),
        "deadline_chart": deadline_timeline([(t, t.deadline) for t in deadlines], today),
    }
