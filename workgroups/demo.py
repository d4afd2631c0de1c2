"""Demo data: the work groups formed at the first partner meeting in Magdeburg and their tasks.

On the demo timeline "today" is the day of the seed article (after the Magdeburg meeting,
before the next one in April): some tasks are done, one is overdue, one falls due
tomorrow (inside the reminder window) and the rest lie ahead.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from workgroups.models import Task, TaskEvent, WorkGroup

OPEN, IN_PROGRESS, DONE = Task.Status.OPEN, Task.Status.IN_PROGRESS, Task.Status.DONE

# name, purpose, lead organisation, member keys
GROUPS = [
    ("Skills and training needs",
     "Identify the skills, teaching methods and learning content municipal staff need for international work.",
     "magdeburg", ["magdeburg", "coordinator", "hungary", "latvia"]),
    ("Teaching methods and learning content",
     "Exchange good practice in training and outline learning content for the skills needed.",
     "hungary", ["hungary", "italy", "latvia", "assistant"]),
    ("Internationalisation strategies",
     "Analyse and improve the partner municipalities' strategies for internationalisation.",
     "denmark", ["denmark", "magdeburg", "coordinator"]),
    ("Communication and dissemination",
     "Keep the partners in touch and tell the public about the project.",
     "daugavpils", ["coordinator", "assistant", "denmark", "italy"]),
]

# group, title, description, people, organisations, deadline (seed timeline), status, completed (seed)
TASKS: list[tuple[str, str, str, list[str], list[str], date, str, date | None]] = [
    ("Communication and dissemination", "Set up the partners' communication platform",
     "A shared space where the partners exchange information between meetings.",
     ["assistant"], [], date(2012, 10, 19), DONE, date(2012, 10, 17)),
    ("Communication and dissemination", "Article about the Magdeburg meeting for local media",
     "Short news item with a photo of the participants, for the city's website and newspaper.",
     ["assistant"], [], date(2012, 11, 16), DONE, date(2012, 11, 14)),
    ("Skills and training needs", "Questionnaire on the international skills of municipal staff",
     "Ten to fifteen questions, in English; each partner translates it.",
     ["magdeburg"], [], date(2012, 10, 31), DONE, date(2012, 10, 30)),
    ("Teaching methods and learning content", "Collect examples of good training practice",
     "Two or three examples per partner: format, audience, what worked.",
     ["italy", "hungary"], [], date(2012, 11, 15), IN_PROGRESS, None),
    ("Teaching methods and learning content", "Outline of the training module on internationalisation",
     "One page: learning outcomes, units, methods.",
     [], ["latvia"], date(2012, 11, 21), OPEN, None),
    ("Skills and training needs", "Run the skills questionnaire in each partner municipality",
     "At least 20 answers per municipality.",
     [], ["daugavpils", "magdeburg", "denmark"], date(2012, 11, 30), IN_PROGRESS, None),
    ("Skills and training needs", "Analysis of the questionnaire results",
     "A short report comparing the partners, for the second partner meeting.",
     ["magdeburg"], [], date(2013, 1, 31), OPEN, None),
    ("Communication and dissemination", "Project leaflet in all partner languages",
     "English text first; each partner translates and prints its own copies.",
     ["denmark"], ["italy"], date(2013, 2, 28), OPEN, None),
    ("Internationalisation strategies", "Compare the municipalities' internationalisation strategies",
     "Collect each partner's strategy document and summarise it on two pages.",
     ["denmark", "coordinator"], [], date(2013, 3, 15), OPEN, None),
    ("Internationalisation strategies", "Agenda and logistics of the second partner meeting",
     "Venue, hotel suggestions and a draft agenda for the second partner meeting.",
     [], ["hungary"], date(2013, 3, 29), OPEN, None),
]

COMMENTS = {
    "Collect examples of good training practice": ("italy", "Three examples from Ferrara are ready; waiting for the Hungarian ones."),
    "Run the skills questionnaire in each partner municipality": ("magdeburg", "Magdeburg has 24 answers so far."),
}


@transaction.atomic
def seed(ctx: Any) -> None:
    from meetings.models import Meeting

    project = ctx.project
    meeting = Meeting.objects.filter(project=project, title="First partner meeting").first()
    groups: dict[str, WorkGroup] = {}
    for name, purpose, lead, member_keys in GROUPS:
        group, _ = WorkGroup.objects.update_or_create(
            project=project, name=name,
            defaults={"purpose": purpose, "lead_organisation": ctx.organisations[lead]},
        )
        group.members.add(*[ctx.users[key] for key in member_keys])
        groups[name] = group

    coordinator = ctx.users["coordinator"]
    for group_name, title, description, people, orgs, deadline, status, completed in TASKS:
        task, created = Task.objects.update_or_create(
            work_group=groups[group_name], title=title,
            defaults={
                "description": description, "deadline": ctx.day(deadline), "status": status,
                "completed_on": ctx.day(completed) if completed else None, "meeting": meeting,
                "created_by": coordinator,
            },
        )
        task.responsible_people.set([ctx.users[key] for key in people])
        task.responsible_organisations.set([ctx.organisations[key] for key in orgs])
        if created:
            TaskEvent.objects.create(task=task, author=coordinator, kind=TaskEvent.Kind.CREATED, new_value=OPEN)
            responsible = ctx.users[people[0]] if people else coordinator
            if status != OPEN:
                TaskEvent.objects.create(task=task, author=responsible, kind=TaskEvent.Kind.STATUS,
                                         old_value=OPEN, new_value=status)
            if title in COMMENTS:
                author, text = COMMENTS[title]
                TaskEvent.objects.create(task=task, author=ctx.users[author], kind=TaskEvent.Kind.COMMENT, text=text)
