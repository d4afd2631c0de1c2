"""How the portal speaks: Italian in the formal register with its own conventions, Latvian
without a gender it cannot know, and the admin's generic messages in phrasing that
reads right with any model name."""
from __future__ import annotations

import ast
import io
import re
from datetime import date, timedelta
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.html import strip_tags

from meetings import demo as meetings_demo
from meetings import reminders
from meetings.models import Meeting, Participation
from meetings.invitations import send_invitations
from meetings.tests.factories import make_meeting
from outbox.models import OutgoingEmail
from projects import demo as projects_demo

ROOT = Path(__file__).resolve().parents[2]
ITALIAN_CATALOGUES = sorted(ROOT.glob("*/locale/it/LC_MESSAGES/django.mo")) + [ROOT / "locale/it/LC_MESSAGES/django.mo"]
# Words that address the reader as "tu"; none is an Italian word of another meaning the
# portal uses ("sei" is also "six", which no message needs).
INFORMAL = re.compile(r"\b(tu|ti|tuo|tua|tuoi|tue|puoi|sei|hai|vuoi)\b", re.IGNORECASE)


def _translations(entry: polib.MOEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_no_italian_message_addresses_the_reader_informally():
    informal = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in ITALIAN_CATALOGUES
        for entry in polib.mofile(str(path))
        for text in _translations(entry)
        if INFORMAL.search(text)
    ]
    assert len(ITALIAN_CATALOGUES) >= 7
    assert not informal, "\n".join(informal)


def test_italian_calls_tasks_compiti_and_keeps_attivita_for_activity():
    tasks_as_activity = []
    for path in ITALIAN_CATALOGUES:
        for entry in polib.mofile(str(path)):
            about_tasks = re.search(r"\btasks?\b", f"{entry.msgid} {entry.msgid_plural or ''}", re.IGNORECASE) or entry.msgctxt == "task status"
            if about_tasks and any("attivit" in text.lower() for text in _translations(entry)):
                tasks_as_activity.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
    assert not tasks_as_activity, tasks_as_activity
    # Looked up by variable: a literal here would be extracted into the core catalogue.
    expected = {"My tasks": "I miei compiti", "Recent activity": "Attività recenti"}  # navigation, activity feed
    with translation.override("it"):
        assert {msgid: translation.gettext(msgid) for msgid in expected} == expected


def test_italian_dates_write_months_and_weekdays_in_lower_case():
    friday = date(2026, 10, 30)
    template = Template('{{ d|date:"F" }}|{{ d|date:"DATE_FORMAT" }}|{{ d|date:"l" }}|{{ d|date:"D" }}')
    with translation.override("it"):
        assert template.render(Context({"d": friday})) == "ottobre|30 ottobre 2026|venerdì|ven"
    # The other languages keep Django's own names.
    with translation.override("de"):
        assert template.render(Context({"d": friday})) == "Oktober|30. Oktober 2026|Freitag|Fr"


def _marked(module: str) -> set[str]:
    tree = ast.parse((ROOT / "agepartners" / module).read_text())
    return {
        node.args[0].value for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"gettext_noop", "ngettext_lazy"}
    }


def test_the_overrides_of_djangos_wording_have_a_source_so_makemessages_keeps_them():
    """``makemessages --no-obsolete`` drops every msgid it does not find in the sources."""
    catalogue = {entry.msgid for entry in polib.pofile(str(ROOT / "locale/it/LC_MESSAGES/django.po"))}
    dates = _marked("date_names.py")
    assert {"January", "October", "December", "Monday", "Friday", "Sunday", "Fri"} <= dates <= catalogue
    admin = _marked("admin_messages.py")
    assert {"Add %s", "The {name} “{obj}” was added successfully.", "Yes, I’m sure"} <= admin <= catalogue


# --- Latvian: the reader's gender is not known ---------------------------------------------

# "Jūs esat ielūgts", "esat pieteicies", "neesat neviena projekta dalībnieks": a participle or
# a noun of one gender after "(you) are", up to two words later.
MASCULINE_TO_THE_READER = re.compile(r"\b(esat|neesat|būsiet|bijāt)( \S+){0,2} \w*(ts|is|ies|ais|ājs|nieks|tors)\b")


@pytest.mark.django_db
def test_the_latvian_invitation_to_inese_does_not_address_her_in_the_masculine():
    ctx = projects_demo.DemoContext(password="x", historical=False, today=timezone.localdate(), out=io.StringIO())
    projects_demo.seed(ctx)
    meetings_demo.seed(ctx)
    meeting = Meeting.objects.get(title=meetings_demo.SECOND_MEETING)
    inese = ctx.users["coordinator"]
    assert (inese.first_name, inese.person.language) == ("Inese", "lv")

    send_invitations(meeting)

    email = OutgoingEmail.objects.get(category="meeting_invitation", user=inese)
    assert email.language == "lv"
    for body in (email.body_text, email.body_html):
        assert "Labdien, Inese!" in body
        assert "Aicinām jūs uz partnerības" in body
        assert "ielūgts" not in body and not MASCULINE_TO_THE_READER.search(body), body


@pytest.mark.django_db
def test_the_latvian_reminder_confirms_her_attendance_without_a_gender(project, coordinator):
    now = timezone.now()
    meeting = make_meeting(project, starts_at=now + timedelta(days=10))
    Participation.objects.create(meeting=meeting, user=coordinator, response="attending")

    assert reminders.send_meeting_reminders(now + timedelta(days=3, minutes=1)) == 1

    email = OutgoingEmail.objects.get(category="meeting_reminder", user=coordinator)
    assert "Jūsu dalība ir apstiprināta." in email.body_text
    assert "apstiprinājis" not in email.body_text + email.body_html


def test_no_latvian_message_addresses_the_reader_in_the_masculine():
    found = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in sorted(ROOT.glob("*/locale/lv/LC_MESSAGES/django.mo")) + [ROOT / "locale/lv/LC_MESSAGES/django.mo"]
        for entry in polib.mofile(str(path))
        for text in _translations(entry)
        if MASCULINE_TO_THE_READER.search(text)
    ]
    assert not found, "\n".join(found)


# --- The admin's generic messages ------------------------------------------------------------

ADMIN = "/lv/admin/meetings/meeting/"


@pytest.mark.django_db
def test_the_latvian_admin_names_the_model_without_declining_it(client, project, coordinator):
    client.force_login(coordinator)
    page = client.get(f"{ADMIN}add/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("Pievienot: sanāksme"), title
    assert "Pievienot sanāksme" not in page

    changelist = client.get(ADMIN).content.decode()
    assert "Izvēlieties labojamo ierakstu: sanāksme" in changelist
    assert "Pievienot: sanāksme" in changelist  # the "add" button

    data = {
        "project": project.pk, "title": "Eger", "kind": "partner_meeting", "status": "planned",
        "description": "", "venue_time_zone": "Europe/Budapest",
        "start_day": "2027-04-18", "start_time": "09:00", "end_day": "2027-04-19", "end_time": "15:00",
        "host_organisation": "", "venue": "", "address": "", "city": "Eger", "country": "HU", "online_url": "", "minutes": "",
    }
    for prefix in ("agenda_items", "participations", "decisions", "attachments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(f"{ADMIN}add/", data, follow=True)
    messages = [strip_tags(str(m)) for m in response.context["messages"]]
    assert messages == ["Ieraksts “Eger” (sanāksme) sekmīgi pievienots."], messages


@pytest.mark.parametrize(("language", "expected"), [
    ("lv", "Ieraksts “Eger” (sanāksme) sekmīgi mainīts."),
    ("it", "L’elemento “Eger” (riunione) è stato modificato correttamente."),
    ("de", "Treffen „Eger“ wurde erfolgreich geändert."),
    ("hu", "A(z) \"Eger\" találkozó sikeresen módosítva."),
    ("da", "Objektet “Eger” (møde) blev ændret."),
])
def test_the_admins_change_message_reads_right_in_each_language(language, expected):
    message = "The {name} “{obj}” was changed successfully."  # as django.contrib.admin words it
    with translation.override(language):
        name = str(Meeting._meta.verbose_name)
        assert translation.gettext(message).format(name=name, obj="Eger") == expected
