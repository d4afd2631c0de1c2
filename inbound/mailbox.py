"""The mailbox the portal reads, from INBOUND_EMAIL_URL.

- ``imaps://user:password@host:993/INBOX``: IMAP over TLS;
- ``imap://user:password@host:143/INBOX``: IMAP with STARTTLS (plain only on loopback,
  where there is no network to protect: the test server; ``?starttls=yes`` asks for it
  there too);
- ``folder://path``: a folder of ``.eml`` files (the embedded default, ``var/inbox/``).

The server's certificate is checked against the system's trusted authorities, or only
against those of ``?ca=/path/ca.pem`` (a council's own CA, a test server's). A certificate
that does not verify stops the poll before the password is sent (MailboxError).

A processed message is flagged (IMAP keyword) or moved to ``processed/`` (folder), so the
next poll does not fetch it again; the database row is what makes processing happen once.
One that keeps failing is set aside for a person: moved to the IMAP folder
``agepartners-failed`` (created when missing) or to ``failed/`` (inbound.attempts).
"""
from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

DONE = b"agepartners-done"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
FAILED_FOLDER = "agepartners-failed"
URL_OPTIONS = {"ca", "starttls"}
_YES, _NO = {"1", "yes", "true", "on"}, {"0", "no", "false", "off"}


class MailboxError(Exception):
    """The mailbox cannot be read (unreachable, TLS not trusted, login refused): nothing
    was fetched, every message stays where it is for the next poll."""


def url_options(url: str) -> tuple[str, bool]:
    """The ``ca`` file and whether STARTTLS is used, from an imap(s):// URL; ValueError for
    options that make no sense (settings check them at start-up)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    unknown = set(query) - URL_OPTIONS
    if unknown:
        raise ValueError(f"unknown option {sorted(unknown)[0]!r} (known: ca, starttls)")
    ca = query.get("ca", [""])[-1]
    if ca and not Path(ca).is_file():
        raise ValueError(f"the CA file {ca!r} does not exist")
    loopback = (parts.hostname or "localhost") in LOOPBACK
    raw = query.get("starttls", [""])[-1].lower()
    if raw and raw not in _YES | _NO:
        raise ValueError(f"starttls={raw!r}: use yes or no")
    if parts.scheme == "imaps":
        if raw:
            raise ValueError("starttls is for imap://; imaps:// is TLS from the start")
        return ca, False
    starttls = raw in _YES if raw else not loopback
    if not starttls and not loopback:
        # The password would cross the network in clear.
        raise ValueError("imap:// without STARTTLS only on loopback; use imaps:// or STARTTLS")
    return ca, starttls


@dataclass(frozen=True)
class Fetched:
    uid: str
    raw: bytes


class Mailbox(Protocol):
    name: str

    def __enter__(self) -> Mailbox: ...

    def __exit__(self, *exc: object) -> None: ...

    def messages(self, limit: int) -> Iterator[Fetched]: ...

    def done(self, uid: str) -> None: ...

    def failed_folder(self) -> str: ...

    def set_aside(self, uid: str) -> None: ...


class FolderMailbox:
    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.name = f"folder://{self.path}"

    def __enter__(self) -> FolderMailbox:
        (self.path / "processed").mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def messages(self, limit: int) -> Iterator[Fetched]:
        for file in sorted(self.path.glob("*.eml"))[:limit]:
            yield Fetched(file.name, file.read_bytes())

    def done(self, uid: str) -> None:
        source = self.path / uid
        if source.exists():
            source.replace(self.path / "processed" / uid)

    def failed_folder(self) -> str:
        return "failed/"

    def set_aside(self, uid: str) -> None:
        (self.path / "failed").mkdir(exist_ok=True)
        source = self.path / uid
        if source.exists():
            source.replace(self.path / "failed" / uid)


class ImapMailbox:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.tls = parts.scheme == "imaps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (993 if self.tls else 143)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self.name = f"{parts.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"
        self.ca, self.starttls = url_options(url)
        self.client: IMAPClient | None = None
        self.uidvalidity = 0

    def __enter__(self) -> ImapMailbox:
        # Verifies the chain and the host name (ssl's default); ca= replaces the system's trust.
        context = ssl.create_default_context(cafile=self.ca or None)
        client: IMAPClient | None = None
        try:
            client = IMAPClient(self.host, port=self.port, ssl=self.tls, ssl_context=context, timeout=30)
            if self.starttls:
                client.starttls(context)
            client.login(self.user, self.password)
            selected = client.select_folder(self.folder)
        except ssl.SSLCertVerificationError as exc:
            raise MailboxError(
                f"{self.name}: the server's TLS certificate is not trusted ({exc.verify_message}); nothing was read. "
                "If the server's certificate is right, name its CA with ?ca=/path/ca.pem in INBOUND_EMAIL_URL."
            ) from exc
        except (OSError, IMAPClientError) as exc:  # ssl.SSLError is an OSError
            if client is not None:
                client.shutdown()
            raise MailboxError(f"{self.name}: the mailbox cannot be read: {exc}") from exc
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        self.client = client
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            try:
                self.client.logout()
            except Exception:  # noqa: BLE001 (the connection may already be gone)
                pass
            self.client = None

    def messages(self, limit: int) -> Iterator[Fetched]:
        assert self.client is not None
        uids = sorted(self.client.search(["NOT", "DELETED", "UNKEYWORD", DONE.decode()]))[:limit]
        for start in range(0, len(uids), 20):
            chunk = uids[start:start + 20]
            for uid, data in sorted(self.client.fetch(chunk, ["BODY.PEEK[]"]).items()):
                yield Fetched(f"{self.uidvalidity}:{uid}", data[b"BODY[]"])

    def done(self, uid: str) -> None:
        assert self.client is not None
        number = int(uid.split(":", 1)[1])
        self.client.add_flags([number], [DONE, b"\\Seen"])

    def failed_folder(self) -> str:
        """FAILED_FOLDER in the account's personal namespace ("INBOX." on some servers)."""
        assert self.client is not None
        prefix = ""
        if self.client.has_capability("NAMESPACE"):
            personal = self.client.namespace().personal
            if personal:
                prefix = str(personal[0][0])
        return f"{prefix}{FAILED_FOLDER}"

    def set_aside(self, uid: str) -> None:
        assert self.client is not None
        folder = self.failed_folder()
        if not self.client.folder_exists(folder):
            self.client.create_folder(folder)
            self.client.subscribe_folder(folder)  # so mail programs list it
        number = int(uid.split(":", 1)[1])
        if self.client.has_capability("MOVE"):
            self.client.move([number], folder)
            return
        self.client.copy([number], folder)
        # Without MOVE: deleted here (and flagged done, so it is never fetched again even if
        # the server does not expunge it now).
        self.client.add_flags([number], [b"\\Deleted", DONE])
        if self.client.has_capability("UIDPLUS"):
            self.client.expunge([number])


def open_mailbox(url: str) -> Mailbox:
    scheme = urlsplit(url).scheme
    if scheme == "folder":
        return FolderMailbox(url.removeprefix("folder://"))
    if scheme in ("imap", "imaps"):
        return ImapMailbox(url)
    raise ValueError(f"INBOUND_EMAIL_URL: unknown scheme {scheme!r}")
