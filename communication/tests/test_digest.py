"""Digest mode: a day of notifications in one email, at the person's hour, once a day."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from communication import discussions, documents, notifications
from communication.models import Notification, NotificationPreference
from communication.tests.conftest import upload
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2012, 11, day, hour, minute, tzinfo=BERLIN)


def digests_to(user) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(user=user, category="communication.digest").order_by("pk"))


def test_digest_mode_collects_a_day_into_one_email(project, coordinator, partner, work_group, thread):
    # Katrin (Berlin, reminder hour 8) reads her partnership's news once a day.
    notifications.set_preference(partner, project, NotificationPreference.Mode.DIGEST)
    discussions.reply(thread, partner, "Ich folge dieser Diskussion.", at=at(19, 9))
    Notification.objects.all().delete()

    discussions.reply(thread, coordinator, "Paldies, Katrin!", at=at(19, 11))
    discussions.reply(thread, coordinator, "@katrin.hoffmann can you send the questionnaire?", at=at(19, 15))
    documents.add_document(project, coordinator, title="Skills questionnaire", work_group=work_group,
                          upload=upload("q.txt", b"questions\n"), at=at(19, 17))
    Notification.objects.update(created_at=at(19, 17))
    assert not OutgoingEmail.objects.filter(user=partner).exists()  # nothing immediately

    assert notifications.send_daily_digests(now=at(20, 7, 5)) == 0  # before her hour
    assert notifications.send_daily_digests(now=at(20, 8, 2)) == 1
    [digest] = digests_to(partner)
    assert digest.language == "de"
    assert "3" in digest.subject
    text = digest.body_text
    assert "Skills questionnaire" in text and "After Magdeburg" in text
    assert text.count("/de/discussions/") >= 3  # links in her language

    # Later runs that day send nothing more, even when something new arrived.
    discussions.reply(thread, coordinator, "One more thing", at=at(20, 10))
    assert notifications.send_daily_digests(now=at(20, 11, 0)) == 0
    assert notifications.send_daily_digests(now=at(20, 23, 0)) == 0
    assert len(digests_to(partner)) == 1

    # The next morning brings that one.
    Notification.objects.filter(state="pending").update(created_at=at(20, 10))
    assert notifications.send_daily_digests(now=at(21, 8, 0)) == 1
    assert len(digests_to(partner)) == 2
    assert "One more thing" in digests_to(partner)[1].body_text
    assert not Notification.objects.filter(recipient=partner, state="pending").exists()


def test_a_missed_hour_is_caught_up_the_same_day_once(project, coordinator, partner, thread):
    notifications.set_preference(partner, project, NotificationPreference.Mode.DIGEST)
    discussions.reply(thread, coordinator, "@katrin.hoffmann hello")
    Notification.objects.update(created_at=at(19, 20))
    assert notifications.send_daily_digests(now=at(20, 10, 0)) == 1  # beat was down at 8:00
    assert notifications.send_daily_digests(now=at(20, 11, 0)) == 0
    assert len(digests_to(partner)) == 1


def test_never_mode_sends_nothing_and_immediate_mode_sends_no_digest(project, coordinator, partner, observer, thread):
    notifications.set_preference(partner, project, NotificationPreference.Mode.NEVER)
    discussions.reply(thread, partner, "I follow, silently")
    discussions.reply(thread, coordinator, "@katrin.hoffmann @laura.berzina look")
    assert not OutgoingEmail.objects.filter(user=partner).exists()
    assert OutgoingEmail.objects.filter(user=observer, category="communication.mention").count() == 1
    assert notifications.send_daily_digests(now=at(20, 8)) == 0


def test_people_choose_their_mode_per_project(client, project, other_project, partner):
    from projects.services import add_membership

    add_membership(partner, other_project, "member")
    client.force_login(partner)
    page = client.get("/en/discussions/notifications/").content.decode()
    assert "Administration go Europe!" in page and "Other partnership" in page
    assert "@katrin.hoffmann" in page
    response = client.post("/en/discussions/notifications/", {
        f"p{project.pk}-mode": "digest", f"p{other_project.pk}-mode": "never",
    })
    assert response.status_code == 302
    modes = dict(NotificationPreference.objects.filter(user=partner).values_list("project__slug", "mode"))
    assert modes == {"age": "digest", "other": "never"}
