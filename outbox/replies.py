"""Signed reply addresses: ``<local>+<token>@<domain>`` of the mailbox the portal reads.

The token names what an answer is about (a thread, a task, a meeting) and who may write
it, and carries an HMAC keyed with the SECRET_KEY, so nobody can make up an address that
posts somewhere else or as somebody else. Mail systems may change the case of an address,
so the token is lower-case only and is compared after lower-casing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

THREAD = "d"  # a discussion thread
TASK = "t"
MEETING = "m"
# A digest listing several tasks, bound to its reader (object id = user id): a reply to it
# cannot tell which task is meant, so it is answered with an explanation, never posted.
DIGEST = "g"
KINDS = (THREAD, TASK, MEETING, DIGEST)

_SALT = "agepartners.outbox.replies"
# 96 bits of the HMAC: short enough for an address (local parts stop at 64 characters).
_MAC_LENGTH = 24
_TOKEN = re.compile(r"^([dtmg])(\d{1,12})-(\d{1,12})-([0-9a-f]{%d})$" % _MAC_LENGTH)


@dataclass(frozen=True)
class ReplyTarget:
    kind: str
    object_id: int
    user_id: int


def enabled() -> bool:
    return bool(settings.INBOUND_EMAIL_URL)


def mailbox_address() -> str:
    """The address of the mailbox the portal reads (the plain address, no display name)."""
    configured = settings.INBOUND_EMAIL_ADDRESS or settings.DEFAULT_FROM_EMAIL
    return parseaddr(configured)[1].lower()


def _mac(kind: str, object_id: int, user_id: int) -> str:
    return salted_hmac(_SALT, f"{kind}:{object_id}:{user_id}", algorithm="sha256").hexdigest()[:_MAC_LENGTH]


def token(kind: str, object_id: int, user_id: int) -> str:
    if kind not in KINDS:
        raise ValueError(kind)
    return f"{kind}{object_id}-{user_id}-{_mac(kind, object_id, user_id)}"


def reply_address(kind: str, object_id: int, user_id: int) -> str | None:
    """The Reply-To for an email about one object to one person; None when answers by
    email are off (then the email must not offer them)."""
    if not enabled():
        return None
    local, _at, domain = mailbox_address().partition("@")
    return f"{local}+{token(kind, object_id, user_id)}@{domain}"


def parse_token(value: str) -> ReplyTarget | None:
    """The target of a token, or None when it is malformed or its signature is wrong."""
    match = _TOKEN.match(value.strip().lower())
    if not match:
        return None
    kind, object_id, user_id, mac = match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)
    if not constant_time_compare(mac, _mac(kind, object_id, user_id)):
        return None
    return ReplyTarget(kind, object_id, user_id)


def token_in_address(address: str) -> str | None:
    """The ``+token`` part of an address of our mailbox, or None for any other address."""
    local, _at, domain = parseaddr(address)[1].lower().partition("@")
    base_local, _at, base_domain = mailbox_address().partition("@")
    if domain != base_domain or "+" not in local:
        return None
    name, _plus, tag = local.partition("+")
    return tag if name == base_local else None
