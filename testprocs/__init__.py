"""The portal's own processes in the tests that run it as separate programs: the fault
tests (faults/), the multi-host harness (hosts/, where the command is prefixed with
`ip netns exec`) and the load test (loadtest/). One wrapper, so that how a process is
started, killed like a crashed machine and read afterwards is the same for all of them.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ROOT", "Proc", "wait_for"]

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1, what: str = "condition") -> Any:
    """Poll until ``predicate`` returns something true (and return it); bounded by ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


class Proc:
    """A process (gunicorn, a Celery worker or beat, nginx, Redis …) in a session of its own,
    so that a signal reaches its children too (gunicorn's workers, Celery's pool): SIGKILL is
    a crashed machine. Its output goes to ``<logdir>/<name>.log``, appended across restarts."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logdir: Path, cwd: Path = ROOT) -> None:
        self.name = name
        self.log_path = logdir / f"{name}.log"
        # The child keeps its own copy of the descriptor; ours is closed at once.
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 30) -> None:
        """Send ``sig`` to the whole session and wait; whatever is still there after
        ``timeout`` seconds is killed."""
        if self.alive:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), as systemd does."""
        self.kill(signal.SIGTERM)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
