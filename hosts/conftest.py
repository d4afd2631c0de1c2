"""Fixtures of the multi-host harness (`make hosts`, and its short version in `make test`):
one cluster of network hosts for the whole session, torn down in a finally.

Runs with pytest-django switched off (like faults/): this process is the client host and
reaches the services host's PostgreSQL through Django's ORM to arrange data and check
outcomes, so it sets Django up itself once the cluster runs."""
from __future__ import annotations

import os
import shutil
import types
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pytest

from hosts.cluster import ROOT, Cluster

QUICK = os.environ.get("HOSTS_QUICK", "") not in ("", "0")
PARTNERS = int(os.environ.get("HOSTS_PARTNERS", "12" if QUICK else "50"))
LOAD_SECONDS = float(os.environ.get("HOSTS_LOAD_SECONDS", "15" if QUICK else "60"))


@pytest.fixture(scope="session")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    try:
        from django.conf import settings

        if settings.configured:
            pytest.skip("the multi-host harness runs in `make hosts` (pytest-django off), not inside the main suite")
    except ImportError:
        pass
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.fail("the multi-host harness needs root and iproute2 (ip netns): run `make hosts` as root")
    cluster = Cluster()
    try:
        cluster.start()
        import django

        django.setup()
        yield cluster
    finally:
        for proc in cluster.procs.values():
            if not proc.alive and proc.name not in ("web2",):
                print(f"\n----- {proc.name} exited; last lines -----\n{proc.tail(30)}")
        # The logs outlive the run when asked for (HOSTS_LOGS=folder) or when a check failed.
        keep = os.environ.get("HOSTS_LOGS") or (request.session.testsfailed and str(ROOT / "var" / "hosts-logs"))
        if keep:
            cluster.keep_logs(Path(keep))
            print(f"\nhosts: the nodes' logs are in {keep}")
        cluster.destroy()


@pytest.fixture(scope="session")
def world(cluster: Cluster) -> Any:
    """The load test's partnership (loadtest/run.py): a coordinator, PARTNERS partners, each
    with a task, a meeting, discussions."""
    os.environ["LOAD_USERS"] = str(PARTNERS)
    from loadtest import run as loadtest

    partners, slug = loadtest.seed(types.SimpleNamespace(env=cluster.env("client")))  # type: ignore[arg-type]
    return types.SimpleNamespace(partners=partners, slug=slug, password=loadtest.PASSWORD,
                                 coordinator="inese@daugavpils.example", loadtest=loadtest)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """The shared Redis cache holds the login rate limits: each check starts clean
    (overrides the root conftest's, which needs pytest-django's settings)."""
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()
    yield
