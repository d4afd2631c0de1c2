"""Two answers by email for the embedded default's inbox folder (``make run``): a German
discussion reply with a glossary attached and an Italian calendar Accept, which the poller picks up within a minute."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from inbound.models import InboundMessage
from outbox import replies

GERMAN = """Vielen Dank für den Entwurf. Wir übernehmen gern die Übersetzung ins Deutsche
und senden sie bis Ende der Woche. Anbei unser Glossar der Verwaltungsbegriffe.

Mit freundlichen Grüßen
{name}

Am {day} schrieb agepartners <{mailbox}>:
> {excerpt}
"""


def _message(message_id: str, sender: str, to: str, subject: str, content_type: str, body: str) -> bytes:
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}"
    ).encode("ascii")


# Attached to the German reply: it becomes a document of the project, listed with the post.
GLOSSARY = ("Glossar Verwaltungsbegriffe.csv", "Deutsch;English;Latviešu\r\nGemeinderat;municipal council;dome\r\n"
            "Ausschreibung;call for tenders;iepirkums\r\nFördermittel;grant;finansējums\r\n")


def _with_attachment(message_id: str, sender: str, to: str, subject: str, body: str, name: str, content: str) -> bytes:
    boundary = "=_agepartners-demo"
    text = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    attached = base64.encodebytes(content.encode("utf-8")).decode("ascii")
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}\r\n"
        f"--{boundary}\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{attached}\r\n--{boundary}--\r\n"
    ).encode("ascii")


def seed(ctx: Any) -> None:
    url = settings.INBOUND_EMAIL_URL
    if ctx.project is None or not url.startswith("folder://"):
        return
    from communication.models import Thread
    from meetings.calendar import meeting_uid
    from meetings.models import Meeting

    inbox = Path(url.removeprefix("folder://"))
    inbox.mkdir(parents=True, exist_ok=True)
    mailbox = replies.mailbox_address()
    german, italian = ctx.users["magdeburg"], ctx.users["italy"]
    drops: list[tuple[str, bytes]] = []
    thread = Thread.objects.filter(project=ctx.project, is_closed=False).order_by("pk").first()
    if thread is not None:
        to = replies.reply_address(replies.THREAD, thread.pk, german.pk) or mailbox
        body = GERMAN.format(name=german.get_full_name(), day=timezone.localdate(), mailbox=mailbox, excerpt=thread.title)
        drops.append(("<demo-reply-de@agepartners.localhost>", _with_attachment(
            "<demo-reply-de@agepartners.localhost>", german.email, to, f"AW: {thread.title}", body, *GLOSSARY,
        )))
    meeting = (
        Meeting.objects.filter(project=ctx.project, starts_at__gt=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED).order_by("starts_at").first()
    )
    if meeting is not None:
        organizer = replies.reply_address(replies.MEETING, meeting.pk, italian.pk) or mailbox
        ics = "\r\n".join([
            "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0", "METHOD:REPLY",
            "BEGIN:VEVENT", f"UID:{meeting_uid(meeting)}", f"SEQUENCE:{meeting.sequence}",
            f"DTSTAMP:{timezone.now():%Y%m%dT%H%M%SZ}", f"ORGANIZER;CN=agepartners:mailto:{organizer}",
            f"ATTENDEE;PARTSTAT=ACCEPTED;CN={italian.get_full_name()}:mailto:{italian.email}",
            "COMMENT:Arrivo in treno la sera prima.", "END:VEVENT", "END:VCALENDAR", "",
        ])
        drops.append(("<demo-accept-it@agepartners.localhost>", _message(
            "<demo-accept-it@agepartners.localhost>", italian.email, organizer, f"Accettato: {meeting.title}",
            "text/calendar; charset=utf-8; method=REPLY", ics,
        )))
    for message_id, raw in drops:
        name = message_id.strip("<>").split("@")[0] + ".eml"
        if InboundMessage.objects.filter(message_id=message_id).exists() or (inbox / "processed" / name).exists():
            continue  # dropped and picked up on an earlier start
        (inbox / name).write_bytes(raw)
