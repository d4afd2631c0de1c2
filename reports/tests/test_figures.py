"""The pure rules behind the figures and the charts (no database)."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from reports import charts
from reports.figures import (ActionStatus, MobilityRow, MonthRow, Period, TaskCounts, TaskFacts, action_status,
                             count_tasks, is_mobility)

TODAY = date(2013, 3, 1)


def test_a_task_is_late_only_after_its_deadline_day() -> None:
    assert action_status("open", date(2013, 3, 1), TODAY) == ActionStatus.OPEN  # due today: not late yet
    assert action_status("in_progress", date(2013, 2, 28), TODAY) == ActionStatus.LATE
    assert action_status("done", date(2012, 1, 1), TODAY) == ActionStatus.DONE
    assert action_status("cancelled", date(2012, 1, 1), TODAY) == ActionStatus.CANCELLED
    assert action_status(None, date(2012, 1, 1), TODAY) == ActionStatus.RECORDED


def test_mobility_means_travelling_to_another_country_in_person() -> None:
    assert is_mobility("partner_meeting", "DE", "LV")
    assert not is_mobility("partner_meeting", "DE", "DE")
    assert not is_mobility("online", "DE", "LV")
    assert not is_mobility("partner_meeting", "", "LV")
    assert not is_mobility("partner_meeting", "DE", None)


def test_deadlines_met_in_time_count_done_and_late_tasks_only() -> None:
    tasks = [
        TaskFacts(1, 1, "done", date(2013, 1, 10), date(2013, 1, 9)),
        TaskFacts(2, 1, "done", date(2013, 1, 10), date(2013, 1, 12)),  # done late
        TaskFacts(3, 1, "open", date(2013, 2, 1), None),  # late
        TaskFacts(4, 1, "cancelled", date(2013, 2, 1), None),
        TaskFacts(5, 1, "open", date(2013, 5, 1), None),  # still open
    ]
    counts = count_tasks(tasks, TODAY)
    assert (counts.done, counts.done_late, counts.late, counts.cancelled, counts.open, counts.total) == (2, 1, 1, 1, 1, 5)
    assert (counts.due, counts.done_in_time, counts.met_percent) == (3, 1, 33)
    assert TaskCounts().met_percent == 0  # nothing due: no percentage to speak of


def test_a_period_lists_every_month_it_touches() -> None:
    assert Period(date(2012, 11, 20), date(2013, 2, 1)).months() == [
        date(2012, 11, 1), date(2012, 12, 1), date(2013, 1, 1), date(2013, 2, 1)]


def test_bars_scale_to_the_largest_figure_and_the_mark_sits_at_the_contract() -> None:
    partner = lambda n: SimpleNamespace(contracted_mobilities=n, organisation=None)  # noqa: E731
    chart = charts.mobility_bars([MobilityRow(partner(8), 4, 2), MobilityRow(partner(12), 12, 6)])
    length = charts.WIDTH - charts.LABEL_WIDTH - charts.RIGHT_MARGIN
    assert [b.width for b in chart.bars] == [round(length / 3, 1), float(length)]
    assert [b.target_x for b in chart.bars] == [charts.LABEL_WIDTH + round(length * 8 / 12, 1), charts.LABEL_WIDTH + length]
    assert charts.mobility_bars([]).bars == []  # no partner yet: an empty chart, no division by zero


def test_stacked_columns_never_rise_above_the_plot() -> None:
    months = [MonthRow(date(2013, m, 1), TaskCounts(done=m, late=1, open=2)) for m in range(1, 4)]
    chart = charts.month_columns(months)
    for column in chart.columns:
        assert min(s.y for s in column.segments) >= chart.plot_top - 0.5
        assert round(sum(s.height for s in column.segments)) <= chart.plot_bottom - chart.plot_top
    tallest = chart.columns[-1]
    assert round(sum(s.height for s in tallest.segments)) == chart.plot_bottom - chart.plot_top


def test_the_timeline_runs_from_today_to_the_last_deadline() -> None:
    timeline = charts.deadline_timeline([("a", date(2013, 3, 1)), ("b", date(2013, 6, 1))], TODAY)
    assert [p.x for p in timeline.points] == [timeline.axis_left, timeline.axis_right]
    assert [p.days_left for p in timeline.points] == [0, 92]
