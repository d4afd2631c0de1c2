"""Hand-written inbound messages: replies as mail programs send them, and iTIP REPLYs shaped
as Outlook, Thunderbird, Gmail and Apple Calendar send them (RFC 5546 §3.2.3 and the
programs' habits: Outlook's upper-case MAILTO and quoted CN, Gmail's text/calendar part
plus an application/ics copy, Thunderbird's .ics attachment, Apple's COMMENT)."""
from __future__ import annotations

import base64
import quopri
import uuid


def _headers(sender: str, to: str, subject: str, extra: str = "", message_id: str | None = None) -> str:
    message_id = message_id or f"<{uuid.uuid4().hex}@mail.example>"
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        f"Date: Thu, 03 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n{extra}"
    )


def plain(sender: str, to: str, body: str, *, subject: str = "Re: Questionnaire", extra: str = "",
          message_id: str | None = None) -> bytes:
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    return (
        _headers(sender, to, subject, extra, message_id)
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded
    ).encode("ascii")


def quoted_printable(sender: str, to: str, body: str, charset: str = "iso-8859-2") -> bytes:
    encoded = quopri.encodestring(body.replace("\n", "\r\n").encode(charset)).decode("ascii")
    return (
        _headers(sender, to, "Re: Questionnaire")
        + f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + encoded
    ).encode("ascii")


def html_only(sender: str, to: str, markup: str) -> bytes:
    encoded = base64.encodebytes(markup.encode("utf-8")).decode("ascii")
    return (
        _headers(sender, to, "AW: Questionnaire")
        + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded
    ).encode("ascii")


def _vcalendar(uid: str, sequence: int, attendee_line: str, extra: str = "") -> str:
    lines = [
        "BEGIN:VCALENDAR", "PRODID:{prodid}", "VERSION:2.0", "METHOD:REPLY", "BEGIN:VEVENT",
        f"UID:{uid}", f"SEQUENCE:{sequence}", "DTSTAMP:20261203T090000Z",
        "DTSTART:20310418T070000Z", "DTEND:20310418T150000Z", "SUMMARY:Partner meeting",
        "ORGANIZER;CN=agepartners:mailto:{organizer}", attendee_line,
    ]
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


def itip_reply(program: str, *, sender: str, name: str, organizer: str, uid: str, sequence: int,
               partstat: str, comment: str = "") -> bytes:
    """An iTIP REPLY as ``program`` sends it."""
    boundary = f"=_{uuid.uuid4().hex}"
    if program == "outlook":
        # Outlook: MAILTO in capitals, a quoted CN with a comma, parameters in its own order,
        # the REPLY as text/calendar alternative, subject "Accepted: …".
        attendee = f'ATTENDEE;PARTSTAT={partstat};CN="{name.split()[-1]}, {name.split()[0]}":MAILTO:{sender.upper()}'
        ics = _vcalendar(uid, sequence, attendee, f"COMMENT:{comment}" if comment else "")
        ics = ics.replace("{prodid}", "Microsoft Exchange Server 2010").replace("{organizer}", organizer)
        body = (
            f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{comment}\r\n"
            f"--{boundary}\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{base64.encodebytes(ics.encode()).decode()}\r\n"
            f"--{boundary}--\r\n"
        )
        return (_headers(sender, organizer, f"Accepted: Partner meeting") + body).encode("utf-8")
    if program == "thunderbird":
        # Thunderbird (Lightning): text part, then the REPLY as an invite.ics attachment.
        attendee = f"ATTENDEE;CN={name};PARTSTAT={partstat};ROLE=REQ-PARTICIPANT:mailto:{sender}"
        ics = _vcalendar(uid, sequence, attendee).replace("{prodid}", "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN")
        ics = ics.replace("{organizer}", organizer)
        body = (
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{name} has accepted tentatively.\r\n"
            f"--{boundary}\r\nContent-Type: application/ics; name=invite.ics\r\n"
            f"Content-Disposition: attachment; filename=invite.ics\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{base64.encodebytes(ics.encode()).decode()}\r\n--{boundary}--\r\n"
        )
        return (_headers(sender, organizer, "Tentatively accepted: Partner meeting") + body).encode("utf-8")
    if program == "gmail":
        # Gmail: text/calendar; method=REPLY inside the alternative, and the same as
        # application/ics attachment; lower-case mailto with a plain CN.
        attendee = f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN={sender};X-NUM-GUESTS=0:mailto:{sender}"
        ics = _vcalendar(uid, sequence, attendee).replace("{prodid}", "-//Google Inc//Google Calendar 70.9054//EN")
        ics = ics.replace("{organizer}", organizer)
        encoded = base64.encodebytes(ics.encode()).decode()
        inner = f"=_alt{uuid.uuid4().hex}"
        body = (
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
            f"--{boundary}\r\nContent-Type: multipart/alternative; boundary=\"{inner}\"\r\n\r\n"
            f"--{inner}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{name} has declined this invitation.\r\n"
            f"--{inner}\r\nContent-Type: text/calendar; charset=UTF-8; method=REPLY\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
            f"--{inner}--\r\n"
            f"--{boundary}\r\nContent-Type: application/ics; name=invite.ics\r\n"
            f"Content-Disposition: attachment; filename=invite.ics\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
            f"--{boundary}--\r\n"
        )
        return (_headers(sender, organizer, "Declined: Partner meeting") + body).encode("utf-8")
    if program == "apple":
        # Apple Calendar: only the calendar part, a quoted CN with diacritics, a COMMENT and
        # the attendee line folded at 75 octets.
        attendee = (f'ATTENDEE;CN="{name}";CUTYPE=INDIVIDUAL;EMAIL="{sender}";PARTSTAT={partstat}'
                    f":mailto:{sender}")
        folded = "\r\n ".join(attendee[i:i + 70] for i in range(0, len(attendee), 70))
        ics = _vcalendar(uid, sequence, folded, f"COMMENT:{comment}" if comment else "")
        ics = ics.replace("{prodid}", "-//Apple Inc.//macOS 15.1//EN").replace("{organizer}", organizer)
        body = (
            "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + quopri.encodestring(ics.encode("utf-8")).decode("ascii")
        )
        return (_headers(sender, organizer, f"Invitation: Partner meeting ({partstat.lower()})") + body).encode("utf-8")
    raise ValueError(program)
