"""What partners see and do on the meeting pages."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Attachment, Participation
from meetings.tests.factories import jpeg_bytes, make_meeting
from projects.services import add_membership, create_user
from reports.selectors import mobilities

pytestmark = pytest.mark.django_db


def test_list_shows_upcoming_meetings_first_then_past_ones(client, project, partner):
    now = timezone.now()
    make_meeting(project, title="Past: Magdeburg", starts_at=now - timedelta(days=40))
    make_meeting(project, title="Later: Ferrara", starts_at=now + timedelta(days=200))
    make_meeting(project, title="Next: Eger", starts_at=now + timedelta(days=20))
    client.force_login(partner)
    page = client.get("/en/meetings/").content.decode()
    assert page.index("Next: Eger") < page.index("Later: Ferrara") < page.index("Past: Magdeburg")
    assert page.index("Upcoming meetings") < page.index("Next: Eger")
    assert page.index("Past meetings") < page.index("Past: Magdeburg")


def test_outsider_sees_neither_the_meeting_nor_its_files(client, project, outsider):
    meeting = make_meeting(project)
    photo = services.add_attachment(meeting, SimpleUploadedFile("a.jpg", jpeg_bytes()), kind="photo", photo_consent=True)
    client.force_login(outsider)
    assert "Partner meeting" not in client.get("/en/meetings/").content.decode()
    assert client.get(f"/en/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/en/meetings/files/{photo.pk}/download/").status_code == 404


def test_venue_time_and_viewer_time_are_both_shown(client, project, coordinator):
    """The meeting is in Magdeburg (UTC+2 in October); the coordinator reads in Riga (UTC+3)."""
    start = datetime(2031, 10, 2, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    meeting = make_meeting(project, starts_at=start, hours=7, venue_time_zone="Europe/Berlin")
    client.force_login(coordinator)
    page = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    venue = page[page.index('class="venue-time"'):page.index('class="viewer-time"')]
    viewer = page[page.index('class="viewer-time"'):page.index("</dl>")]
    assert "09:30" in venue and "16:30" in venue
    assert "10:30" in viewer and "17:30" in viewer
    assert "Europe/Berlin" in page and "Europe/Riga" in page


def test_viewer_in_the_venue_time_zone_is_told_it_is_the_same(client, project, partner):
    meeting = make_meeting(project, venue_time_zone="Europe/Berlin")
    client.force_login(partner)
    assert "the same as the venue" in client.get(f"/en/meetings/{meeting.pk}/").content.decode()


def test_partner_answers_with_travel_dates_and_can_change_the_answer(client, project, partner):
    meeting = make_meeting(project, starts_at=timezone.now() + timedelta(days=30))
    first_day = meeting.local_starts_at.date()
    client.force_login(partner)
    response = client.post(f"/en/meetings/{meeting.pk}/answer/", {
        "response": "attending", "arrival_date": first_day - timedelta(days=1),
        "departure_date": first_day + timedelta(days=1), "notes": "Vegetarian",
    }, follow=True)
    assert "your answer is saved" in response.content.decode()
    p = Participation.objects.get(meeting=meeting, user=partner)
    assert (p.response, p.arrival_date, p.notes) == ("attending", first_day - timedelta(days=1), "Vegetarian")

    client.post(f"/en/meetings/{meeting.pk}/answer/", {"response": "not_attending", "arrival_date": first_day})
    p.refresh_from_db()
    assert p.response == "not_attending" and p.arrival_date is None


def test_departure_before_arrival_is_refused_and_nothing_is_lost(client, project, partner):
    meeting = make_meeting(project, starts_at=timezone.now() + timedelta(days=30))
    Participation.objects.create(meeting=meeting, user=partner, response="maybe", notes="Wheelchair access")
    day = meeting.local_starts_at.date()
    client.force_login(partner)
    response = client.post(f"/en/meetings/{meeting.pk}/answer/", {
        "response": "attending", "arrival_date": day, "departure_date": day - timedelta(days=2), "notes": "changed",
    })
    assert response.status_code == 400
    assert "The departure cannot be before the arrival." in response.content.decode()
    assert 'value="changed"' not in response.content.decode()  # textarea keeps the typed text
    assert "changed" in response.content.decode()
    p = Participation.objects.get(meeting=meeting, user=partner)
    assert (p.response, p.notes) == ("maybe", "Wheelchair access")


def test_answers_close_when_the_meeting_starts(client, project, partner):
    meeting = make_meeting(project, starts_at=timezone.now() - timedelta(minutes=5))
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    client.force_login(partner)
    response = client.post(f"/en/meetings/{meeting.pk}/answer/", {"response": "not_attending"}, follow=True)
    assert "answers can no longer be changed" in response.content.decode()
    assert Participation.objects.get(meeting=meeting, user=partner).response == "attending"
    assert 'action="/en/meetings/%d/answer/"' % meeting.pk not in response.content.decode()


def test_observers_read_but_do_not_answer(client, project, observer):
    meeting = make_meeting(project)
    client.force_login(observer)
    assert client.get(f"/en/meetings/{meeting.pk}/").status_code == 200
    assert client.post(f"/en/meetings/{meeting.pk}/answer/", {"response": "attending"}).status_code == 404
    assert not Participation.objects.exists()


def test_meeting_ics_has_the_venue_time_and_an_alarm(client, project, partner):
    import icalendar

    start = datetime(2031, 10, 2, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    meeting = make_meeting(project, title="First partner meeting", starts_at=start)
    client.force_login(partner)
    response = client.get(f"/en/meetings/{meeting.pk}/meeting.ics")
    assert response["Content-Type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == start
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(days=1)


def test_who_is_coming_is_grouped_by_organisation(client, project, partner, coordinator):
    meeting = make_meeting(project)
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    Participation.objects.create(meeting=meeting, user=coordinator, response="not_attending")
    client.force_login(partner)
    page = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    who = page[page.index('id="who-heading"'):page.index('id="files"')]
    assert "City of Magdeburg" in who and "Katrin Hoffmann" in who
    assert "Inese" not in who and "1 cannot come" in who


# --- Files ---------------------------------------------------------------------------------------


def _upload(client, meeting, name, content, kind="photo", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), "caption": "Group photo", **extra}
    return client.post(f"/en/meetings/{meeting.pk}/files/", data)


def test_photo_upload_is_shown_and_downloads_with_a_safe_name(client, project, partner):
    meeting = make_meeting(project)
    client.force_login(partner)
    response = _upload(client, meeting, 'group "photo";.exe', jpeg_bytes(), photo_consent="on")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.original_name == "group _photo.jpg"
    page = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert f"/en/meetings/files/{attachment.pk}/photo/" in page
    download = client.get(f"/en/meetings/files/{attachment.pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="group _photo.jpg"'
    assert download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content) == jpeg_bytes()


def test_file_pretending_to_be_a_photo_is_refused_with_a_clear_message(client, project, partner):
    meeting = make_meeting(project)
    client.force_login(partner)
    response = _upload(client, meeting, "holiday.jpg", b"MZ\x90\x00 this is a Windows program")
    assert response.status_code == 400
    assert "“holiday.jpg” is not a photo we can show. Please upload a JPEG, PNG, GIF or WebP image." in response.content.decode()
    assert not Attachment.objects.exists()


def test_document_of_an_unknown_type_is_refused(client, project, partner):
    meeting = make_meeting(project)
    client.force_login(partner)
    response = _upload(client, meeting, "minutes.pdf", b"<html><script>alert(1)</script></html>", kind="document")
    assert "The content of “minutes.pdf” is not a PDF file" in response.content.decode()
    assert not Attachment.objects.exists()


def test_too_big_file_is_refused_with_the_limit_in_the_message(client, project, partner, settings):
    settings.UPLOAD_MAX_MB = 1
    meeting = make_meeting(project)
    client.force_login(partner)
    response = _upload(client, meeting, "big.jpg", jpeg_bytes((400, 400)) + b"\0" * (1024 * 1024))
    body = response.content.decode()
    assert response.status_code == 400
    assert "“big.jpg” is" in body and "files may be at most 1.0\xa0MB" in body
    assert not Attachment.objects.exists()


def test_pdf_is_accepted_as_document_whatever_its_name(client, project, partner):
    meeting = make_meeting(project)
    client.force_login(partner)
    _upload(client, meeting, "Programme", b"%PDF-1.4\n%...\n", kind="document")
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.original_name) == ("application/pdf", "Programme.pdf")


def test_photo_without_consent_stays_with_coordinators_and_uploader(client, project, partner, coordinator):
    meeting = make_meeting(project)
    other = create_user("mette@vejle.example", first_name="Mette", language="da")
    add_membership(other, project, "member")
    photo = services.add_attachment(meeting, SimpleUploadedFile("a.jpg", jpeg_bytes()), kind="photo", by=partner)
    url = f"/en/meetings/files/{photo.pk}/photo/"
    for user, status in ((partner, 200), (coordinator, 200), (other, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user


# --- Evidence -----------------------------------------------------------------------------------


def test_mobility_counts_people_who_crossed_a_border(client, project, coordinator, partner, organisation, partner_organisation):
    past = timezone.now() - timedelta(days=100)
    magdeburg = make_meeting(project, title="Magdeburg", starts_at=past, country="DE", status="held")
    riga = make_meeting(project, title="Daugavpils", starts_at=past + timedelta(days=60), country="LV", status="held")
    online = make_meeting(project, title="Online", starts_at=past + timedelta(days=10), country="", kind="online", status="held")
    colleague = create_user("andris@daugavpils.example", organisation=organisation)
    for meeting, user, attended in [
        (magdeburg, coordinator, True),   # Latvian in Germany: a mobility
        (magdeburg, colleague, True),     # another one
        (magdeburg, partner, True),       # at home: no mobility
        (riga, partner, True),            # German in Latvia: a mobility
        (riga, coordinator, True),        # at home
        (online, partner, True),          # online: no mobility
        (riga, colleague, False),         # did not come
    ]:
        Participation.objects.create(meeting=meeting, user=user, response="attending", attended=attended)
    rows = {row.partner.organisation: row for row in mobilities(project)}
    assert (rows[organisation].mobilities, rows[organisation].people, rows[organisation].contracted) == (2, 2, 12)
    assert (rows[partner_organisation].mobilities, rows[partner_organisation].remaining) == (1, 7)

    client.force_login(coordinator)
    page = client.get(f"/en/meetings/projects/{project.slug}/mobility/").content.decode()
    assert "Daugavpils City Council" in page and 'value="2"' in page
    client.force_login(partner)
    assert client.get(f"/en/meetings/projects/{project.slug}/mobility/").status_code == 404


def test_printable_attendance_sheet_has_signature_column_emblem_and_disclaimer(client, project, coordinator, partner):
    meeting = make_meeting(project, title="First partner meeting")
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    client.force_login(coordinator)
    page = client.get(f"/en/meetings/{meeting.pk}/attendance/").content.decode()
    for text in ("Signature", "City of Magdeburg", "Germany", "Katrin Hoffmann", "International officer",
                 "eu-emblem.svg", "cannot be held responsible"):
        assert text in page
    csv_text = client.get(f"/en/meetings/{meeting.pk}/attendance.csv").content.decode("utf-8-sig")
    assert "Katrin Hoffmann" in csv_text


def test_only_members_answer_and_only_members_stand_on_the_sheet_and_in_the_csv(client, project, coordinator, partner, superuser):
    meeting = make_meeting(project, title="First partner meeting")
    client.force_login(superuser)  # the portal administrator, not a member of the project
    response = client.post(f"/en/meetings/{meeting.pk}/answer/", {"response": "attending"})
    assert response.status_code == 404
    assert not Participation.objects.filter(meeting=meeting, user=superuser).exists()
    assert 'name="response"' not in client.get(f"/en/meetings/{meeting.pk}/").content.decode()  # no answer form

    # An answer recorded before this rule existed stays off the grant's evidence.
    Participation.objects.create(meeting=meeting, user=superuser, response="attending")
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    client.force_login(coordinator)
    sheet = client.get(f"/en/meetings/{meeting.pk}/attendance/").content.decode()
    csv_text = client.get(f"/en/meetings/{meeting.pk}/attendance.csv").content.decode("utf-8-sig")
    for evidence in (sheet, csv_text):
        assert "Katrin Hoffmann" in evidence
        assert superuser.email not in evidence and "Without organisation" not in evidence


def test_coordinators_see_the_notes_for_the_host_on_the_page_and_in_the_csv_not_on_the_sheet(client, project, coordinator, partner):
    meeting = make_meeting(project, title="First partner meeting")
    client.force_login(partner)
    client.post(f"/en/meetings/{meeting.pk}/answer/", {"response": "attending", "notes": "Vegetarian meals; step-free access, please."})
    assert "<h3>Notes for the host</h3>" not in client.get(f"/en/meetings/{meeting.pk}/").content.decode()  # a partner's own page

    client.force_login(coordinator)
    page = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert "<h3>Notes for the host</h3>" in page
    assert '<dd>Vegetarian meals; step-free access, please.</dd>' in page
    csv_text = client.get(f"/en/meetings/{meeting.pk}/attendance.csv").content.decode("utf-8-sig")
    assert "Notes for the host" in csv_text.splitlines()[0] and "Vegetarian meals; step-free access, please." in csv_text
    assert "Vegetarian" not in client.get(f"/en/meetings/{meeting.pk}/attendance/").content.decode()


# --- Query budgets ------------------------------------------------------------------------------


def _populate(project, meeting, n: int) -> None:
    from projects.models import Organisation

    for i in range(n):
        org = Organisation.objects.create(name=f"Org {meeting.pk}-{i}", country="IT")
        user = create_user(f"p{meeting.pk}-{i}@example.org", first_name=f"P{i}", organisation=org)
        add_membership(user, project, "member")
        Participation.objects.create(meeting=meeting, user=user, response=["attending", "maybe", "not_attending"][i % 3])
        AgendaItem.objects.create(meeting=meeting, order=i, title=f"Item {i}", responsible_organisation=org)
        services.add_attachment(meeting, SimpleUploadedFile(f"{i}.jpg", jpeg_bytes()), kind="photo" if i % 2 else "document",
                                caption=f"File {i}", photo_consent=True, by=user)


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_pages_need_the_same_queries_for_5_or_50_participants_and_files(client, project, partner, django_assert_max_num_queries, page):
    small = make_meeting(project, title="Small")
    big = make_meeting(project, title="Big", starts_at=timezone.now() + timedelta(days=60))
    _populate(project, small, 5)
    client.force_login(partner)
    url = "/en/meetings/" if page == "list" else f"/en/meetings/{small.pk}/"
    few = _queries(client, url, django_assert_max_num_queries, 20)
    _populate(project, big, 50)
    for i in range(5):
        make_meeting(project, title=f"Extra {i}", starts_at=timezone.now() + timedelta(days=70 + i))
    url = "/en/meetings/" if page == "list" else f"/en/meetings/{big.pk}/"
    many = _queries(client, url, django_assert_max_num_queries, 20)
    assert many == few


def test_dashboard_panel_shows_next_meetings_and_my_answer(rf, project, partner, django_assert_max_num_queries):
    from meetings.dashboard import panel

    meeting = make_meeting(project, title="Eger")
    make_meeting(project, title="Old", starts_at=timezone.now() - timedelta(days=3))
    Participation.objects.create(meeting=meeting, user=partner, response="maybe")
    request = rf.get("/")
    request.user = partner
    with django_assert_max_num_queries(2):
        result = panel(request)
    [shown] = result["meetings"]
    assert shown["title"] == "Eger" and shown["my_response_label"] == "Maybe"


def test_admin_attachment_form_checks_content_like_the_page(project):
    from meetings.forms import AttachmentAdminForm

    meeting = make_meeting(project)
    bad = AttachmentAdminForm(
        data={"kind": "photo", "caption": "x"},
        files={"file": SimpleUploadedFile("photo.png", b"GIF89a not really")},
        instance=Attachment(meeting=meeting),
    )
    assert not bad.is_valid()
    assert "is not a photo we can show" in str(bad.errors["file"])
    good = AttachmentAdminForm(
        data={"kind": "photo", "caption": "Group"},
        files={"file": SimpleUploadedFile("photo.png", jpeg_bytes())},
        instance=Attachment(meeting=meeting),
    )
    assert good.is_valid(), good.errors
    saved = good.save()
    assert (saved.content_type, saved.original_name) == ("image/jpeg", "photo.jpg")
    assert saved.file.name.endswith(".jpg")


def test_dashboard_shows_the_meetings_panel(client, project, partner):
    make_meeting(project, title="Second partner meeting")
    client.force_login(partner)
    page = client.get("/en/dashboard/").content.decode()
    assert "Second partner meeting" in page and "Answer now" in page
