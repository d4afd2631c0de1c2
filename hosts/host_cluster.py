"""Through the load balancer, with real logins, on separate hosts (hosts/cluster.py):
sessions, files, login limits, reminders, a web node killed under load, the object store
stopped. The checks run in this order; the last one stops and restarts the store."""
from __future__ import annotations

import hashlib
import json
import re
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest

from hosts.client import Client, Reply
from hosts.cluster import ADDRESSES, Cluster, PARTNER_ADDRESSES, WEB_PORT, wait_for
from hosts.conftest import LOAD_SECONDS, PARTNERS
from hosts.load import CUT, run_load
from hosts.seaweed import BUCKET

WEB1 = f"{ADDRESSES['web1']}:{WEB_PORT}"
WEB2 = f"{ADDRESSES['web2']}:{WEB_PORT}"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n% Skills analysis of the partner cities\ntrailer <<>>\n%%EOF\n"
STORE_DOWN = "The portal cannot reach its file store"


def client_for(cluster: Cluster, n: int) -> Client:
    return Client(cluster.base, str(cluster.ca_file), source=PARTNER_ADDRESSES[n])


def logged_in(cluster: Cluster, n: int, email: str, password: str) -> Client:
    client = client_for(cluster, n)
    reply = client.login(email, password)
    assert reply.status == 302, (reply.status, reply.text[:300])
    return client


def on_other_node(client: Client, path: str, node: str, tries: int = 6) -> Reply:
    """GET path until a node other than ``node`` answers (round robin: the next one)."""
    for _ in range(tries):
        reply = client.get(path)
        if reply.node and reply.node != node:
            return reply
    raise AssertionError(f"{path} was always answered by {node}")


def test_a_partner_logged_in_on_one_node_keeps_working_on_the_other(cluster, world):
    partner = world.partners[0]
    client = client_for(cluster, 0)
    login = client.login(partner.email, world.password)
    assert login.status == 302 and login.node in (WEB1, WEB2)
    nodes = Counter()
    for _ in range(6):
        page = client.get("/en/dashboard/")
        assert page.status == 200, page.status  # not sent back to the login page
        assert "Partner 000" in page.text
        nodes[page.node] += 1
    assert set(nodes) == {WEB1, WEB2}, nodes
    # The session cookie came over TLS and is marked Secure (nginx sent X-Forwarded-Proto).
    assert all(cookie.secure for cookie in client.jar if cookie.name == "sessionid")


def test_a_document_and_a_photo_uploaded_through_one_node_download_through_the_other(cluster, world):
    from communication.models import Document
    from meetings.demo import group_photo_jpeg
    from meetings.models import Attachment

    coordinator = logged_in(cluster, 1, world.coordinator, world.password)
    partner = logged_in(cluster, 2, world.partners[1].email, world.password)
    form = f"/en/discussions/p/{world.slug}/documents/new/"
    upload = coordinator.post(form, {"title": "Skills analysis", "description": "", "language": "en", "comment": ""},
                              files={"file": ("skills-analysis.pdf", PDF, "application/pdf")})
    assert upload.status == 302, upload.text[:500]
    document = Document.objects.get(pk=int(re.search(r"/documents/(\d+)/", upload.location)[1]))
    download = on_other_node(partner, f"/en/discussions/documents/{document.pk}/download/", upload.node)
    assert download.status == 200 and download.body == PDF
    assert 'filename="skills-analysis.pdf"' in download.headers["Content-Disposition"]
    # In the bucket, not on a web node's disk.
    key = f"private/{document.current_version.file.name}"
    assert cluster.seaweed.client().head_object(Bucket=BUCKET, Key=key)["ContentLength"] == len(PDF)
    assert not list((cluster.workdir / "web1").rglob("*.pdf")) and not list((cluster.workdir / "web2").rglob("*.pdf"))

    jpeg = group_photo_jpeg(480, 300)
    meeting_id = world.partners[1].meeting_id
    photo_upload = partner.post(f"/en/meetings/{meeting_id}/files/",
                                {"kind": "photo", "caption": "Study visit", "photo_consent": "on"},
                                form_page=f"/en/meetings/{meeting_id}/", files={"file": ("visit.jpg", jpeg, "image/jpeg")})
    assert photo_upload.status == 302, photo_upload.text[:500]
    photo = Attachment.objects.filter(meeting_id=meeting_id, kind="photo").latest("pk")
    shown = on_other_node(coordinator, f"/en/meetings/files/{photo.pk}/photo/", photo_upload.node)
    assert shown.status == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(shown.body).hexdigest() == hashlib.sha256(jpeg).hexdigest()


def test_failed_logins_count_across_both_nodes(cluster, world):
    email = world.partners[2].email
    client = client_for(cluster, 3)
    client.get("/en/accounts/login/")
    nodes = []
    # allauth allows 5 failed logins per account in 5 minutes ("5/5m/key"); POSTs with the
    # cookie's token alternate between the nodes.
    for _ in range(5):
        reply = client.post_with_cookie_token("/en/accounts/login/", {"login": email, "password": "wrong-password"})
        assert reply.status == 200 and "not correct" in reply.text, reply.text[:300]
        nodes.append(reply.node)
    assert set(nodes) == {WEB1, WEB2}, nodes
    for _ in range(2):  # whichever node gets it next knows about the failures on the other
        reply = client.post_with_cookie_token("/en/accounts/login/", {"login": email, "password": world.password})
        assert "Too many failed login attempts" in reply.text, (reply.node, reply.text[:300])
        nodes.append(reply.node)
    assert set(nodes[-2:]) == {WEB1, WEB2}


def test_deadline_reminders_go_out_once_with_two_workers_on_two_hosts(cluster, world):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from outbox.models import OutgoingEmail
    from projects.models import Person, Project
    from workgroups.models import DeadlineReminder, Task, WorkGroup

    from faults.harness import Sink

    cluster.smtp.handler = sink = Sink()
    project = Project.objects.get(slug=world.slug)
    group = WorkGroup.objects.get(project=project)
    people = list(get_user_model().objects.filter(email__in=[p.email for p in world.partners[:10]]))
    deadline = timezone.localdate(timezone=project.tz) + timedelta(days=7)
    for user in people:
        # Reminded 7 days ahead at midnight of their time zone: due since today 00:00.
        Person.objects.filter(user=user).update(reminder_hour=0, reminder_days="7", time_zone="Europe/Riga")
        task = Task.objects.create(work_group=group, title=f"Report for {user.email}", deadline=deadline)
        task.responsible_people.add(user)
    rows = OutgoingEmail.objects.filter(category="deadline_reminder")
    wait_for(lambda: rows.filter(status="sent").count() >= len(people), 120, what="reminders sent", interval=1)
    time.sleep(8)  # four more rounds of the 2-second beat, on both workers
    reminders = Counter(str(m["To"]) for m in sink.messages)
    assert set(reminders) >= {u.email for u in people}
    assert max(reminders[u.email] for u in people) == 1, reminders
    assert rows.count() == len(people) and DeadlineReminder.objects.filter(task__title__startswith="Report for").count() == len(people)
    worked = {name: cluster.procs[name].tail(100_000).count("received") for name in ("worker1-worker", "worker2-worker")}
    assert all(worked.values()), f"both workers take tasks from the queue: {worked}"
    print(f"\nFIGURE reminders: {len(people)} reminders, {len(sink.messages)} emails, 0 duplicates; "
          f"tasks received per worker host {worked}")


# A partner's loop that ended on an exception would quietly take its load out of the run.
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_killing_a_web_node_under_load_loses_no_acknowledged_write(cluster, world):
    partners = world.partners[:PARTNERS]
    clients = [client_for(cluster, 10 + i % 50) for i in range(len(partners))]
    killed_at: list[float] = []

    def kill_web2(began: float) -> None:
        time.sleep(LOAD_SECONDS / 3)
        killed_at.append(time.monotonic())
        cluster.procs["web2"].kill(signal.SIGKILL)

    result, began = run_load(partners, clients, world.password, LOAD_SECONDS, during=kill_web2)
    kill = killed_at[0]
    assert not result.transport_errors, result.transport_errors[:5]
    assert result.events and not result.login_failures, result.login_failures[:5]
    lost = world.loadtest.verify(partners)
    assert not any(lost.values()), lost
    # Only requests already inside web2 when it died may fail: a POST (nginx resends no POST
    # that a node received), or an answer web2 was sending (nginx had passed its headers on).
    # GETs that web2 had not answered are retried on web1, and nothing fails later.
    failed = [e for e in result.events if e.status >= 500 or e.status == CUT]
    in_flight = [e for e in failed if e.at <= kill + 1 and e.ended >= kill
                 and ((e.method == "POST" and e.status == 502) or (e.status == CUT and e.node == WEB2))]
    assert failed == in_flight, ([(e, kill) for e in failed if e not in in_flight][:5], cluster.lb_error_log[-3000:])
    # Before the kill both nodes are up: no request needed a second try. (A GET that nginx
    # retried on the other node hides a failed connection to a live node, the thing that
    # turns into a 502 for a POST: an idle connection the node closed while nginx reused it.)
    retried = [e for e in result.events if e.ended < kill and "," in e.upstreams]
    assert not retried, (retried[:5], cluster.lb_error_log[-3000:])
    assert len(failed) <= len(partners)
    after = [e for e in result.events if e.at > kill + 1]
    assert after and all(e.node == WEB1 for e in after), Counter(e.node for e in after)
    before = Counter(e.node for e in result.events if e.at < kill - 0.5)
    assert before[WEB1] and before[WEB2], before
    # nginx saw web2 fail (what it logs depends on where each request was: refused, reset,
    # closed) and then sent it nothing more: every answer after the kill came from web1.
    noticed = [line for line in cluster.lb_error_log.splitlines() if f"upstream: \"http://{WEB2}" in line]
    assert noticed, cluster.lb_error_log[-2000:]
    writes = Counter(e.path.rsplit("/", 2)[-2] for e in result.events if e.method == "POST" and e.status == 302)
    reasons = sorted({re.sub(r"^.*?\*\d+ ", "", line).split(" while ")[0] for line in noticed})
    print(f"\nFIGURE kill: {len(partners)} partners x {LOAD_SECONDS:.0f} s, {len(result.events)} requests "
          f"({len(result.events) / LOAD_SECONDS:.1f}/s), statuses {dict(result.statuses)}, acknowledged writes {dict(writes)}, "
          f"lost {lost}, failed in flight at the kill {len(failed)} (cut off {sum(e.status == CUT for e in failed)}), answered by web1 after the kill {len(after)}; "
          f"nginx noticed: {reasons}")

    # Back in service: restarted, the node gets requests again (after fail_timeout).
    cluster.start_web("web2")
    probe = client_for(cluster, 60 - 1)
    wait_for(lambda: probe.get("/healthz").node == WEB2, 30, what="web2 back behind the load balancer", interval=0.5)


def test_a_stopped_object_store_is_a_clear_error_and_healthz_names_it(cluster, world):
    from communication.models import Document, DocumentVersion
    from meetings.models import Attachment

    coordinator = logged_in(cluster, 4, world.coordinator, world.password)
    form = f"/en/discussions/p/{world.slug}/documents/new/"
    stored = coordinator.post(form, {"title": "Before the outage", "language": "en"},
                              files={"file": ("before.pdf", PDF, "application/pdf")})
    assert stored.status == 302
    document_id = int(re.search(r"/documents/(\d+)/", stored.location)[1])
    counts = (Document.objects.count(), DocumentVersion.objects.count(), Attachment.objects.count())
    cluster.seaweed.stop()
    try:
        upload = coordinator.post(form, {"title": "During the outage", "language": "en"},
                                  files={"file": ("during.pdf", PDF, "application/pdf")})
        assert upload.status == 503 and STORE_DOWN in upload.text, (upload.status, upload.text[:300])
        meeting_id = world.partners[0].meeting_id
        photo = coordinator.post(f"/en/meetings/{meeting_id}/files/", {"kind": "document", "caption": "Agenda"},
                                 form_page=f"/en/meetings/{meeting_id}/", files={"file": ("agenda.pdf", PDF, "application/pdf")})
        assert photo.status == 503 and STORE_DOWN in photo.text, (photo.status, photo.text[:300])
        # No half-written record: no document without its file, no attachment without its file.
        assert (Document.objects.count(), DocumentVersion.objects.count(), Attachment.objects.count()) == counts
        download = coordinator.get(f"/en/discussions/documents/{document_id}/download/")
        assert download.status == 503 and STORE_DOWN in download.text
        health = coordinator.get("/healthz")
        assert health.status == 503
        body = json.loads(health.text)
        assert (body["status"], body["database"], body["broker"], body["storage"]) == ("unavailable", "ok", "ok", "unavailable")
        # The rest of the portal keeps working.
        assert coordinator.get("/en/dashboard/").status == 200
    finally:
        cluster.seaweed.start(timeout=90)
    again = coordinator.get(f"/en/discussions/documents/{document_id}/download/")
    assert again.status == 200 and again.body == PDF
