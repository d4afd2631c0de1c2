"""What one message from the mailbox does: a reply in a thread, a comment on a task, an
answer to a meeting invitation, or nothing (with the reason kept for administrators).

Every check a browser request passes is made again here, because the address may be old:
the signed token names the object and the person, the From must be that person, and
projects/permissions.py decides whether they may still write there.
"""
from __future__ import annotations

import html as html_lib
import logging
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from typing import Any

import icalendar
import nh3
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from mailparser_reply import EmailReplyParser

from inbound.models import InboundMessage
from outbox import replies

log = logging.getLogger(__name__)
User = get_user_model()

Status = InboundMessage.Status

# The languages the reply parser knows among the portal's; Latvian and Hungarian quote
# headers and sign-offs it lacks are cut by the patterns below.
PARSER_LANGUAGES = ["en", "de", "it", "da"]
_QUOTE_HEADER = re.compile(
    r"^\s*(.+\s(rakstīja|írta|wrote|schrieb|ha scritto|skrev)\s*:\s*|-+\s*(Original Message|Ursprüngliche Nachricht)\s*-+"
    r"|(From|Von|No|Feladó|Da|Fra)\s*:\s.+)$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(--\s*|Ar cieņu,?|Ar labākajiem novēlējumiem,?|Üdvözlettel,?|Tisztelettel,?|Mit freundlichen Grüßen,?"
    r"|Cordiali saluti,?|Med venlig hilsen,?|Best regards,?|Kind regards,?|Sent from my \w+.*|Von meinem .* gesendet)\s*$",
    re.IGNORECASE,
)
_OUT_OF_OFFICE = re.compile(
    r"(out of (the )?office|automatic reply|auto[- ]?reply|abwesenheit|automatische antwort|"
    r"automātiskā atbilde|prombūtnē|automatikus válasz|házon kívül|risposta automatica|fuori sede|"
    r"fraværende|autosvar|ikke på kontoret)",
    re.IGNORECASE,
)
ANSWERS = {"ACCEPTED": "attending", "TENTATIVE": "maybe", "DECLINED": "not_attending"}


@dataclass
class Outcome:
    status: str
    reason: str = ""
    kind: str = ""
    object_id: int | None = None
    user: Any = None
    project_id: int | None = None
    # Tell the sender why nothing happened (only a known person at their own address):
    # a key of inbound.services.EXPLANATIONS.
    explain: str = ""
    # Attached files the upload policy refused (inbound.attachments.Refused): listed to the sender.
    refused: list[Any] = field(default_factory=list)


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def is_automatic(message: Message) -> bool:
    """Out-of-office answers, delivery reports and list mail: never acted on, never answered."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in ("bulk", "list", "junk"):
        return True
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Reply")):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender.split("@")[0] in ("mailer-daemon", "postmaster") or not sender:
        return True
    return bool(_OUT_OF_OFFICE.search(str(message.get("Subject", ""))))


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1>", "", markup)
    markup = re.sub(r"(?is)<blockquote[^>]*>.*?</blockquote>", "\n", markup)  # quoted original
    markup = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)</(p|div|li|tr|h\d)>", "\n\n", markup)
    text = html_lib.unescape(nh3.clean(markup, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def body_text(message: EmailMessage) -> str:
    """The message's text: the plain part, or the HTML part turned into text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return str(content)


def new_text(text: str) -> str:
    """What the person wrote: without the quoted original and their signature."""
    text = text.replace("\r\n", "\n")
    parsed = EmailReplyParser(languages=PARSER_LANGUAGES).read(text=text)
    latest = parsed.replies[0].body if parsed.replies else text
    kept: list[str] = []
    for line in (latest or "").split("\n"):
        if line.startswith(">") or _QUOTE_HEADER.match(line) or _SIGN_OFF.match(line):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def calendar_text(message: EmailMessage) -> str | None:
    """The iTIP REPLY of a message: a text/calendar part or an .ics attachment."""
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() in ("text/calendar", "application/ics") or filename.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                return payload.decode(charset, errors="replace")
    return None


def target_token(message: EmailMessage) -> str | None:
    headers = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    values = [str(v) for h in headers for v in message.get_all(h, [])]
    for _name, address in getaddresses(values):
        tag = replies.token_in_address(address)
        if tag:
            return tag
    return None


def process(message: EmailMessage) -> Outcome:
    if is_automatic(message):
        return Outcome(Status.IGNORED, "automatic message (auto-reply, delivery report or list mail)")
    tag = target_token(message)
    if tag is None:
        return Outcome(Status.FAILED, "no reply address of the portal among the recipients")
    target = replies.parse_token(tag)
    if target is None:
        return Outcome(Status.FAILED, "forged or mangled reply token")
    user = User.objects.filter(pk=target.user_id, is_active=True).select_related("person").first()
    base: dict[str, Any] = {"kind": target.kind, "object_id": target.object_id}
    if user is None:
        return Outcome(Status.FAILED, "the person of the reply address no longer exists", **base)
    sender = parseaddr(str(message.get("From", "")))[1]
    if sender.lower() != user.email.lower():
        return Outcome(Status.FAILED, f"sent by {sender}, not by the person the reply address belongs to", **base)
    base["user"] = user
    if target.kind == replies.DIGEST:
        return Outcome(Status.FAILED, "a reply to a digest of several tasks: which task is meant is unclear",
                       explain="digest", **base)
    if target.kind == replies.MEETING:
        return _meeting(message, user, target.object_id, base)
    text = new_text(body_text(message))
    if target.kind == replies.THREAD:
        return _thread(user, target.object_id, text, base, message)
    return _task(user, target.object_id, text, base)


def _thread(user: Any, thread_id: int, text: str, base: dict[str, Any], message: EmailMessage | None = None) -> Outcome:
    from communication import discussions
    from communication.models import Thread
    from inbound import attachments
    from projects import permissions

    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        return Outcome(Status.FAILED, "the discussion was deleted", explain="deleted", **base)
    base["project_id"] = thread.project_id
    if not permissions.can_contribute(user, thread.project_id):
        return Outcome(Status.FAILED, "no longer allowed to write in this project", explain="forbidden", **base)
    files = attachments.attached_files(message) if message is not None else []
    if not text and not files:
        return Outcome(Status.FAILED, "the reply is empty", explain="generic", **base)
    try:
        post, refused = attachments.reply_with_files(thread, user, text, files)
    except discussions.ThreadClosed:
        return Outcome(Status.FAILED, "the discussion is closed", explain="closed", **base)
    if post is None:
        return Outcome(Status.FAILED, "the reply is empty and its attachments were refused", refused=refused, **base)
    return Outcome(Status.PROCESSED, refused=refused, **base)


def _task(user: Any, task_id: int, text: str, base: dict[str, Any]) -> Outcome:
    from projects import permissions
    from workgroups.models import Task
    from workgroups.services import add_comment

    task = Task.objects.filter(pk=task_id).select_related("work_group").first()
    if task is None:
        return Outcome(Status.FAILED, "the task was deleted", explain="deleted", **base)
    base["project_id"] = task.work_group.project_id
    if not permissions.is_member(user, task.work_group.project_id) or not permissions.can_update_task(user, task):
        return Outcome(Status.FAILED, "no longer allowed to comment on this task", explain="forbidden", **base)
    if not text:
        return Outcome(Status.FAILED, "the reply is empty", explain="generic", **base)
    add_comment(task, text, by=user)
    return Outcome(Status.PROCESSED, **base)


def _meeting(message: EmailMessage, user: Any, meeting_id: int, base: dict[str, Any]) -> Outcome:
    from meetings.calendar import meeting_uid
    from meetings.invitations import AnswersClosed, StaleAnswer, answer_invitation
    from meetings.models import Meeting, Participation

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return Outcome(Status.FAILED, "the meeting was deleted", explain="deleted", **base)
    base["project_id"] = meeting.project_id
    ics = calendar_text(message)
    if ics is None:
        return Outcome(Status.FAILED, "no calendar answer in the message", explain="calendar", **base)
    try:
        calendar = icalendar.Calendar.from_ical(ics)
    except ValueError:
        return Outcome(Status.FAILED, "the calendar answer cannot be read", **base)
    if str(calendar.get("METHOD", "")).upper() != "REPLY":
        return Outcome(Status.FAILED, "the calendar part is not an iTIP REPLY", **base)
    events = [e for e in calendar.walk("VEVENT") if str(e.get("UID", "")) == meeting_uid(meeting)]
    if not events:
        return Outcome(Status.FAILED, "the calendar answer is about another meeting", **base)
    event = events[0]
    attendees = event.get("ATTENDEE", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    mine = [a for a in attendees if str(a).lower().removeprefix("mailto:").strip() == user.email.lower()]
    if not mine:
        return Outcome(Status.FAILED, "the calendar answer is not the person's own", **base)
    partstat = str(mine[0].params.get("PARTSTAT", "")).upper()
    if partstat not in ANSWERS:
        return Outcome(Status.IGNORED, f"calendar answer {partstat or 'without PARTSTAT'} changes nothing", **base)
    comment = str(event.get("COMMENT", "")).strip()
    current = Participation.objects.filter(meeting=meeting, user=user).first()
    try:
        answer_invitation(
            meeting, user, response=ANSWERS[partstat],
            # A calendar answer says only yes, maybe or no: travel dates and notes given on
            # the page stay, and a comment replaces the notes.
            arrival_date=current.arrival_date if current else None,
            departure_date=current.departure_date if current else None,
            notes=comment or (current.notes if current else ""),
            sequence=int(event.get("SEQUENCE", 0)),
        )
    except PermissionDenied:
        return Outcome(Status.FAILED, "no longer a participant of this project", explain="forbidden", **base)
    except AnswersClosed:
        log.info("Calendar answer of %s for meeting %s after it started: nothing changed", user.email, meeting.pk)
        return Outcome(Status.FAILED, "the meeting has started or was cancelled: answers are closed", explain="started", **base)
    except StaleAnswer:
        return Outcome(Status.IGNORED, "answer to an older version of the invitation than the latest answer", **base)
    return Outcome(Status.PROCESSED, **base)

