"""What the reports change: one thing, carrying the open actions onto the next agenda."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Meeting
from projects.models import Project
from reports import selectors


@dataclass
class Carried:
    meeting: Meeting | None
    item: AgendaItem | None
    count: int
    created: bool


def carried_title() -> str:
    return _("Open actions from earlier meetings")


@transaction.atomic
def carry_open_actions(project: Project) -> Carried:
    """Add to the next meeting's agenda one item listing the open and late actions.

    Run again, it rewrites the same item (found by its title in the current language)
    instead of adding a second one, so the list is always today's.
    """
    meeting = selectors.next_meeting(project)
    if meeting is None:
        return Carried(meeting=None, item=None, count=0, created=False)
    actions = [a for a in selectors.open_actions(selectors.action_log(project)) if a.meeting.pk != meeting.pk]
    if not actions:
        return Carried(meeting=meeting, item=None, count=0, created=False)
    description = render_to_string("reports/carried_actions.txt", {"actions": actions}).strip()
    item = AgendaItem.objects.select_for_update().filter(meeting=meeting, title=carried_title()).first()
    created = item is None
    if item is None:
        last = meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0
        item = AgendaItem(meeting=meeting, order=last + 1, title=carried_title())
    item.description = description
    item.save()
    return Carried(meeting=meeting, item=item, count=len(actions), created=created)
