"""What a digest says: its lines as values, rendered from subject/text/HTML templates.

Python computes the values of each line (the due sentence, the local time, the link),
once per task or per (language, value) in a sweep, since tens of thousands of lines
share few deadlines and statuses; the templates make the text and the markup, one
render per digest with a loop over projects and tasks inside.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from outbox import replies
from outbox.services import Draft, recipient_locale, render_email, zone
from projects.models import Project
from workgroups.models import DeadlineReminder, Task, deadline_end
from workgroups.reminders.selection import LOAD_BATCH, Planned

CATEGORY = "deadline_reminder"
TEMPLATE = "workgroups/emails/deadline_digest"
_STAND_IN = 987654321  # a task id no path contains otherwise


class Line(TypedDict):
    """One task in a digest (a dict: the templates look its keys up tens of thousands of
    times, and a dict answers the first lookup Django tries)."""

    title: str
    group: str
    url: str
    sentence: str
    status: str
    overdue: bool
    escalation: bool
    contact: bool
    responsible_names: str
    reply_address: str  # this task's own reply address for the reader ("" when answers are off)


class Group(TypedDict):
    project: Project
    lines: list[Line]


def responsible_names(task_ids: list[int]) -> dict[int, str]:
    """What an escalation shows as responsible, per task: the active responsible people in
    the order they were assigned, then the organisations by name ("" for nobody)."""
    people: dict[int, list[str]] = defaultdict(list)
    organisations: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(task_ids), LOAD_BATCH):
        chunk = task_ids[start:start + LOAD_BATCH]
        for task_id, first, last, email in (
            Task.responsible_people.through.objects.filter(task_id__in=chunk, user__is_active=True)
            .order_by("pk").values_list("task_id", "user__first_name", "user__last_name", "user__email")
        ):
            # As User.get_full_name(), falling back to the address.
            people[task_id].append(f"{first} {last}".strip() or email)
        for task_id, name in (
            Task.responsible_organisations.through.objects.filter(task_id__in=chunk)
            .order_by("organisation__name").values_list("task_id", "organisation__name")
        ):
            organisations[task_id].append(name)
    return {pk: ", ".join(people.get(pk, []) + organisations.get(pk, [])) for pk in task_ids}


class Formats:
    """The values of digest lines, each computed once per sweep and language. Call inside
    ``translation.override(language)``."""

    def __init__(self, now: datetime, names: dict[int, str]) -> None:
        self.now = now
        self.names = names  # responsible names of the escalated tasks
        self.cache: dict[tuple[Any, ...], Any] = {}

    def _memo(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def task_url(self, language: str, pk: int) -> str:
        # reverse() costs about 0.1 ms and a sweep links tens of thousands of lines (3.5 s
        # at bench scale 1): the path is reversed once per language for a stand-in id.
        path = self._memo(("url", language), lambda: reverse("workgroups:task", args=[_STAND_IN]))
        return f"{settings.SITE_URL}{path.replace(str(_STAND_IN), str(pk))}"

    def profile_url(self, language: str) -> str:
        return self._memo(("profile", language), lambda: f"{settings.SITE_URL}{reverse('profile')}")

    def status(self, language: str, task: Task) -> str:
        return self._memo(("status", language, task.status), lambda: str(task.get_status_display()))

    def until(self, language: str, last_minute: datetime, tz: ZoneInfo, deadline: date) -> str:
        # "until 22:59 your time" reads better than repeating the date, unless the
        # deadline's last minute falls on another day where the person lives.
        def make() -> str:
            local = last_minute.astimezone(tz)
            if local.date() == deadline:
                return formats.time_format(local, "TIME_FORMAT")
            return formats.date_format(local, "DATETIME_FORMAT")

        return self._memo(("until", language, last_minute, tz.key, deadline), make)

    def sentence(self, language: str, overdue: bool, days: int, deadline: date, until: str) -> str:
        """The line's due/overdue sentence (``days``: overdue by, or left)."""

        def make() -> str:
            values = {"days": formats.localize(days), "deadline": formats.date_format(deadline, "DATE_FORMAT"), "until": until}
            if overdue:
                text = ngettext(
                    "Overdue by %(days)s day: the deadline was %(deadline)s.",
                    "Overdue by %(days)s days: the deadline was %(deadline)s.", days,
                )
            elif days <= 0:
                text = gettext("Due today, %(deadline)s (until %(until)s your time).")
            elif days == 1:
                text = gettext("Due tomorrow, %(deadline)s (until %(until)s your time).")
            else:
                text = ngettext("Due in %(days)s day, on %(deadline)s.", "Due in %(days)s days, on %(deadline)s.", days)
            return text % values

        return self._memo(("sentence", language, overdue, days, deadline, until), make)

    def line(self, language: str, item: Planned, tz: ZoneInfo) -> Line:
        task = item.task
        end = deadline_end(task.deadline, task.work_group.project.time_zone)
        overdue = self.now >= end
        today = self.now.astimezone(tz).date()
        days = max(1, (today - task.deadline).days) if overdue else (task.deadline - today).days
        until = self.until(language, end - timedelta(minutes=1), tz, task.deadline)
        escalation = item.role == DeadlineReminder.Role.COORDINATOR
        return {
            "title": task.title, "group": task.work_group.name,
            "url": self.task_url(language, task.pk),
            "sentence": self.sentence(language, overdue, days, task.deadline, until), "status": self.status(language, task),
            "overdue": overdue, "escalation": escalation, "contact": item.role == DeadlineReminder.Role.CONTACT,
            "responsible_names": (self.names.get(task.pk) or "–") if escalation else "",
            "reply_address": replies.reply_address(replies.TASK, task.pk, item.user.pk) or "",
        }


def digest(user: Any, items: list[Planned], formats_: Formats) -> Draft:
    """One recipient's digest email, in their language and time zone."""
    language, time_zone = recipient_locale(user)
    tz = zone(time_zone)
    # The lines grouped by project, sorted like a calendar; newest task first among lines that
    # sort the same (the order the claimed rows came in).
    by_project: dict[int, Group] = {}
    ordered = sorted(items, key=lambda i: -i.task.pk)
    ordered.sort(key=lambda i: (i.task.work_group.project.title, i.task.deadline, i.task.title))
    with translation.override(language):  # the lines are formatted for the reader
        for item in ordered:
            project = item.task.work_group.project
            group = by_project.setdefault(project.pk, {"project": project, "lines": []})
            group["lines"].append(formats_.line(language, item, tz))
        profile_url = formats_.profile_url(language)
    groups = list(by_project.values())
    lines = [line for group in groups for line in group["lines"]]
    # A reply to a list of tasks could mean any of them: each line has its own reply
    # address, and the digest's own (replies.DIGEST) earns an explanation, not a comment.
    tasks = {item.task.pk for item in items}
    several = len(tasks) > 1
    kind, object_id = (replies.DIGEST, user.pk) if several else (replies.TASK, tasks.pop())
    reply_to = replies.reply_address(kind, object_id, user.pk)
    context = {
        "reply_to": reply_to,
        "several_tasks": several,
        "recipient": user,
        "groups": groups,
        "profile_url": profile_url,
        "count": len(lines),
        "single": lines[0] if len(lines) == 1 else None,
        "overdue_count": sum(1 for line in lines if line["overdue"] and not line["escalation"]),
    }
    reminder_ids = ",".join(str(i) for i in sorted(item.reminder_id or 0 for item in items))
    return Draft(
        key=f"deadline-digest:{user.pk}:{hashlib.sha256(reminder_ids.encode()).hexdigest()[:32]}",
        category=CATEGORY, to_email=user.email,
        rendered=render_email(TEMPLATE, context, language, time_zone),
        language=language, user=user, project=groups[0]["project"] if len(groups) == 1 else None,
        reply_to=reply_to,
    )
