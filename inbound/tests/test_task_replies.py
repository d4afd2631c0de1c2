"""Answers to task emails (the assignment, a comment, a deadline digest), end to end: the
emails the portal records, replies to their addresses put into a real Dovecot by IMAP
APPEND, the real poller in the real Celery worker."""
from __future__ import annotations

import re
from datetime import date

import pytest

from inbound.tests import messages
from inbound.tests.test_inbound import _address, _poll
from outbox import replies
from outbox.models import OutgoingEmail
from projects.models import Membership
from workgroups.models import Task, TaskEvent, WorkGroup
from workgroups.reminders import sweep
from workgroups.services import add_comment, create_task
from workgroups.tests.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def group(project):
    return WorkGroup.objects.create(project=project, name="Skills analysis")


@pytest.fixture
def dane(project):
    from conftest import _person
    from projects.services import add_membership

    user = _person("mette@vejle.example", "Mette", "Jensen", None, "da", "Europe/Copenhagen")
    add_membership(user, project, "member")
    return user


def _comments(task: Task) -> list[tuple[str, str]]:
    return [(e.author.email, e.text) for e in TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.COMMENT).order_by("pk")]


def test_a_reply_to_the_assignment_email_becomes_her_comment_and_tells_the_others(
    dovecot, celery_worker, group, coordinator, partner, dane
):
    task = create_task(group, title="Questionnaire", deadline=date(2031, 4, 10), by=coordinator,
                       responsible_people=(coordinator, partner, dane))
    assignment = OutgoingEmail.objects.get(user=partner, category="workgroups.task_assigned")
    assert assignment.language == "de" and assignment.subject == "Neue Aufgabe für Sie: Questionnaire"
    assert assignment.reply_to == _address(replies.TASK, task.pk, partner)
    assert not OutgoingEmail.objects.filter(user=coordinator).exists()  # she assigned herself

    dovecot.append(messages.plain(partner.email, assignment.reply_to,
                                  "Fertig bis Freitag.\n\nMit freundlichen Grüßen\nKatrin Hoffmann\n",
                                  subject="AW: Questionnaire"))
    [row] = _poll(dovecot, 1)
    assert row.status == "processed" and row.user == partner
    assert _comments(task) == [(partner.email, "Fertig bis Freitag.")]
    # Told as for a comment written in the browser: the other responsible people, each in
    # their language and able to answer in turn; not the author.
    told = {e.user.email: e for e in OutgoingEmail.objects.filter(category="workgroups.task_comment")}
    assert sorted(told) == [coordinator.email, dane.email]
    assert told[coordinator.email].language == "lv" and told[dane.email].language == "da"
    assert told[dane.email].subject == "Katrin Hoffmann har kommenteret “Questionnaire”"
    assert all("Fertig bis Freitag." in e.body_text for e in told.values())
    assert told[dane.email].reply_to == _address(replies.TASK, task.pk, dane)


def test_a_member_removed_from_the_project_is_not_told_and_her_reply_posts_nothing(
    dovecot, celery_worker, project, group, coordinator, partner
):
    task = create_task(group, title="Questionnaire", deadline=date(2031, 4, 10), by=coordinator,
                       responsible_people=(coordinator, partner))
    address = OutgoingEmail.objects.get(user=partner, category="workgroups.task_assigned").reply_to
    Membership.objects.filter(user=partner, project=project).delete()

    add_comment(task, "Who takes this over?", by=coordinator)
    assert not OutgoingEmail.objects.filter(user=partner, category="workgroups.task_comment").exists()

    dovecot.append(messages.plain(partner.email, address, "Ich bin noch da."))
    [row] = _poll(dovecot, 1)
    assert row.status == "failed" and "no longer allowed" in row.reason
    assert _comments(task) == [(coordinator.email, "Who takes this over?")]
    [answer] = OutgoingEmail.objects.filter(category="inbound.explanation")
    assert answer.user == partner and answer.language == "de"


def test_each_task_of_a_digest_answers_by_its_own_link_and_the_digest_itself_only_explains(
    dovecot, celery_worker, settings, group, coordinator, partner
):
    first = create_task(group, title="Collect job descriptions", deadline=date(2026, 4, 10), by=coordinator,
                        responsible_people=(partner,))
    second = create_task(group, title="Draft the skills matrix", deadline=date(2026, 4, 16), by=coordinator,
                         responsible_people=(partner,))
    sweep(at("2026-04-09T09:30+03:00"))  # one digest of both to her
    digest = OutgoingEmail.objects.get(user=partner, category="deadline_reminder")
    assert digest.subject == "Fristerinnerungen: 2 Aufgaben"

    # Each line carries its own task's address; the digest's own names no task.
    own = [_address(replies.TASK, first.pk, partner), _address(replies.TASK, second.pk, partner)]
    assert re.findall(r'href="mailto:([^"?]+)\?subject=([^"]+)"', digest.body_html) == [
        (own[0], "Re:%20Collect%20job%20descriptions"), (own[1], "Re:%20Draft%20the%20skills%20matrix"),
    ]
    assert re.findall(r"Per Antwort kommentieren: (\S+)", digest.body_text) == own
    assert digest.reply_to == _address(replies.DIGEST, partner.pk, partner)
    assert "indem Sie auf diese E-Mail antworten" not in digest.body_text  # that sentence is for one task

    dovecot.append(messages.plain(partner.email, own[0], "Die Beschreibungen liegen vor."))
    dovecot.append(messages.plain(partner.email, own[1], "Die Matrix folgt nächste Woche."))
    dovecot.append(messages.plain(partner.email, digest.reply_to, "Alles erledigt.", subject="AW: Fristerinnerungen"))
    dovecot.append(messages.plain(partner.email, digest.reply_to, "Wirklich alles.", subject="AW: Fristerinnerungen"))
    rows = _poll(dovecot, 4)

    assert [r.status for r in rows] == ["processed", "processed", "failed", "failed"]
    assert _comments(first) == [(partner.email, "Die Beschreibungen liegen vor.")]
    assert _comments(second) == [(partner.email, "Die Matrix folgt nächste Woche.")]
    assert "several tasks" in rows[2].reason
    # One short answer in her language, however often she replies to the digest within the hour.
    [answer] = OutgoingEmail.objects.filter(category="inbound.explanation")
    assert answer.user == partner and answer.language == "de"
    assert "mehrere Aufgaben" in answer.body_text and "„Per Antwort kommentieren“" in answer.body_text
    assert settings.SITE_URL in answer.body_text
