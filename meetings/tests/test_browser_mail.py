"""Issue 15: a partner's calendar answer sent by email shows on the meeting page.

End to end with the real services: the invitation is queued as in production, the
partner's calendar program answers its ORGANIZER address (an iTIP REPLY APPENDed into a
real Dovecot), the real poller runs in the real Celery worker as beat would start it, and
the coordinator reads the result in Chromium. Each test reads the page before the poll
too, so it fails when the poller does not run."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from conftest import browser_login, wait_until
from inbound.models import InboundMessage
from inbound.tasks import poll_inbound
from inbound.tests import messages
from inbound.tests.conftest import _dovecot, dovecot  # noqa: F401  (the inbound tests' real Dovecot, shared by import)
from meetings.invitations import send_invitations
from meetings.tests.factories import make_meeting
from outbox.models import OutgoingEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invitation(dovecot, project, coordinator, partner):  # noqa: F811
    """The meeting and the ORGANIZER and UID of the partner's invitation, read from the .ics
    that was queued for them (what their calendar program answers to)."""
    meeting = make_meeting(project, title="Second partner meeting", starts_at=timezone.now() + timedelta(days=40),
                           venue_time_zone="Europe/Budapest", city="Eger", country="HU")
    send_invitations(meeting)
    email = OutgoingEmail.objects.get(user=partner, category="meeting_invitation")
    [event] = Calendar.from_ical(email.attachments[0]["content"]).walk("VEVENT")
    organizer = str(event["ORGANIZER"]).removeprefix("mailto:")
    assert organizer == email.reply_to  # the calendar answer and a plain reply reach the same mailbox
    return meeting, organizer, str(event["UID"])


def _poll(dovecot, status: str) -> None:  # noqa: F811
    """What beat does every minute: the poll task, in the real worker, until the message is used."""
    poll_inbound.delay()
    wait_until(lambda: InboundMessage.objects.filter(status=status).exists() and dovecot.flagged_done() >= 1, timeout=20)


def _open(page, meeting) -> tuple[str, str]:
    page.goto(f"/en/meetings/{meeting.pk}/")
    who = page.locator("section[aria-labelledby=who-heading]")
    return who.inner_text(), who.locator("p.muted", has_text="without answer").inner_text()


def test_a_decline_by_email_changes_the_coordinators_counts(page, dovecot, celery_worker, invitation, coordinator, partner):  # noqa: F811
    meeting, organizer, uid = invitation
    browser_login(page, coordinator.email)
    page.wait_for_url("**/dashboard/")
    before, counts = _open(page, meeting)
    assert "0 cannot come" in counts and "2 without answer" in counts

    dovecot.append(messages.itip_reply("apple", sender=partner.email, name="Katrin Hoffmann", organizer=organizer,
                                       uid=uid, sequence=0, partstat="DECLINED", comment="Train strike, sorry."))
    _poll(dovecot, "processed")

    after, counts = _open(page, meeting)
    assert "1 cannot come" in counts and "1 without answer" in counts
    assert "Nobody has confirmed yet." in after  # a decline is no confirmation


def test_an_accept_by_email_puts_the_partner_among_who_is_coming(page, dovecot, celery_worker, invitation, coordinator, partner):  # noqa: F811
    meeting, organizer, uid = invitation
    browser_login(page, coordinator.email)
    page.wait_for_url("**/dashboard/")
    before, _counts = _open(page, meeting)
    assert "Nobody has confirmed yet." in before

    dovecot.append(messages.itip_reply("outlook", sender=partner.email, name="Katrin Hoffmann", organizer=organizer,
                                       uid=uid, sequence=0, partstat="ACCEPTED", comment="Vegetarian meals, please."))
    _poll(dovecot, "processed")

    after, counts = _open(page, meeting)
    assert "Nobody has confirmed yet." not in after
    assert "Katrin Hoffmann" in page.locator("ul.who-list").inner_text()
    assert "1 without answer" in counts
    assert "Vegetarian meals, please." in page.locator("dl.host-notes").inner_text()


def test_an_answer_from_another_sender_changes_nothing_on_the_page(page, dovecot, celery_worker, invitation, coordinator, outsider):  # noqa: F811
    # Somebody the invitation was forwarded to accepts it: the address is Katrin's, the sender is not.
    meeting, organizer, uid = invitation
    browser_login(page, coordinator.email)
    page.wait_for_url("**/dashboard/")
    before = _open(page, meeting)

    dovecot.append(messages.itip_reply("thunderbird", sender=outsider.email, name="Someone Else", organizer=organizer,
                                       uid=uid, sequence=0, partstat="ACCEPTED"))
    _poll(dovecot, "failed")

    assert _open(page, meeting) == before
    assert "Nobody has confirmed yet." in before[0]
