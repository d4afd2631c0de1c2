"""The one SMTP test server of the project: a real SMTP server on loopback (aiosmtpd)
that records what it receives. The test suite (conftest.py), the fault tests
(faults/harness.py) and the benchmark (``python -m smtpsink``) all use it, so a
behaviour added for one (refusing, holding, counting by Message-ID) is there for all.
"""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

__all__ = ["SMTPServer", "Sink", "free_port"]


def free_port() -> int:
    """A loopback port the OS says is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sink:
    """What the server does with mail: keep it (or only count it), refuse it, or hold one message.

    * ``refuse``: answer 451 (try again later) to every message;
    * ``refuse_recipients``: answer 550 (gone for good) for these addresses;
    * ``hold_message_number``: block while receiving the n-th message (1-based) until
      ``release`` is set, then answer 421 without accepting it: the moment to kill the
      sender mid-batch;
    * ``pause``: think this many seconds before accepting each message (a slow server,
      so that a batch lasts long enough for a fault to land in it);
    * ``on_accept``: called (in the server's thread) just before a message is accepted;
    * ``keep=False``: count messages without parsing or keeping them (the benchmark).
    """

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    count: int = 0
    keep: bool = True
    refuse: bool = False
    refuse_recipients: set[str] = field(default_factory=set)
    hold_message_number: int | None = None
    pause: float = 0.0
    on_accept: Callable[[], None] | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.lower() in self.refuse_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        if self.hold_message_number is not None and self.count + 1 == self.hold_message_number and not self.holding.is_set():
            # The sender now waits for our answer, mid-batch. The message is never
            # accepted (the sender is gone by the time we answer).
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 Closing"
        if self.pause:
            await asyncio.sleep(self.pause)
        if self.on_accept is not None:
            self.on_accept()
        with self.lock:
            self.count += 1
            if self.keep:
                self.envelopes.append(envelope)
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} email(s), got {len(self.messages)} within {timeout}s")

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def message_ids(self) -> Counter[str]:
        """How often each Message-ID arrived: the outbox gives one per row, so a count
        above 1 is an email sent twice."""
        with self.lock:
            return Counter(str(m["Message-ID"]) for m in self.messages)


class SMTPServer:
    """A :class:`Sink` served on a loopback port; ``stop()`` and ``start()`` again to
    simulate an outage (the port stays the same, the sink and what it kept too)."""

    def __init__(self, sink: Sink | None = None, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port()
        self.sink = sink or Sink()
        self._controller: Any = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        # aiosmtpd binds ::1 unless told otherwise (PITFALLS.md).
        controller = Controller(self.sink, hostname=self.host, port=self.port)
        try:
            controller.start()
        except BaseException:
            controller.stop(no_assert=True)
            raise
        self._controller = controller

    def use(self, sink: Sink) -> None:
        """Serve a fresh sink from now on (a new test on the same server)."""
        self.sink.release.set()
        self.sink = sink
        if self._controller is not None:
            self._controller.handler = sink

    def stop(self) -> None:
        if self._controller is not None:
            self.sink.release.set()  # a held message must not keep the server's loop busy
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SMTPServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
