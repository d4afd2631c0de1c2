"""`make bench HOSTS=1`: throughput through the load balancer with two web hosts, then with
one, in the same run (hosts/cluster.py; root).

wrk runs on the client host against nginx (TLS) with a logged-in partner's session, for
the same pages and the same time in both rounds; between them web2 is stopped and the
load balancer is left to notice. The machine has two cores shared by everything here
(nginx, both gunicorns, PostgreSQL, Redis, SeaweedFS, wrk): a second web host adds
processes, not cores, so expect a ratio near 1 that shows the overhead, not a doubling.
On separate machines the second host brings its own cores.

Knobs: HOSTS_BENCH_SECONDS (10 per round), HOSTS_BENCH_CONNECTIONS (16).
Writes bench/results/hosts-latest.json.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hosts.client import Client  # noqa: E402
from hosts.cluster import ADDRESSES, PARTNER_ADDRESSES, WEB_PORT, Cluster, wait_for  # noqa: E402

SECONDS = int(os.environ.get("HOSTS_BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("HOSTS_BENCH_CONNECTIONS", "16"))
PAGES = ["/en/dashboard/", "/en/meetings/"]


def wrk(base: str, path: str, cookie: str, seconds: int) -> dict[str, object]:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "-s", str(ROOT / "bench" / "wrk.lua"), base + path],
        env={**os.environ, "BENCH_COOKIE": cookie}, capture_output=True, text=True, timeout=seconds + 60,
    )
    match = re.search(r"^BENCHJSON (.*)$", result.stdout, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no figures: {result.stdout}{result.stderr}")
    figures = json.loads(match[1])
    figures["requests_per_second"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    return figures


def round_of(cluster: Cluster, cookie: str, label: str) -> dict[str, object]:
    figures = {path: wrk(cluster.base, path, cookie, SECONDS) for path in PAGES}
    for path, f in figures.items():
        print(f"  {label:>9} {path:<16} {f['requests_per_second']:>7} req/s  p95 {int(f['latency_us']['p95']) / 1000:.0f} ms  "
              f"errors {f['errors']}", flush=True)
    return figures


def main() -> int:
    if os.geteuid() != 0:
        print("make bench HOSTS=1 needs root (ip netns)", file=sys.stderr)
        return 1
    cluster = Cluster()
    try:
        cluster.start()
        import django

        django.setup()
        os.environ["LOAD_USERS"] = "4"
        from loadtest import run as loadtest

        partners, _slug = loadtest.seed(types.SimpleNamespace(env=cluster.env("client")))  # type: ignore[arg-type]
        client = Client(cluster.base, str(cluster.ca_file), source=PARTNER_ADDRESSES[0])
        assert client.login(partners[0].email, loadtest.PASSWORD).status == 302
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
        wrk(cluster.base, PAGES[0], cookie, 3)  # warm both nodes up
        print(f"two web hosts vs one, {CONNECTIONS} connections, {SECONDS} s per page, same run:", flush=True)
        two = round_of(cluster, cookie, "two hosts")
        cluster.procs["web2"].kill(signal.SIGTERM)
        web1 = f"{ADDRESSES['web1']}:{WEB_PORT}"
        wait_for(lambda: all(client.get("/healthz").node == web1 for _ in range(4)), 30, what="only web1 behind the load balancer")
        one = round_of(cluster, cookie, "one host")
        ratios = {path: round(two[path]["requests_per_second"] / max(one[path]["requests_per_second"], 0.1), 2)  # type: ignore[operator]
                  for path in PAGES}
        report = {
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(),
            "connections": CONNECTIONS, "seconds_per_page": SECONDS,
            "gunicorn_per_host": "2 workers x 8 threads", "two_hosts": two, "one_host": one,
            "ratio_two_to_one": ratios,
            "note": "all hosts share this machine's cores: the ratio shows the overhead of a second host, not a doubling",
        }
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "hosts-latest.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"ratio two hosts / one host: {ratios} (on {os.cpu_count()} shared cores: overhead, not a doubling)")
        return 0
    finally:
        cluster.destroy()


if __name__ == "__main__":
    sys.exit(main())
