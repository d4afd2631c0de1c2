"""Demo meetings of the partnership: Magdeburg (held, October 2012) and Eger (planned, April 2013).

The data is in ``demo.toml``. The tasks decided in Magdeburg are created by ``workgroups.demo``
(seeded after this module), which links them to the meeting titled ``FIRST_MEETING``.
"""
from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from meetings.services import add_attachment
from projects.demo import content

CONTENT = content(__file__)
FIRST_MEETING, SECOND_MEETING = (meeting["title"] for meeting in CONTENT["meetings"])
PHOTO_CAPTION: str = CONTENT["photo_caption"]
PARTICIPANTS: list[str] = CONTENT["participants"]
# The coordinator sent the invitations and noted the answers in Riga.
INVITATIONS_TIME_ZONE = "Europe/Riga"


def seed(ctx: Any) -> None:
    orgs = ctx.organisations
    for spec in CONTENT["meetings"]:
        meeting, _ = Meeting.objects.update_or_create(
            project=ctx.project, title=spec["title"],
            defaults={
                "kind": Meeting.Kind.PARTNER_MEETING,
                "host_organisation": orgs[spec["host_organisation"]],
                **{name: spec[name] for name in ("city", "country", "venue", "address", "venue_time_zone", "status", "description")},
                "minutes": spec.get("minutes", ""),
                "starts_at": ctx.moment(spec["starts_at"], spec["venue_time_zone"]),
                "ends_at": ctx.moment(spec["ends_at"], spec["venue_time_zone"]),
            },
        )
        for order, item in enumerate(spec["agenda"], start=1):
            org = item.get("responsible_organisation")
            AgendaItem.objects.update_or_create(
                meeting=meeting, order=order,
                defaults={
                    "day": ctx.day(item["day"]), "start_time": item["start_time"], "title": item["title"],
                    "description": item.get("description", ""), "responsible_organisation": orgs[org] if org else None,
                },
            )
        held = spec["status"] == Meeting.Status.HELD
        for key in PARTICIPANTS:
            # Whoever the data names no answer for has not answered yet.
            answer = spec["answers"].get(key, {"response": Participation.Response.NO_ANSWER})
            answered = answer["response"] != Participation.Response.NO_ANSWER
            arrival, departure = answer.get("arrival_date"), answer.get("departure_date")
            Participation.objects.update_or_create(
                meeting=meeting, user=ctx.users[key],
                defaults={
                    "response": answer["response"],
                    "arrival_date": ctx.day(arrival) if arrival else None,
                    "departure_date": ctx.day(departure) if departure else None,
                    "notes": answer.get("notes", ""),
                    "attended": True if held else None,
                    "invited_at": ctx.moment(spec["invited_at"], INVITATIONS_TIME_ZONE),
                    "responded_at": ctx.moment(spec["responded_at"], INVITATIONS_TIME_ZONE) if answered else None,
                },
            )
        for order, decision in enumerate(spec.get("decisions", []), start=1):
            deadline = decision.get("deadline")
            Decision.objects.update_or_create(
                meeting=meeting, order=order,
                defaults={
                    "title": decision["title"], "details": decision.get("details", ""),
                    "owner": ctx.users[decision["owner"]],
                    "responsible_organisation": orgs[decision["responsible_organisation"]],
                    "deadline": ctx.day(deadline) if deadline else None,
                },
            )
        if held:
            _group_photo(ctx, meeting)


def _group_photo(ctx: Any, meeting: Meeting) -> None:
    if Attachment.objects.filter(meeting=meeting, caption=PHOTO_CAPTION).exists():
        return
    add_attachment(
        meeting, ContentFile(group_photo_jpeg(), name="group-photo.jpg"), kind=Attachment.Kind.PHOTO,
        caption=PHOTO_CAPTION, photo_consent=True, by=ctx.users["coordinator"],
    )


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
