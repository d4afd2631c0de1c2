"""`make load`: 50 logged-in partners use the portal at once for 60 seconds.

A private PostgreSQL, Redis and SMTP server (faults.harness), gunicorn and a Celery
worker in production settings, and 50 client threads on loopback. Each partner logs in
(behind one trusted reverse proxy, so each has its own address as in production), then
for the duration picks at random: read a page (dashboard, tasks, meetings, a meeting,
a discussion, the project page), answer the meeting invitation (RSVP), change the
status of their task, or post a reply. Every acknowledged write (a redirect after the
POST) is remembered and checked against the database at the end.

Passes when: no 5xx, no transport error, no lost write. Prints the figures and writes
them to loadtest/results/latest.json.

Knobs: LOAD_USERS (50), LOAD_SECONDS (60), LOAD_GUNICORN_WORKERS (3), LOAD_GUNICORN_THREADS (8).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults.harness import Client, Stack  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_GUNICORN_WORKERS", "3"))
THREADS = int(os.environ.get("LOAD_GUNICORN_THREADS", "8"))
PASSWORD = "load-test-password-2013"
THREAD_GROUP = 5  # partners per discussion thread (each reply notifies the thread's followers)


@dataclass
class Partner:
    index: int
    email: str
    task_id: int
    thread_id: int
    meeting_id: int
    replies: list[str] = field(default_factory=list)  # acknowledged reply tokens
    last_status: str | None = None  # last acknowledged task status
    last_response: str | None = None  # last acknowledged RSVP


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def record(self, kind: str, status: int, seconds: float, path: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {path}")


def seed(stack: Stack) -> tuple[list[Partner], str]:
    os.environ.update(stack.env)
    import django

    django.setup()
    from django.utils import timezone

    from communication import discussions
    from meetings.models import Meeting
    from projects.models import Organisation, Partner as PartnerRow, Project
    from projects.services import add_membership, create_user
    from workgroups.models import Task, WorkGroup

    org = Organisation.objects.create(name="Daugavpils City Council", kind="municipality", country="LV", city="Daugavpils")
    others = [
        Organisation.objects.create(name=name, kind="municipality", country=country, city=name.split()[-1])
        for name, country in [("City of Magdeburg", "DE"), ("Municipality of Szeged", "HU"),
                              ("Comune di Cremona", "IT"), ("Municipality of Aalborg", "DK")]
    ]
    project = Project.objects.create(
        title="Administration go Europe!", slug="age", acronym="AGE", start_date=timezone.localdate() - timedelta(days=200),
        end_date=timezone.localdate() + timedelta(days=500), coordinating_organisation=org,
    )
    PartnerRow.objects.create(project=project, organisation=org, role="coordinator")
    for other in others:
        PartnerRow.objects.create(project=project, organisation=other, role="partner")
    coordinator = create_user("inese@daugavpils.example", first_name="Inese", last_name="Kalniņa", password=PASSWORD,
                              organisation=org, language="lv")
    add_membership(coordinator, project, "coordinator")
    start = timezone.now() + timedelta(days=30)
    meeting = Meeting.objects.create(project=project, title="Partner meeting in Magdeburg", status="confirmed",
                                     city="Magdeburg", country="DE", venue_time_zone="Europe/Berlin",
                                     starts_at=start, ends_at=start + timedelta(days=2))
    group = WorkGroup.objects.create(project=project, name="Public procurement")
    partners: list[Partner] = []
    threads: list[int] = []
    for i in range(USERS):
        user = create_user(f"partner{i:03d}@partners.example", first_name="Partner", last_name=f"{i:03d}",
                           password=PASSWORD, organisation=others[i % len(others)], language=["de", "hu", "it", "da", "lv"][i % 5])
        add_membership(user, project, "member")
        group.members.add(user)
        task = Task.objects.create(work_group=group, title=f"Collect examples {i:03d}", deadline=timezone.localdate() + timedelta(days=20),
                                   created_by=coordinator)
        task.responsible_people.add(user)
        if i % THREAD_GROUP == 0:
            thread = discussions.start_thread(project, user, f"Study visit topic {i // THREAD_GROUP}", "Ideas welcome.", notify=False)
            threads.append(thread.pk)
        partners.append(Partner(i, user.email, task.pk, threads[-1], meeting.pk))
    from django.db import connection

    connection.close()
    return partners, project.slug


@dataclass
class Clock:
    """All partners log in first; then the measured minute starts for everyone at once."""

    logged_in: threading.Barrier
    stop_at: float = 0.0


def partner_loop(partner: Partner, base: str, slug: str, clock: Clock, stats: Stats) -> None:
    rng = random.Random(partner.index)
    client = Client(base, forwarded_for=f"198.51.100.{partner.index + 1}")
    started = time.monotonic()
    try:
        client.login(partner.email, PASSWORD)
    except Exception as exc:  # counted as a failure below
        stats.errors.append(f"login {partner.email}: {exc}")
        clock.logged_in.abort()
        return
    stats.record("login", 302, time.monotonic() - started, "/en/accounts/login/")
    clock.logged_in.wait()
    stop_at = clock.stop_at
    pages = ["/en/dashboard/", "/en/workgroups/", "/en/meetings/", f"/en/meetings/{partner.meeting_id}/",
             f"/en/discussions/t/{partner.thread_id}/", f"/en/projects/{slug}/", f"/en/workgroups/tasks/{partner.task_id}/"]
    while time.monotonic() < stop_at:
        roll = rng.random()
        t0 = time.monotonic()
        try:
            if roll < 0.70:
                path = rng.choice(pages)
                reply = client.get(path)
                stats.record("page", reply.status, time.monotonic() - t0, path)
                if reply.status != 200:
                    stats.unexpected.append(f"GET {path}: {reply.status}")
                if not client.csrf_token():
                    client.get("/en/dashboard/")
                continue
            token = client.csrf_token()
            if roll < 0.80:
                response = rng.choice(["attending", "not_attending", "maybe"])
                path = f"/en/meetings/{partner.meeting_id}/answer/"
                reply = client._send("POST", path, {"csrfmiddlewaretoken": token, "response": response})
                kind = "rsvp"
                if reply.status == 302:
                    partner.last_response = response
            elif roll < 0.90:
                status = rng.choice(["open", "in_progress", "done"])
                path = f"/en/workgroups/tasks/{partner.task_id}/status/"
                reply = client._send("POST", path, {"csrfmiddlewaretoken": token, "status": status, "comment": ""})
                kind = "task_status"
                if reply.status == 302:
                    partner.last_status = status
            else:
                word = f"load-{uuid.uuid4().hex}"
                path = f"/en/discussions/t/{partner.thread_id}/reply/"
                reply = client._send("POST", path, {"csrfmiddlewaretoken": token, "body": f"Reply {word} from partner {partner.index}."})
                kind = "reply"
                if reply.status == 302:
                    partner.replies.append(word)
            stats.record(kind, reply.status, time.monotonic() - t0, path)
            if reply.status != 302:
                stats.unexpected.append(f"POST {path}: {reply.status}")
        except Exception as exc:  # a transport error is a failure of the run
            stats.errors.append(f"{type(exc).__name__}: {exc}")


def verify(partners: list[Partner]) -> dict[str, int]:
    from communication.models import Post
    from meetings.models import Participation
    from workgroups.models import Task

    lost = {"replies": 0, "task_status": 0, "rsvp": 0}
    bodies = "\n".join(Post.objects.values_list("body", flat=True))
    for p in partners:
        lost["replies"] += sum(1 for word in p.replies if word not in bodies)
        if p.last_status is not None and Task.objects.get(pk=p.task_id).status != p.last_status:
            lost["task_status"] += 1
        if p.last_response is not None:
            row = Participation.objects.filter(meeting_id=p.meeting_id, user__email=p.email).first()
            if row is None or row.response != p.last_response:
                lost["rsvp"] += 1
    return lost


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    stack = Stack()
    try:
        stack.start()
        stack.manage("migrate", "--noinput", "-v", "0")
        partners, slug = seed(stack)
        # One trusted reverse proxy in front, as in production: each partner keeps their
        # own address for the login rate limits.
        os.environ["ALLAUTH_TRUSTED_PROXY_COUNT"] = "1"
        web = stack.spawn("web", [sys.executable, "-m", "gunicorn", "agepartners.wsgi", "-b", f"127.0.0.1:{stack.web_port}",
                                  "-w", str(WORKERS), "--threads", str(THREADS), "--no-control-socket", "--timeout", "60"],
                          ALLAUTH_TRUSTED_PROXY_COUNT="1")
        from faults.harness import port_open, wait_for

        wait_for(lambda: port_open(stack.web_port) or not web.alive, 30, what="gunicorn listening")
        stack.worker(concurrency=1)
        stats = Stats()
        base = stack.url("")
        timing: dict[str, float] = {}

        def start_the_minute() -> None:
            timing["began"] = time.monotonic()
            clock.stop_at = timing["began"] + SECONDS

        clock = Clock(threading.Barrier(len(partners), action=start_the_minute, timeout=300))
        threads = [threading.Thread(target=partner_loop, args=(p, base, slug, clock, stats)) for p in partners]
        for t in threads:
            t.start()
        for t in threads:
            t.join(SECONDS + 400)
        elapsed = time.monotonic() - timing.get("began", time.monotonic() - SECONDS)
        login_times = stats.latencies.pop("login", [])
        logins = len(login_times)
        lost = verify(partners)
        all_latencies = [x for values in stats.latencies.values() for x in values]
        stats.statuses[302] -= logins  # the figures describe the measured minute
        writes = {k: len(stats.latencies[k]) for k in ("rsvp", "task_status", "reply")}
        figures: dict[str, Any] = {
            "users": USERS, "seconds": SECONDS, "logged_in": logins,
            "slowest_login_of_the_simultaneous_logins_s": round(max(login_times, default=0), 1), "gunicorn": f"{WORKERS} workers x {THREADS} threads",
            "requests": len(all_latencies), "requests_per_second": round(len(all_latencies) / elapsed, 1),
            "status_counts": dict(sorted(stats.statuses.items())),
            "server_errors_5xx": len(stats.server_errors), "transport_errors": len(stats.errors),
            "unexpected_status": len(stats.unexpected),
            "acknowledged_writes": writes, "lost_writes": lost,
            "latency_ms": {
                kind: {"p50": round(1000 * statistics.median(v), 1), "p95": round(1000 * percentile(v, 0.95), 1),
                       "max": round(1000 * max(v), 1), "count": len(v)}
                for kind, v in sorted(stats.latencies.items()) if v
            },
        }
        out = ROOT / "loadtest" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures, indent=2))
        for line in (stats.server_errors[:10] + stats.errors[:10] + stats.unexpected[:10]):
            print("  !", line)
        ok = not stats.server_errors and not stats.errors and not stats.unexpected and not any(lost.values())
        ok = ok and logins == USERS and all(len(stats.latencies[k]) > 0 for k in ("rsvp", "task_status", "reply"))
        if not ok:
            print("\n----- web log -----\n" + web.tail(40))
        print("\nload test:", "PASSED" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        stack.destroy()


if __name__ == "__main__":
    sys.exit(main())
