"""The embedded default (no PostgreSQL, no Redis): SQLite, kombu's filesystem broker, a mail folder.

A fresh checkout runs `migrate`, `seed_demo`, a Celery worker and the reminder command with
no services at all, and a deadline reminder lands in the mail folder.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from email import message_from_string, policy
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "CACHE_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "agepartners.settings",
        "DJANGO_DEBUG": "true",
        "AGEPARTNERS_VAR_DIR": str(tmp_path / "var"),
        "EMAIL_URL": f"file://{tmp_path / 'mail'}",
        "SITE_URL": "http://portal.example",
    })
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _messages(folder: Path) -> list:
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                messages.append(message_from_string(chunk, policy=policy.default))
    return messages


def test_a_deadline_reminder_lands_in_the_mail_folder_without_any_services(tmp_path: Path) -> None:
    env = _env(tmp_path)
    worker = None
    try:
        _manage(env, "migrate", "--no-input")
        _manage(env, "seed_demo")
        # Reminders wait for each person's hour (08:00 in the demo): at night nothing is
        # due, so the demo partners take theirs at midnight and the test passes at any hour.
        _manage(env, "shell", "--no-imports", "-c", "from projects.models import Person; Person.objects.update(reminder_hour=0)")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "agepartners", "worker", "--pool=solo", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        output = _manage(env, "send_deadline_reminders")
        assert worker.poll() is None, "the worker stopped: " + (worker.stderr.read().decode() if worker.stderr else "")
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=5)

    assert "Sent " in output and "Delivery: " in output
    # The folder also holds the demo's task-assignment emails; a reminder links the task and
    # the reader's reminder settings (their profile).
    reminders = [m for m in _messages(tmp_path / "mail")
                 if all(link in m.get_body(("plain",)).get_content() for link in ("/workgroups/tasks/", "/profile/"))]
    assert reminders, f"no reminder in the mail folder; the command said:\n{output}"
    text = reminders[0].get_body(("plain",)).get_content()
    assert "http://portal.example/" in text
    # Run again: everything due was sent, nothing goes twice.
    assert "Sent 0 reminder(s)" in _manage(env, "send_deadline_reminders")
