"""The embedded default that `make run` uses, booted for real: SQLite, kombu's filesystem
broker, a Celery worker and emails written as files. No PostgreSQL, no Redis, no SMTP."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


class Processes:
    """Subprocesses of one test; all of them are killed at the end, whatever happens."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.running = env, logs, []

    def run(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
        # A newcomer's first commands print no warning (W040 on SQLite was one).
        assert "System check identified" not in result.stdout + result.stderr, result.stdout + result.stderr
        return result.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        # A session of its own, so the whole group (runserver's children too) can be stopped.
        process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append((process, log))
        return process

    def stop_all(self) -> None:
        for process, log in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=15)
            log.close()

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[Processes, Path, int]]:
    var, mail, logs = tmp_path / "var", tmp_path / "mail", tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}  # no DATABASE_URL, no CELERY_BROKER_URL
    env.update(
        DJANGO_SETTINGS_MODULE="agepartners.settings", DJANGO_DEBUG="true", AGEPARTNERS_VAR_DIR=str(var),
        EMAIL_URL=f"file://{mail}", SITE_URL=f"http://127.0.0.1:{port}", PYTHONUNBUFFERED="1",
    )
    processes = Processes(env, logs)
    try:
        yield processes, mail, port
    finally:
        processes.stop_all()


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # an answer (e.g. /healthz's 503 before a worker runs)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def test_the_embedded_default_serves_the_demo_and_its_worker_delivers_email(embedded):
    processes, mail, port = embedded
    base = f"http://127.0.0.1:{port}"

    processes.run("manage.py", "migrate", "--noinput")
    output = processes.run("manage.py", "seed_demo")
    assert "partner@magdeburg.example" in output

    server = processes.start("web", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
    _wait_for_http(f"{base}/healthz", server)
    with urllib.request.urlopen(f"{base}/en/", timeout=10) as response:
        assert response.status == 200
        assert "Administration go Europe!" in response.read().decode()
    # News search answers on SQLite too (PostgreSQL's full-text search is not there).
    with urllib.request.urlopen(f"{base}/en/news/search/?q=Magdeburg", timeout=10) as response:
        assert response.status == 200
        assert 'class="news-items"' in response.read().decode()
    health = _health(base)
    # SQLite and the filesystem broker both count as up; no worker or beat runs yet, and
    # /healthz says so.
    assert (health["database"], health["broker"]) == ("ok", "ok")
    assert (health["status"], health["worker"], health["beat"]) == ("unavailable", "unavailable", "late")

    processes.start("worker", "-m", "celery", "-A", "agepartners", "worker", "--pool=solo", "--loglevel=INFO")

    # A visitor asks for a password reset on the served site, as a browser would.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/de/accounts/password/reset/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "partner@magdeburg.example"}).encode()
    with opener.open(urllib.request.Request(f"{base}/de/accounts/password/reset/", data=data), timeout=30) as response:
        assert response.status == 200 and "/de/accounts/password/reset/done/" in response.url

    # The coordinator's project report answers on SQLite too (no PostgreSQL-only queries).
    form = opener.open(f"{base}/en/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": "coordinator@daugavpils.example",
                                   "password": "partners2012"}).encode()
    opener.open(urllib.request.Request(f"{base}/en/accounts/login/", data=data), timeout=30).read()
    with opener.open(f"{base}/en/reports/projects/administration-go-europe/report/", timeout=30) as response:
        assert response.status == 200 and 'class="report-charts"' in response.read().decode()

    text = _wait_for_mail(mail, "To: partner@magdeburg.example", processes)
    assert f"{base}/de/accounts/password/reset/key/" in text  # an absolute link, in the asker's language
    assert "outbox.tasks.deliver" in processes.log("worker")  # the worker sent it, not the web process
    health = _health(base)
    assert (health["worker"], health["outbox"]) == ("ok", "ok")  # its heartbeat, on SQLite too

    # A deadline reminder, as beat would ask for it: through the broker to the worker, then the outbox.
    # Reminders wait for each person's hour (08:00 in the demo); at night nothing would be
    # due, so the demo partners take theirs at midnight and the test passes at any hour.
    due = processes.run("manage.py", "shell", "--no-imports", "-c", (
        "from projects.models import Person; Person.objects.update(reminder_hour=0); "
        "from workgroups import reminders; "
        "print(' '.join(sorted({p.user.email for p in reminders.sweep(dry_run=True).planned})))")).split()
    assert due, "the demo timeline has no deadline reminder due"
    processes.run("-m", "celery", "-A", "agepartners", "call", "workgroups.tasks.sweep_deadline_reminders")
    for address in due:
        _wait_for_mail(mail, f"To: {address}", processes)
    assert "workgroups.tasks.sweep_deadline_reminders" in processes.log("worker")


def _health(base: str) -> dict:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        assert exc.code == 503
        return json.loads(exc.read())


def _wait_for_mail(folder: Path, needle: str, processes: Processes, timeout: float = 90) -> str:
    """The text of the first email file in ``folder`` that contains ``needle``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.log")) if folder.exists() else []:
            for message in path.read_text(errors="replace").split("-" * 79):
                if needle in message:
                    return message
        time.sleep(0.5)
    raise AssertionError(f"no email with {needle!r} in {folder}; worker log:\n" + processes.log("worker")[-3000:])
