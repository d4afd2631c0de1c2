"""Access-matrix cases for every URL of the meetings app (see projects/tests/access.py)."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meetings.models import Attachment, Meeting
from meetings.tests.factories import jpeg_bytes
from projects.tests.access import Case, World


def build(world: World) -> list[Case]:
    from django.core.files.base import ContentFile

    project = world.project
    start = timezone.now() + timedelta(days=30)
    meeting = Meeting.objects.create(
        project=project, title="Matrix meeting", starts_at=start, ends_at=start + timedelta(hours=8),
        venue_time_zone="Europe/Berlin", city="Magdeburg", country="DE",
    )
    photo = Attachment(meeting=meeting, kind="photo", caption="Group", photo_consent=True,
                       original_name="group.jpg", content_type="image/jpeg", size=100)
    photo.file.save("group.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.save()
    member_person = world.users["member"].person
    answer = {"response": "attending"}
    return [
        Case("meetings:list", "/en/meetings/", outsider=200),
        Case("meetings:detail", f"/en/meetings/{meeting.pk}/"),
        # Observers only read, and a portal administrator who is not a member has nothing to
        # answer (the sheet is the grant's evidence): answering and uploading are not theirs (404).
        Case("meetings:answer", f"/en/meetings/{meeting.pk}/answer/", method="post", data=answer,
             observer=404, member=302, coordinator=302, superuser=404),
        Case("meetings:ics", f"/en/meetings/{meeting.pk}/meeting.ics"),
        Case("meetings:upload", f"/en/meetings/{meeting.pk}/files/", observer=404, member=302, coordinator=302, superuser=404),
        Case("meetings:attendance", f"/en/meetings/{meeting.pk}/attendance/", observer=404, member=404),
        Case("meetings:attendance_csv", f"/en/meetings/{meeting.pk}/attendance.csv", observer=404, member=404),
        Case("meetings:attachment", f"/en/meetings/files/{photo.pk}/download/"),
        Case("meetings:photo", f"/en/meetings/files/{photo.pk}/photo/"),
        Case("meetings:calendar", "/en/meetings/calendar/", outsider=200),
        Case("meetings:mobility", f"/en/meetings/projects/{project.slug}/mobility/", observer=404, member=404),
        # The feed's secret token is the key: whoever holds it reads it, logged in or not.
        Case("meetings_feed:feed", f"/calendar/{member_person.calendar_token}.ics",
             anonymous=200, outsider=200),
        # Last: renewing the member's token makes the feed URL above stop working.
        Case("meetings:renew_token", "/en/meetings/calendar/renew/", method="post",
             outsider=302, observer=302, member=302, coordinator=302, superuser=302),
    ]
