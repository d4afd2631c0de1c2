"""Demo meetings of the partnership: Magdeburg (held, October 2012) and Eger (planned, April 2013).

The tasks decided in Magdeburg are created by ``workgroups.demo`` (seeded after this
module), which links them to the meeting titled ``FIRST_MEETING``.
"""
from __future__ import annotations

import io
from datetime import date, time
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation

FIRST_MEETING = "First partner meeting"
SECOND_MEETING = "Second partner meeting"
PHOTO_CAPTION = "Participants of the first partner meeting"
PARTICIPANTS = ["coordinator", "assistant", "magdeburg", "hungary", "italy", "denmark", "latvia"]

FIRST_AGENDA = [
    # day, time, title, description, responsible organisation key
    (date(2012, 10, 4), time(9, 0), "Welcome by the City of Magdeburg", "Opening of the partnership at the Old Town Hall.", "magdeburg"),
    (date(2012, 10, 4), time(9, 30), "Presentation of the partners", "Each partner presents its organisation, its staff and its experience with international work.", None),
    (date(2012, 10, 4), time(11, 0), "Aims of the project and the two-year work programme", "Competitive local governments through lifelong learning in an international context.", "daugavpils"),
    (date(2012, 10, 4), time(14, 0), "Setting up the work groups", "Skills analysis, teaching methods, learning content: members and lead partners.", "daugavpils"),
    (date(2012, 10, 4), time(16, 0), "Study visit: the citizens' office of Magdeburg", "", "magdeburg"),
    (date(2012, 10, 5), time(9, 0), "Work group sessions", "First exchange of experience and good practice in the three work groups.", None),
    (date(2012, 10, 5), time(12, 0), "Financial and administrative rules of the partnership", "Mobilities, evidence of participation, reporting to the national agencies.", "daugavpils"),
    (date(2012, 10, 5), time(14, 0), "Dissemination plan and project website", "", "latvia"),
    (date(2012, 10, 5), time(15, 30), "Next steps and the next partner meeting", "", "daugavpils"),
]

FIRST_DECISIONS = [
    # title, details, owner key, organisation key, deadline
    ("Three work groups are set up: skills analysis, teaching methods and learning content",
     "Every partner sends at least one member to each work group.", "coordinator", "daugavpils", None),
    ("Each partner surveys the international skills of its staff",
     "A common questionnaire is prepared by the Hungarian partner and filled in by every partner.", "hungary", "hungary", date(2012, 12, 14)),
    ("Partners collect examples of good practice in internationalisation strategies",
     "Two examples per partner, in English, with contact people.", "magdeburg", "magdeburg", date(2013, 1, 31)),
    ("The coordinator publishes the project website and the dissemination plan",
     "", "latvia", "latvia", date(2012, 11, 30)),
    ("The second partner meeting takes place in Eger, Hungary",
     "The Hungarian partner proposes dates and the programme.", "hungary", "hungary", None),
]

FIRST_MINUTES = (
    "The first partner meeting of \"Administration go Europe!\" took place at the Old Town Hall of Magdeburg "
    "over two days with representatives of all six partner organisations from Latvia, Germany, "
    "Hungary, Italy and Denmark.\n\n"
    "The partners agreed on the work programme for the two years of the project, set up the work groups, shared the "
    "responsibilities and fixed the first deadlines (see the decisions below). The coordinator explained "
    "the rules for mobilities and for the evidence of participation required by the national agencies."
)

SECOND_AGENDA = [
    (date(2013, 4, 18), time(9, 0), "Welcome by the Eger Municipal Training Centre", "", "hungary"),
    (date(2013, 4, 18), time(9, 30), "Results of the staff skills survey", "", "hungary"),
    (date(2013, 4, 18), time(13, 30), "Good practice: internationalisation strategies of the partner cities", "", "magdeburg"),
    (date(2013, 4, 19), time(9, 0), "Work group sessions: teaching methods and learning content", "", None),
    (date(2013, 4, 19), time(13, 0), "Interim report and next steps", "", "daugavpils"),
]

# key -> (response, arrival, departure, notes)
SECOND_ANSWERS = {
    "coordinator": (Participation.Response.ATTENDING, date(2013, 4, 17), date(2013, 4, 20), ""),
    "magdeburg": (Participation.Response.ATTENDING, date(2013, 4, 17), date(2013, 4, 19), "Vegetarian meals, please."),
    "denmark": (Participation.Response.MAYBE, None, None, "Depends on the city council's budget meeting."),
    "italy": (Participation.Response.ATTENDING, date(2013, 4, 18), date(2013, 4, 20), ""),
}


def seed(ctx: Any) -> None:
    project = ctx.project
    orgs = ctx.organisations
    first, _ = Meeting.objects.update_or_create(
        project=project, title=FIRST_MEETING,
        defaults={
            "kind": Meeting.Kind.PARTNER_MEETING,
            "host_organisation": orgs["magdeburg"],
            "city": "Magdeburg", "country": "DE",
            "venue": "Old Town Hall (Altes Rathaus)", "address": "Alter Markt 6, 39104 Magdeburg",
            "venue_time_zone": "Europe/Berlin",
            "starts_at": ctx.moment(date(2012, 10, 4), time(9, 0), "Europe/Berlin"),
            "ends_at": ctx.moment(date(2012, 10, 5), time(16, 30), "Europe/Berlin"),
            "status": Meeting.Status.HELD,
            "description": "Kick-off of the partnership: work programme, work groups, responsibilities and deadlines.",
            "minutes": FIRST_MINUTES,
        },
    )
    _agenda(ctx, first, FIRST_AGENDA)
    for key in PARTICIPANTS:
        travels = key != "magdeburg"
        Participation.objects.update_or_create(
            meeting=first, user=ctx.users[key],
            defaults={
                "response": Participation.Response.ATTENDING,
                "arrival_date": ctx.day(date(2012, 10, 3)) if travels else None,
                "departure_date": ctx.day(date(2012, 10, 6)) if travels else None,
                "attended": True,
                "invited_at": ctx.moment(date(2012, 9, 3), time(10, 0), "Europe/Riga"),
                "responded_at": ctx.moment(date(2012, 9, 10), time(12, 0), "Europe/Riga"),
            },
        )
    for order, (title, details, owner, org, deadline) in enumerate(FIRST_DECISIONS, start=1):
        Decision.objects.update_or_create(
            meeting=first, order=order,
            defaults={
                "title": title, "details": details, "owner": ctx.users[owner],
                "responsible_organisation": orgs[org], "deadline": ctx.day(deadline) if deadline else None,
            },
        )
    _group_photo(ctx, first)

    second, _ = Meeting.objects.update_or_create(
        project=project, title=SECOND_MEETING,
        defaults={
            "kind": Meeting.Kind.PARTNER_MEETING,
            "host_organisation": orgs["hungary"],
            "city": "Eger", "country": "HU",
            "venue": "Eger Municipal Training Centre", "address": "Dobó István tér 2, 3300 Eger",
            "venue_time_zone": "Europe/Budapest",
            "starts_at": ctx.moment(date(2013, 4, 18), time(9, 0), "Europe/Budapest"),
            "ends_at": ctx.moment(date(2013, 4, 19), time(15, 0), "Europe/Budapest"),
            "status": Meeting.Status.PLANNED,
            "description": "Results of the skills survey, good practice of the partner cities, work group sessions.",
        },
    )
    _agenda(ctx, second, SECOND_AGENDA)
    for key in PARTICIPANTS:
        response, arrival, departure, notes = SECOND_ANSWERS.get(key, (Participation.Response.NO_ANSWER, None, None, ""))
        answered = response != Participation.Response.NO_ANSWER
        Participation.objects.update_or_create(
            meeting=second, user=ctx.users[key],
            defaults={
                "response": response,
                "arrival_date": ctx.day(arrival) if arrival else None,
                "departure_date": ctx.day(departure) if departure else None,
                "notes": notes,
                "invited_at": ctx.moment(date(2012, 11, 12), time(10, 0), "Europe/Riga"),
                "responded_at": ctx.moment(date(2012, 11, 15), time(9, 0), "Europe/Riga") if answered else None,
            },
        )


def _agenda(ctx: Any, meeting: Meeting, items: list[tuple[Any, ...]]) -> None:
    for order, (day, at, title, description, org) in enumerate(items, start=1):
        AgendaItem.objects.update_or_create(
            meeting=meeting, order=order,
            defaults={
                "day": ctx.day(day), "start_time": at, "title": title, "description": description,
                "responsible_organisation": ctx.organisations[org] if org else None,
            },
        )


def _group_photo(ctx: Any, meeting: Meeting) -> None:
    if Attachment.objects.filter(meeting=meeting, caption=PHOTO_CAPTION).exists():
        return
    content = ContentFile(group_photo_jpeg(), name="group-photo.jpg")
    attachment = Attachment(
        meeting=meeting, kind=Attachment.Kind.PHOTO, caption=PHOTO_CAPTION, photo_consent=True,
        uploaded_by=ctx.users["coordinator"], original_name="group-photo.jpg", content_type="image/jpeg",
        size=content.size,
    )
    attachment.file.save("group-photo.jpg", content, save=False)
    attachment.save()


def group_photo_jpeg(width: int = 960, height: int = 600) -> bytes:
    """A drawn stand-in for the group photo: seven people in front of the town hall."""
    image = Image.new("RGB", (width, height), (196, 214, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(height * 0.72), width, height], fill=(150, 150, 150))
    draw.rectangle([int(width * 0.15), int(height * 0.12), int(width * 0.85), int(height * 0.72)], fill=(190, 120, 90))
    for col in range(6):
        x = int(width * (0.2 + col * 0.11))
        draw.rectangle([x, int(height * 0.22), x + int(width * 0.05), int(height * 0.36)], fill=(240, 240, 220))
    colours = [(0, 51, 153), (255, 204, 0), (30, 107, 52), (176, 0, 32), (80, 80, 80), (0, 120, 160), (120, 60, 140)]
    for i, colour in enumerate(colours):
        cx = int(width * (0.14 + i * 0.12))
        cy = int(height * 0.62)
        draw.ellipse([cx - 26, cy - 90, cx + 26, cy - 38], fill=(236, 200, 170))
        draw.rounded_rectangle([cx - 40, cy - 36, cx + 40, cy + 110], radius=18, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
