"""The emails of a task: its assignment and its comments, through the outbox, the real
Celery worker and a real SMTP server. Replies to them are in inbound/tests/test_task_replies.py."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from conftest import PASSWORD, body_html, body_text, wait_until
from outbox import replies
from outbox.models import OutgoingEmail
from projects.models import Membership
from workgroups import services
from workgroups.reminders import sweep
from workgroups.tests.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

MAILBOX = "partners@portal.example"


@pytest.fixture
def answers_on(settings):
    """Answers by email switched on; nothing polls the mailbox in these tests."""
    settings.INBOUND_EMAIL_URL = "folder:///nonexistent/inbox"
    settings.INBOUND_EMAIL_ADDRESS = MAILBOX


def subject(message) -> str:
    return str(message["Subject"]).strip()


def _sent(category: str) -> list[OutgoingEmail]:
    rows = list(OutgoingEmail.objects.filter(category=category).order_by("pk"))
    wait_until(lambda: all(r.status == "sent" for r in OutgoingEmail.objects.filter(category=category)))
    return rows


def test_the_person_made_responsible_is_told_once_in_her_language_and_may_answer(
    answers_on, coordinator, partner, dane, work_group, smtp_server, celery_worker
):
    task = services.create_task(work_group, title="Questionnaire on staff skills", deadline=date(2031, 4, 10),
                                by=coordinator, responsible_people=(coordinator, partner), description="Ten questions.")

    [german] = smtp_server.wait_for(1)
    assert german["To"] == partner.email  # not the coordinator, who assigned herself
    assert subject(german) == "Neue Aufgabe für Sie: Questionnaire on staff skills"
    assert german["Reply-To"] == replies.reply_address(replies.TASK, task.pk, partner.pk)
    text = body_text(german)
    assert "Hallo Katrin" in text and "Zugewiesen von: Inese Kalniņa" in text and "Frist: 10. April 2031" in text
    assert "Ten questions." in text and f"http://testserver/de/workgroups/tasks/{task.pk}/" in text
    assert "Sie können diese Aufgabe kommentieren, indem Sie auf diese E-Mail antworten." in text
    assert f'href="http://testserver/de/workgroups/tasks/{task.pk}/"' in body_html(german)

    # Saving again, moving the deadline, keeping the people: nobody is told twice. The
    # Danish partner added now is told, in Danish.
    services.update_task(task, by=coordinator, deadline=date(2031, 4, 17), responsible_people=(coordinator, partner))
    services.update_task(task, by=coordinator, responsible_people=(coordinator, partner, dane))
    messages = smtp_server.wait_for(2)
    [danish] = smtp_server.to(dane.email)
    assert subject(danish) == "Ny opgave til Dem: Questionnaire on staff skills"
    assert "Frist: 17. april 2031" in body_text(danish)
    assert len(_sent("workgroups.task_assigned")) == 2
    assert len(smtp_server.messages) == 2 and len(messages) == 2

    # Taken off and given the task again is a new assignment: told again.
    services.update_task(task, by=coordinator, responsible_people=(coordinator, dane))
    services.update_task(task, by=coordinator, responsible_people=(coordinator, partner, dane))
    smtp_server.wait_for(3)
    assert len(smtp_server.to(partner.email)) == 2


def test_an_observer_made_responsible_is_told_without_being_offered_to_answer(
    answers_on, coordinator, observer, work_group, smtp_server, celery_worker
):
    services.create_task(work_group, title="Check the report", deadline=date(2031, 4, 10), by=coordinator,
                         responsible_people=(observer,))
    [message] = smtp_server.wait_for(1)
    assert message["Reply-To"] is None  # observers read; a reply could not become a comment
    assert "replying to this email" not in body_text(message)


def test_a_coordinator_assigning_in_the_admin_tells_the_new_person(
    answers_on, client, coordinator, partner, work_group, smtp_server, celery_worker
):
    task = services.create_task(work_group, title="Budget table", deadline=date(2031, 5, 2), by=coordinator)
    client.login(email=coordinator.email, password=PASSWORD)
    response = client.post(reverse("admin:workgroups_task_change", args=[task.pk]), {
        "work_group": work_group.pk, "title": "Budget table", "description": "", "deadline": "2031-05-02",
        "status": "open", "responsible_people": [partner.pk],
        "events-TOTAL_FORMS": "1", "events-INITIAL_FORMS": "1", "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000",
        "events-0-id": task.events.get().pk, "events-0-task": task.pk, "events-0-text": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    [message] = smtp_server.wait_for(1)
    assert message["To"] == partner.email and subject(message) == "Neue Aufgabe für Sie: Budget table"


def test_a_comment_reaches_the_responsible_and_earlier_writers_but_not_its_author(
    answers_on, client, coordinator, partner, dane, work_group, smtp_server, celery_worker
):
    task = services.create_task(work_group, title="Skills matrix", deadline=date(2031, 4, 10), by=coordinator,
                                responsible_people=(partner,))
    smtp_server.wait_for(1)  # her assignment
    client.login(email=dane.email, password=PASSWORD)
    # Dane may not comment (neither responsible nor managing); the coordinator may.
    assert client.post(reverse("workgroups:task_comment", args=[task.pk]), {"text": "Hi"}).status_code == 404
    client.login(email=coordinator.email, password=PASSWORD)
    client.post(reverse("workgroups:task_comment", args=[task.pk]), {"text": "Bitte bis Freitag.\nDanke!"})

    smtp_server.wait_for(2)
    [german] = smtp_server.to(partner.email)[1:]
    assert subject(german) == "Inese Kalniņa hat „Skills matrix“ kommentiert"
    assert german["Reply-To"] == replies.reply_address(replies.TASK, task.pk, partner.pk)
    assert "Bitte bis Freitag.\r\nDanke!" in body_text(german)
    assert "Bitte bis Freitag.<br>Danke!" in body_html(german)
    assert smtp_server.to(coordinator.email) == []  # the author is not told of her own comment

    # Her answer reaches the coordinator, who wrote before, in Latvian; not herself.
    services.add_comment(task, "Mache ich.", by=partner)
    smtp_server.wait_for(3)
    [latvian] = smtp_server.to(coordinator.email)
    assert latvian["Reply-To"] == replies.reply_address(replies.TASK, task.pk, coordinator.pk)
    assert "Mache ich." in body_text(latvian) and "Labdien, Inese!" in body_text(latvian)
    assert len(smtp_server.to(partner.email)) == 2
    assert len(_sent("workgroups.task_comment")) == 2


def test_a_person_who_left_the_project_hears_nothing_more(answers_on, coordinator, partner, work_group, smtp_server, celery_worker):
    task = services.create_task(work_group, title="Skills matrix", deadline=date(2031, 4, 10), by=coordinator,
                                responsible_people=(partner,))
    services.add_comment(task, "Erledigt bald.", by=partner)  # nobody to tell yet: she is the only writer
    Membership.objects.filter(user=partner, project=work_group.project).delete()
    services.add_comment(task, "Thank you.", by=coordinator)
    services.update_task(task, by=coordinator, responsible_people=(partner, coordinator))
    smtp_server.wait_for(1)  # her assignment, before she left
    wait_until(lambda: not OutgoingEmail.objects.exclude(status="sent").exists())
    assert list(OutgoingEmail.objects.values_list("user__email", "category")) == [
        (partner.email, "workgroups.task_assigned"),
    ]
    assert len(smtp_server.messages) == 1


def test_with_answers_by_email_off_no_task_email_offers_a_reply(
    settings, coordinator, partner, work_group, make_task, smtp_server, celery_worker
):
    settings.INBOUND_EMAIL_URL = ""
    task = services.create_task(work_group, title="Study visit", deadline=date(2026, 4, 10), by=coordinator,
                                responsible_people=(partner,))
    services.add_comment(task, "Please start.", by=coordinator)
    make_task(date(2026, 4, 16), people=(partner,), title="Draft the skills matrix")
    sweep(at("2026-04-09T09:30+03:00"))  # a digest of the two tasks to her

    smtp_server.wait_for(3)  # the assignment, the comment, the digest
    wait_until(lambda: not OutgoingEmail.objects.exclude(status="sent").exists())
    assert sorted(subject(m) for m in smtp_server.to(partner.email)) == [
        "Fristerinnerungen: 2 Aufgaben", "Inese Kalniņa hat „Study visit“ kommentiert", "Neue Aufgabe für Sie: Study visit",
    ]
    for message in smtp_server.to(partner.email):
        assert message["Reply-To"] is None
        for text in (body_text(message), body_html(message)):
            assert "antworten" not in text and "mailto:" not in text and "Per Antwort" not in text, text
    assert not OutgoingEmail.objects.exclude(reply_to="").exists()
