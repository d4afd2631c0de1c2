"""The mailbox the portal reads, from INBOUND_EMAIL_URL.

- ``imaps://user:password@host:993/INBOX``: IMAP over TLS;
- ``imap://user:password@host:143/INBOX``: IMAP with STARTTLS (plain only on loopback,
  where there is no network to protect: the test server);
- ``folder://path``: a folder of ``.eml`` files (the embedded default, ``var/inbox/``).

A processed message is flagged (IMAP keyword) or moved to ``processed/`` (folder), so the
next poll does not fetch it again; the database row is what makes processing happen once.
"""
from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

DONE = b"agepartners-done"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


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
        self.client: IMAPClient | None = None
        self.uidvalidity = 0

    def __enter__(self) -> ImapMailbox:
        client = IMAPClient(self.host, port=self.port, ssl=self.tls, timeout=30)
        if not self.tls and self.host not in LOOPBACK:
            client.starttls(ssl.create_default_context())
        client.login(self.user, self.password)
        selected = client.select_folder(self.folder)
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


def open_mailbox(url: str) -> Mailbox:
    scheme = urlsplit(url).scheme
    if scheme == "folder":
        return FolderMailbox(url.removeprefix("folder://"))
    if scheme in ("imap", "imaps"):
        return ImapMailbox(url)
    raise ValueError(f"INBOUND_EMAIL_URL: unknown scheme {scheme!r}")
