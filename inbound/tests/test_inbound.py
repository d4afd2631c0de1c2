"""Answers by email end to end: messages go into a real Dovecot by IMAP APPEND, the real
poller runs in the real Celery worker, and what a person would see is checked."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from communication import discussions
from communication.models import Post
from conftest import wait_until
from inbound.models import InboundMessage
from inbound.tasks import poll_inbound
from inbound.tests import messages
from meetings.calendar import meeting_uid
from meetings.models import Meeting, Participation
from meetings.tests.factories import make_meeting
from outbox import replies
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def _poll(dovecot, count: int) -> list[InboundMessage]:
    """Run the poller in the worker until ``count`` messages are recorded and flagged."""
    poll_inbound.delay()
    wait_until(lambda: InboundMessage.objects.exclude(status="received").count() >= count
               and dovecot.flagged_done() >= count, timeout=20)
    return list(InboundMessage.objects.order_by("pk"))


def _address(kind: str, object_id: int, user) -> str:
    return f"partners+{replies.token(kind, object_id, user.pk)}@portal.example"


def _replies(thread) -> list[Post]:
    return list(Post.objects.filter(thread=thread).order_by("pk"))[1:]


def test_a_plain_reply_becomes_a_post_by_its_author_and_notifies_like_the_browser(dovecot, celery_worker, thread, coordinator, partner):
    dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "We agree with the draft."))
    [row] = _poll(dovecot, 1)
    assert row.status == "processed" and row.user == partner and row.project_id == thread.project_id
    [post] = _replies(thread)
    assert post.author == partner and post.body == "We agree with the draft."
    # The coordinator follows her thread: told as for a reply written in the browser.
    assert OutgoingEmail.objects.filter(user=coordinator, category="communication.reply").exists()
    # The next poll finds the message flagged and does nothing again.
    poll_inbound.delay()
    poll_inbound.delay()
    wait_until(lambda: True)
    assert InboundMessage.objects.count() == 1 and len(_replies(thread)) == 1


@pytest.mark.parametrize("who,body,expected", [
    ("coordinator",
     "Paldies, piekrītu melnrakstam.\nLūdzu, nosūtiet galīgo versiju līdz piektdienai.\n\nAr cieņu,\nInese Kalniņa\n"
     "Daugavpils pilsētas dome\n\n2026. gada 3. decembrī 10:00 agepartners <partners@portal.example> rakstīja:\n"
     "> Please look at the draft.\n",
     "Paldies, piekrītu melnrakstam.\nLūdzu, nosūtiet galīgo versiju līdz piektdienai."),
    ("partner",
     "Vielen Dank, wir übernehmen die Übersetzung.\n\nMit freundlichen Grüßen\nKatrin\n\n"
     "Am Do., 3. Dez. 2026 um 10:00 Uhr schrieb agepartners <partners@portal.example>:\n> Please look at the draft.\n",
     "Vielen Dank, wir übernehmen die Übersetzung."),
])
def test_the_quoted_original_and_the_signature_are_left_out(dovecot, celery_worker, thread, request, who, body, expected):
    person = request.getfixturevalue(who)
    dovecot.append(messages.plain(person.email, _address(replies.THREAD, thread.pk, person), body))
    _poll(dovecot, 1)
    [post] = _replies(thread)
    assert post.body == expected


def test_an_html_only_reply_arrives_as_sanitised_text(dovecot, celery_worker, thread, partner):
    markup = ("<html><head><style>p{color:red}</style></head><body><p>Guten Tag,</p>"
              "<p>wir <b>kommen</b> gern &amp; bringen Ő mit.<script>alert(1)</script></p>"
              "<blockquote>Please look at the draft.</blockquote></body></html>")
    dovecot.append(messages.html_only(partner.email, _address(replies.THREAD, thread.pk, partner), markup))
    _poll(dovecot, 1)
    [post] = _replies(thread)
    assert post.body == "Guten Tag,\n\nwir kommen gern & bringen Ő mit."
    assert "<" not in post.body and "alert" not in post.body and "draft" not in post.body


def test_quoted_printable_and_base64_keep_their_diacritics(dovecot, celery_worker, thread, coordinator, partner):
    dovecot.append(messages.quoted_printable(partner.email, _address(replies.THREAD, thread.pk, partner),
                                             "Győr és Pécs: előadás ő ű.", charset="iso-8859-2"))
    dovecot.append(messages.plain(coordinator.email, _address(replies.THREAD, thread.pk, coordinator),
                                  "Sanāksme Rēzeknē: āčēģīķļņšūž."))
    _poll(dovecot, 2)
    assert sorted(p.body for p in _replies(thread)) == ["Győr és Pécs: előadás ő ű.", "Sanāksme Rēzeknē: āčēģīķļņšūž."]


def test_a_forged_sender_and_a_mangled_token_post_nothing_and_are_kept_with_the_reason(dovecot, celery_worker, thread, partner, outsider):
    good = _address(replies.THREAD, thread.pk, partner)
    dovecot.append(messages.plain(outsider.email, good, "I pretend to be Katrin."))
    dovecot.append(messages.plain(partner.email, good.replace("+d", "+t"), "Another object."))
    dovecot.append(messages.plain(partner.email, good[:-20] + "0" * 4 + good[-16:], "Mangled."))
    rows = _poll(dovecot, 3)
    assert [r.status for r in rows] == ["failed", "failed", "failed"]
    assert "not by the person" in rows[0].reason
    assert "forged or mangled" in rows[1].reason and "forged or mangled" in rows[2].reason
    assert _replies(thread) == []
    assert not OutgoingEmail.objects.filter(category="inbound.explanation").exists()  # no answer to forgers


def test_a_person_removed_from_the_project_posts_nothing_and_is_told_once_an_hour(dovecot, celery_worker, thread, partner):
    from projects.models import Membership

    Membership.objects.filter(user=partner, project=thread.project).delete()
    address = _address(replies.THREAD, thread.pk, partner)
    dovecot.append(messages.plain(partner.email, address, "Still here?"))
    dovecot.append(messages.plain(partner.email, address, "Hello?"))
    rows = _poll(dovecot, 2)
    assert [r.status for r in rows] == ["failed", "failed"] and "no longer allowed" in rows[0].reason
    assert _replies(thread) == []
    [answer] = OutgoingEmail.objects.filter(category="inbound.explanation")
    assert answer.user == partner and answer.language == "de"
    assert "nicht mehr" in answer.body_text  # in her language


def test_a_closed_thread_takes_no_reply(dovecot, celery_worker, thread, partner):
    discussions.set_closed(thread, True)
    dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "Late answer."))
    [row] = _poll(dovecot, 1)
    assert row.status == "failed" and row.reason == "the discussion is closed"
    assert _replies(thread) == []


def test_out_of_office_and_delivery_reports_are_ignored_and_never_answered(dovecot, celery_worker, thread, partner):
    address = _address(replies.THREAD, thread.pk, partner)
    dovecot.append(messages.plain(partner.email, address, "Ich bin bis 10. Dezember nicht im Büro.",
                                  subject="Abwesenheitsnotiz: Questionnaire", extra="Auto-Submitted: auto-replied\r\n"))
    dovecot.append(messages.plain(partner.email, address, "I am away.", subject="Out of Office: Questionnaire"))
    dovecot.append(messages.plain(partner.email, address, "List copy.", extra="Precedence: bulk\r\n"))
    rows = _poll(dovecot, 3)
    assert [r.status for r in rows] == ["ignored"] * 3
    assert _replies(thread) == []
    assert not OutgoingEmail.objects.filter(category="inbound.explanation").exists()


def test_the_same_message_twice_is_used_once(dovecot, celery_worker, thread, partner):
    raw = messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "Only once, please.",
                         message_id="<same-message@mail.example>")
    dovecot.append(raw)
    dovecot.append(raw)
    poll_inbound.delay()
    wait_until(lambda: dovecot.flagged_done() == 2)
    assert InboundMessage.objects.count() == 1
    assert [p.body for p in _replies(thread)] == ["Only once, please."]


def test_a_reply_to_a_task_email_becomes_a_comment(dovecot, celery_worker, project, coordinator, partner):
    from workgroups.models import TaskEvent, WorkGroup
    from workgroups.services import create_task

    group = WorkGroup.objects.create(project=project, name="Skills analysis")
    task = create_task(group, title="Questionnaire", deadline=timezone.localdate() + timedelta(days=3), by=coordinator,
                       responsible_people=(partner,), responsible_organisations=(), status="open")
    dovecot.append(messages.plain(partner.email, _address(replies.TASK, task.pk, partner), "Fertig bis Freitag."))
    _poll(dovecot, 1)
    [comment] = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.COMMENT)
    assert comment.author == partner and comment.text == "Fertig bis Freitag."


# --- Calendar answers ------------------------------------------------------------------


@pytest.fixture
def meeting(project, coordinator, partner):
    return make_meeting(project, starts_at=datetime(2031, 4, 18, 9, 0, tzinfo=ZoneInfo("Europe/Budapest")),
                        venue_time_zone="Europe/Budapest", city="Eger", country="HU")


@pytest.mark.parametrize("program,partstat,response", [
    ("outlook", "ACCEPTED", "attending"),
    ("thunderbird", "TENTATIVE", "maybe"),
    ("gmail", "DECLINED", "not_attending"),
    ("apple", "ACCEPTED", "attending"),
])
def test_a_calendar_answer_updates_the_attendance_as_the_page_does(dovecot, celery_worker, meeting, partner, program, partstat, response):
    organizer = _address(replies.MEETING, meeting.pk, partner)
    comment = "Ich komme mit dem Zug, Ankunft 17. April." if program in ("outlook", "apple") else ""
    dovecot.append(messages.itip_reply(program, sender=partner.email, name="Katrin Müller", organizer=organizer,
                                       uid=meeting_uid(meeting), sequence=0, partstat=partstat, comment=comment))
    [row] = _poll(dovecot, 1)
    assert row.status == "processed", row.reason
    participation = Participation.objects.get(meeting=meeting, user=partner)
    assert participation.response == response
    assert participation.notes == comment
    assert participation.responded_at is not None


def test_an_answer_to_an_older_version_does_not_undo_a_newer_one(dovecot, celery_worker, meeting, partner):
    organizer = _address(replies.MEETING, meeting.pk, partner)
    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    meeting.save()  # version 1
    uid = meeting_uid(meeting)
    dovecot.append(messages.itip_reply("gmail", sender=partner.email, name="Katrin", organizer=organizer, uid=uid,
                                       sequence=1, partstat="DECLINED"))
    _poll(dovecot, 1)
    dovecot.append(messages.itip_reply("outlook", sender=partner.email, name="Katrin Müller", organizer=organizer,
                                       uid=uid, sequence=0, partstat="ACCEPTED"))
    rows = _poll(dovecot, 2)
    assert rows[1].status == "ignored" and "older version" in rows[1].reason
    assert Participation.objects.get(meeting=meeting, user=partner).response == "not_attending"


def test_after_the_meeting_started_a_calendar_answer_changes_nothing(dovecot, celery_worker, project, partner):
    started = make_meeting(project, starts_at=timezone.now() - timedelta(hours=1))
    Participation.objects.create(meeting=started, user=partner, response="attending")
    dovecot.append(messages.itip_reply("apple", sender=partner.email, name="Katrin Müller",
                                       organizer=_address(replies.MEETING, started.pk, partner),
                                       uid=meeting_uid(started), sequence=0, partstat="DECLINED"))
    [row] = _poll(dovecot, 1)
    assert row.status == "failed" and "started" in row.reason
    assert Participation.objects.get(meeting=started, user=partner).response == "attending"
    assert Meeting.objects.get(pk=started.pk).sequence == 0


def test_a_calendar_answer_for_somebody_else_changes_nothing(dovecot, celery_worker, meeting, partner, coordinator):
    # Katrin forwards her invitation; the coordinator's program answers to Katrin's organizer address.
    dovecot.append(messages.itip_reply("thunderbird", sender=coordinator.email, name="Inese Kalniņa",
                                       organizer=_address(replies.MEETING, meeting.pk, partner),
                                       uid=meeting_uid(meeting), sequence=0, partstat="ACCEPTED"))
    [row] = _poll(dovecot, 1)
    assert row.status == "failed"
    assert not Participation.objects.filter(meeting=meeting, response="attending").exists()


def test_two_pollers_at_once_use_each_message_once(dovecot, thread, partner, coordinator):
    import threading

    from django.db import connection

    from inbound.services import poll

    for n in range(6):
        dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), f"Answer {n}."))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            poll(dovecot.url)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    pollers = [threading.Thread(target=run) for _ in range(2)]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join(30)
    assert errors == []
    assert sorted(p.body for p in _replies(thread)) == [f"Answer {n}." for n in range(6)]
    assert InboundMessage.objects.count() == 6 and dovecot.flagged_done() == 6


def test_a_database_error_midway_leaves_the_message_in_the_mailbox_for_the_next_poll(dovecot, thread, partner, monkeypatch):
    from django.db import OperationalError

    from inbound import processing
    from inbound.services import poll

    address = _address(replies.THREAD, thread.pk, partner)
    dovecot.append(messages.plain(partner.email, address, "First."))
    dovecot.append(messages.plain(partner.email, address, "Second."))
    real = processing._thread
    calls = {"n": 0}

    def failing_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(processing, "_thread", failing_second)
    with pytest.raises(OperationalError):
        poll(dovecot.url)
    assert [p.body for p in _replies(thread)] == ["First."]
    assert InboundMessage.objects.count() == 1 and dovecot.flagged_done() == 1  # the second was rolled back

    assert poll(dovecot.url) == {"processed": 1}  # the next poll takes it up
    assert [p.body for p in _replies(thread)] == ["First.", "Second."]
    assert dovecot.flagged_done() == 2
