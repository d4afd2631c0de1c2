"""Signed reply addresses: bound to one object and one person, unforgeable, and absent
while answers by email are off."""
from __future__ import annotations

from datetime import date

import pytest

from communication import discussions
from django.utils import translation
from django.utils.translation import gettext

from outbox import replies
from outbox.models import OutgoingEmail
from workgroups.models import WorkGroup
from workgroups.reminders import sweep
from workgroups.services import create_task
from workgroups.tests.conftest import at


REPLY_OFFER = "You can also answer by replying to this email: your answer appears in the discussion under your name."


@pytest.fixture
def answers_on(settings):
    settings.INBOUND_EMAIL_URL = "folder:///tmp/unused"
    settings.INBOUND_EMAIL_ADDRESS = "agepartners <partners@portal.example>"


def test_an_address_names_its_target_and_person_and_survives_a_change_of_case(answers_on):
    address = replies.reply_address(replies.THREAD, 42, 7)
    assert address is not None and address.startswith("partners+d42-7-") and address.endswith("@portal.example")
    assert len(address.split("@")[0]) <= 64
    tag = replies.token_in_address(address.upper())
    assert replies.parse_token(tag or "") == replies.ReplyTarget(replies.THREAD, 42, 7)


@pytest.mark.parametrize("mangle", [
    lambda t: t.replace("-7-", "-8-", 1),  # somebody else's id
    lambda t: "t" + t[1:],  # another kind of object
    lambda t: t.replace("d42", "d43", 1),  # another thread
    lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # one character of the signature
    lambda t: t[:-3],  # cut short
    lambda t: t + "x",
    lambda t: "",
])
def test_a_changed_token_is_refused(answers_on, mangle):
    good = replies.token(replies.THREAD, 42, 7)
    assert replies.parse_token(good) is not None
    assert replies.parse_token(mangle(good)) is None


def test_a_token_signed_with_another_secret_key_is_refused(answers_on, settings):
    token = replies.token(replies.TASK, 5, 3)
    settings.SECRET_KEY = "another-" + "k" * 60
    assert replies.parse_token(token) is None


def test_addresses_of_other_mailboxes_carry_no_token(answers_on):
    token = replies.token(replies.TASK, 5, 3)
    assert replies.token_in_address(f"someone+{token}@portal.example") is None
    assert replies.token_in_address(f"partners+{token}@elsewhere.example") is None
    assert replies.token_in_address("partners@portal.example") is None


def test_without_inbound_mail_nothing_offers_an_answer(settings):
    settings.INBOUND_EMAIL_URL = ""
    assert replies.reply_address(replies.MEETING, 1, 1) is None


@pytest.mark.django_db
@pytest.mark.parametrize("enabled", [True, False])
def test_a_reply_notification_can_be_answered_only_when_inbound_mail_is_on(project, coordinator, partner, settings, enabled):
    settings.INBOUND_EMAIL_URL = "folder:///tmp/unused" if enabled else ""
    settings.INBOUND_EMAIL_ADDRESS = "partners@portal.example"
    thread = discussions.start_thread(project, coordinator, "Questionnaire", "Please look at the draft.")
    discussions.reply(thread, partner, "Thank you, I will.")
    [email] = OutgoingEmail.objects.filter(user=coordinator, category__startswith="communication.")
    if enabled:
        assert replies.parse_token(replies.token_in_address(email.reply_to) or "") == replies.ReplyTarget(
            replies.THREAD, thread.pk, coordinator.pk
        )
    else:
        assert email.reply_to == ""
    with translation.override("lv"):  # the coordinator reads Latvian
        offer = gettext(REPLY_OFFER)
    assert offer != REPLY_OFFER
    assert (offer in email.body_text) == enabled
    assert (offer in email.body_html) == enabled


@pytest.mark.django_db
def test_only_a_reminder_about_one_task_can_be_answered(project, coordinator, partner, answers_on):
    group = WorkGroup.objects.create(project=project, name="Skills analysis")
    one = create_task(group, title="Questionnaire", deadline=date(2026, 4, 10), by=coordinator,
                      responsible_people=(partner,), responsible_organisations=(), status="open")
    sweep(at("2026-04-09T09:30+03:00"))
    [single] = OutgoingEmail.objects.filter(user=partner, category="deadline_reminder")
    assert replies.parse_token(replies.token_in_address(single.reply_to) or "") == replies.ReplyTarget(
        replies.TASK, one.pk, partner.pk
    )
    for title in ("Report", "Budget"):
        create_task(group, title=title, deadline=date(2026, 5, 10), by=coordinator,
                    responsible_people=(partner,), responsible_organisations=(), status="open")
    sweep(at("2026-05-09T09:30+03:00"))
    digest = OutgoingEmail.objects.filter(user=partner, category="deadline_reminder").exclude(pk=single.pk).get()
    # A reply to a list of tasks could mean any of them: its address names no task, only
    # the reader (inbound answers it with an explanation); each line has its task's own.
    assert replies.parse_token(replies.token_in_address(digest.reply_to) or "") == replies.ReplyTarget(
        replies.DIGEST, partner.pk, partner.pk
    )
