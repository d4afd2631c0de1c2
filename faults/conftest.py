"""Fixtures of the fault tests (`make faults`): a private stack per session, a clean
database and broker per test, and the portal's processes started by each test.

`make faults` runs these files (``fault_*.py``) with pytest-django switched off: this
process reaches the private PostgreSQL through Django's ORM to arrange data and check
outcomes, so it sets Django up itself once the private cluster is running.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from faults.harness import Stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    try:
        from django.conf import settings

        if settings.configured:
            pytest.skip("fault tests run in `make faults` (pytest-django off), not inside the main suite")
    except ImportError:
        pass
    stack = Stack()
    try:
        stack.start()
        stack.manage("migrate", "--noinput", "-v", "0")
        os.environ.update(stack.env)
        import django

        django.setup()
        yield stack
    finally:
        stack.destroy()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def fresh(stack: Stack, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """An empty database, an empty broker, an SMTP server that accepts everything."""
    from django.core.management import call_command
    from django.db import close_old_connections, connection

    from smtpsink import Sink

    close_old_connections()
    connection.close()
    call_command("flush", interactive=False, verbosity=0)
    stack.redis.flush()
    if not stack.smtp.running:
        stack.smtp.start()
    stack.smtp.use(Sink())
    yield stack
    if getattr(request.node, "failed_call", False):
        for proc in stack.procs:
            print(f"\n----- {proc.name} (last lines) -----\n{proc.tail(60)}")
    stack.stop_processes()
    stack.smtp.sink.release.set()
    if not stack.redis.proc or stack.redis.proc.poll() is not None:
        stack.redis.start()
    connection.close()
