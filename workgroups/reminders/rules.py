"""The pure rule: which occasion of a deadline is due for a person at a moment.

No database here: plain values in, an ``Occasion`` (or None) out, so the rule can be
read and tested on its own and the sweep can decide tens of thousands of candidates
without building a model instance.
"""
from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from projects.models import parse_day_list
from workgroups.models import DeadlineReminder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Occasion:
    kind: str  # DeadlineReminder.Kind
    key: str  # unique per task and recipient; begins with the deadline so a move re-arms
    at: datetime  # the moment (UTC) from which it is due


@dataclass(frozen=True)
class ReminderSettings:
    """When a person wants to be reminded: their hour, their zone, their own days (None:
    the project's)."""

    hour: int
    tz: zoneinfo.ZoneInfo
    days: list[int] | None


def day_list(value: str | None) -> list[int] | None:
    """'7,1,0' -> [7, 1, 0]; None for an empty or unreadable list (the caller's default)."""
    if not value or not value.strip():
        return None
    try:
        return [d for d in parse_day_list(value) if d >= 0]
    except ValueError:
        log.warning("Ignoring unreadable reminder days %r", value)
        return None


def _moment(day: date, hour: int, tz: zoneinfo.ZoneInfo) -> datetime:
    # In UTC, because aware datetimes sharing a tzinfo compare by wall clock, which is
    # wrong around a change to summer time. An hour inside the gap (e.g. 03:00 on the
    # last Sunday of March in Riga) resolves to the offset before the change.
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def latest_due_occasion(
    *,
    deadline: date,
    deadline_end: datetime,
    days_before: Iterable[int],
    overdue_repeat: int | None,
    hour: int,
    tz: zoneinfo.ZoneInfo,
    now: datetime,
) -> Occasion | None:
    """The most recent occasion whose moment is <= now, or None (see the package's doc).

    ``overdue_repeat`` None: no overdue occasions (used for people reminded only before);
    0: a single overdue reminder; n: every n days.
    """
    now = now.astimezone(UTC)
    if now < _moment(now.astimezone(tz).date(), hour, tz):
        # Before the person's hour every due occasion is one missed on an earlier day (the
        # portal was down, the task came late): it waits for their hour today instead of
        # waking them at night. Nothing is lost: at that hour it is still the latest due.
        return None
    deadline_end = deadline_end.astimezone(UTC)
    best: Occasion | None = None
    for days in days_before:
        at = _moment(deadline - timedelta(days=days), hour, tz)
        # A reminder "due today" that would arrive after the deadline is no reminder.
        if at <= now and at < deadline_end and (best is None or at > best.at):
            best = Occasion(DeadlineReminder.Kind.BEFORE, f"{deadline.isoformat()}/before/{days}", at)
    if overdue_repeat is not None and now >= deadline_end:
        first = deadline + timedelta(days=1)
        if _moment(first, hour, tz) < deadline_end:  # far east of the project, the next morning comes early
            first += timedelta(days=1)
        local_today = now.astimezone(tz).date()
        if overdue_repeat <= 0:
            day: date | None = first
        else:
            steps = max(0, (local_today - first).days // overdue_repeat)
            day = first + timedelta(days=steps * overdue_repeat)
            if _moment(day, hour, tz) > now:
                day = day - timedelta(days=overdue_repeat) if day > first else None
        if day is not None:
            at = _moment(day, hour, tz)
            if at <= now and (best is None or at > best.at):
                best = Occasion(DeadlineReminder.Kind.OVERDUE, f"{deadline.isoformat()}/overdue/{day.isoformat()}", at)
    return best
