"""Bounded load from many partners through the load balancer, each from their own address,
remembering every acknowledged write (a redirect after the POST) and which node answered."""
from __future__ import annotations

import http.client
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hosts.client import Client, CutOff

# The status of an Event whose answer was cut off after its headers (hosts.client.CutOff).
CUT = 0


@dataclass
class Event:
    at: float
    method: str
    path: str
    status: int
    node: str
    upstreams: str
    ended: float


@dataclass
class LoadResult:
    events: list[Event] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    login_failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)

    @property
    def statuses(self) -> Counter[int]:
        return Counter(e.status for e in self.events)


# Partners log in a few at a time, as people arrive: 50 password checks at the same
# moment (PBKDF2, ~0.5 s of CPU each) on two shared cores would outlast any timeout.
LOGINS_AT_ONCE = 8


def partner_loop(partner: Any, client: Client, password: str, started: threading.Barrier, stop_at: list[float],
                 result: LoadResult, login_gate: threading.Semaphore) -> None:
    rng = random.Random(partner.index)
    with login_gate:
        try:
            reply = client.login(partner.email, password)
            status = reply.status
        except OSError as error:
            status = 0
            result.login_failures.append(f"{partner.email}: {type(error).__name__}: {error}")
    if status != 302:
        result.login_failures.append(f"{partner.email}: {status}")
        started.abort()
        return
    client.get("/en/dashboard/")
    started.wait()
    pages = ["/en/dashboard/", "/en/meetings/", f"/en/meetings/{partner.meeting_id}/",
             f"/en/discussions/t/{partner.thread_id}/", f"/en/workgroups/tasks/{partner.task_id}/"]
    while time.monotonic() < stop_at[0]:
        roll = rng.random()
        begun = time.monotonic()
        try:
            if roll < 0.6:
                path = rng.choice(pages)
                reply = client.get(path)
                method = "GET"
            else:
                method = "POST"
                if roll < 0.75:
                    answer = rng.choice(["attending", "not_attending", "maybe"])
                    path = f"/en/meetings/{partner.meeting_id}/answer/"
                    reply = client.post_with_cookie_token(path, {"response": answer})
                    if reply.status == 302:
                        partner.last_response = answer
                elif roll < 0.9:
                    status = rng.choice(["open", "in_progress", "done"])
                    path = f"/en/workgroups/tasks/{partner.task_id}/status/"
                    reply = client.post_with_cookie_token(path, {"status": status, "comment": ""})
                    if reply.status == 302:
                        partner.last_status = status
                else:
                    word = f"hosts-{uuid.uuid4().hex}"
                    path = f"/en/discussions/t/{partner.thread_id}/reply/"
                    reply = client.post_with_cookie_token(path, {"body": f"Reply {word} from partner {partner.index}."})
                    if reply.status == 302:
                        partner.replies.append(word)
            result.add(Event(begun, method, path, reply.status, reply.node, reply.headers.get("X-Upstream", ""),
                             time.monotonic()))
        except CutOff as error:
            result.add(Event(begun, method, path, CUT, error.node, "", time.monotonic()))
        except (OSError, http.client.HTTPException) as error:
            # A connection the load balancer did not answer (or answered with something that is
            # not HTTP): a failure of the run, reported rather than ending this partner's loop.
            result.transport_errors.append(f"{type(error).__name__}: {error}")


def run_load(partners: list[Any], clients: list[Client], password: str, seconds: float,
             during: Any = None) -> tuple[LoadResult, float]:
    """All partners log in, then the bounded load starts for everyone at once. ``during``
    is called (in this thread) once the load runs, with the moment it began."""
    result = LoadResult()
    stop_at = [float("inf")]
    began: list[float] = []

    def start() -> None:
        began.append(time.monotonic())
        stop_at[0] = began[0] + seconds

    barrier = threading.Barrier(len(partners) + 1, action=start, timeout=600)
    gate = threading.Semaphore(LOGINS_AT_ONCE)
    threads = [threading.Thread(target=partner_loop, args=(p, c, password, barrier, stop_at, result, gate), daemon=True)
               for p, c in zip(partners, clients)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join(60)
        raise AssertionError(f"not every partner could log in: {result.login_failures[:5]}") from None
    if during is not None:
        during(began[0])
    for thread in threads:
        thread.join(seconds + 120)
    assert not any(t.is_alive() for t in threads), "a partner's loop did not end"
    return result, began[0]
