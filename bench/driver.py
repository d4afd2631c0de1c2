"""The benchmark's driver, one step per sub-command (bench/run.sh calls them in order).

    prepare  log in a few hundred partners, pick each one's pages, write var/bench/targets.json
    cpu      in-process: server CPU and queries of every page, for every partner
    load     wrk at each concurrency against gunicorn, a different partner per request
    sweep    the deadline-reminder sweep over the whole data set (no worker running)
    deliver  wait for the Celery worker to deliver the sweep's emails to the sink
    double   copy the data of some partners' projects; their pages' queries must not change
    report   one table in Markdown and JSON under bench/results/

Every page is measured as a first visit gets it: nothing is cached between requests
(bench/run.sh turns the page cache off and gives the portal Django's dummy cache), and
the load rotates over the sessions of at least 200 different partners (BENCH_PARTNERS),
so no request is one partner reloading one page.

Run with DJANGO_SETTINGS_MODULE=bench.settings. Every loop is bounded in count and
time, and all traffic goes to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime, timezone as dt_timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_WORK_DIR", ROOT / "var" / "bench"))
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
BASE_URL = os.environ.get("BENCH_BASE_URL", "http://127.0.0.1:8765")
QUERY_BUDGET = 12
PARTNERS = int(os.environ.get("BENCH_PARTNERS", "240"))
# The targets of issue 13 and the figures it gives for the code before it (scale 1, this
# machine class, page cache off).
CPU_BUDGET_MS = 15.0
THROUGHPUT_FLOOR = 0.8  # no page more than 20 % below the baseline
SWEEP_LIMIT_S = 30.0
DELIVERY_FLOOR = 300.0
RSS_LIMIT_MB = 150.0
ISSUE_BASELINE = {
    "cpu_ms": "5–16 ms", "dashboard_p50_c1_ms": 26.0, "dashboard_rps_c32": 70.0, "dashboard_p95_c32_ms": 520.0,
    "sweep_s": 6.8, "delivery_eps": 650.0, "worker_rss_mb": 107.0,
}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _write(name: str, data: Any) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / name).write_text(json.dumps(data, indent=2, default=str))


def _read(name: str, default: Any = None) -> Any:
    path = WORK / name
    return json.loads(path.read_text()) if path.exists() else default


def _peak_rss_mb() -> float:
    """This process's peak RSS so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --- prepare ----------------------------------------------------------------------------


def _reverse_first(names: list[str], *args_options: tuple[Any, ...]) -> str | None:
    """The first of ``names`` that reverses with one of the argument tuples."""
    from django.urls import NoReverseMatch, reverse

    for name in names:
        for args in args_options or ((),):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return None


def _feed_url(person: Any) -> str | None:
    """The personal calendar feed: the pattern of meetings/feed_urls.py that takes the token."""
    from django.urls import NoReverseMatch, reverse

    try:
        from meetings import feed_urls
    except ImportError:
        return None
    for pattern in getattr(feed_urls, "urlpatterns", []):
        name = getattr(pattern, "name", None)
        if not name:
            continue
        for candidate in (name, f"meetings:{name}", f"meetings_feed:{name}"):
            for args in ((person.calendar_token,), (person.pk, person.calendar_token)):
                try:
                    return reverse(candidate, args=args)
                except NoReverseMatch:
                    continue
    return None


def _bench_article(user: Any, offset: int = 0) -> Any:
    """A live article of one of ``user``'s projects: the ``offset``-th newest."""
    from django.apps import apps

    try:
        Article = apps.get_model("news", "Article")
    except LookupError:
        return None
    from projects import permissions

    qs = Article.objects.live() if hasattr(Article.objects, "live") else Article.objects.all()
    if any(f.name == "project" for f in Article._meta.get_fields()):
        qs = permissions.scope_for_member(qs, user)
    field = next((f for f in ("publish_at", "published_at", "created_at") if any(x.name == f for x in Article._meta.get_fields())), "pk")
    qs = qs.select_related("project").order_by(f"-{field}", "-pk")
    return qs[offset:offset + 1].first() or qs.first()


def _partners(limit: int) -> list[Any]:
    """``limit`` partner members (not coordinators or staff) spread evenly over all of
    them, the benchmark's own partner first."""
    from django.contrib.auth import get_user_model

    from bench.seed import BENCH_PARTNER_EMAIL
    from projects.models import Membership

    User = get_user_model()
    ids = sorted(set(Membership.objects.filter(role=Membership.Role.MEMBER, user__is_active=True, user__is_staff=False)
                     .values_list("user_id", flat=True)))
    first = User.objects.get(email=BENCH_PARTNER_EMAIL).pk
    ids = [i for i in ids if i != first]
    step = max(1.0, len(ids) / max(1, limit - 1))
    chosen = [first] + [ids[int(k * step)] for k in range(min(len(ids), limit - 1))]
    users = User.objects.select_related("person").in_bulk(chosen)
    return [users[i] for i in chosen]


def cmd_prepare(args: argparse.Namespace) -> None:
    _setup_django()
    from django.apps import apps
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.crypto import get_random_string

    from outbox.services import record_heartbeat
    from projects import permissions

    # In a deployment beat and a worker run beside the web nodes and /healthz asks for
    # their heartbeats; the benchmark keeps the cores for the pages while it loads them,
    # so it writes the heartbeats they would have written (run.sh widens HEALTHZ_*_MAX_AGE
    # to the length of the run).
    record_heartbeat("beat")
    record_heartbeat("worker")

    Meeting = apps.get_model("meetings", "Meeting")
    partners = _partners(args.partners)
    names = ["dashboard", "my tasks", "meeting detail", "news list", "news detail", "calendar feed", "healthz"]
    requests: dict[str, list[list[str]]] = {name: [] for name in names}
    people = []
    now = timezone.now()
    for k, user in enumerate(partners):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        # A browser sends its CSRF cookie along from its first page on; so does the
        # benchmark (a secret of the form Django's CSRF middleware hands out).
        csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; {settings.CSRF_COOKIE_NAME}={csrf}"
        with translation.override(user.person.language):
            requests["dashboard"].append([reverse("dashboard"), cookie])
            path = _reverse_first(["workgroups:my_tasks"])
            if path:
                requests["my tasks"].append([path, cookie])
            mine = permissions.scope_for_member(Meeting.objects.all(), user)
            meeting = (mine.filter(participations__user=user, starts_at__gte=now).order_by("starts_at").first()
                       or mine.order_by("-starts_at").first())
            if meeting is not None:
                path = _reverse_first(["meetings:detail", "meetings:meeting_detail"], (meeting.pk,))
                if path:
                    requests["meeting detail"].append([path, cookie])
            path = _reverse_first(["news:list"])
            if path:
                requests["news list"].append([path, cookie])
            article = _bench_article(user, offset=k % 10)
            if article is not None:
                requests["news detail"].append([article.get_absolute_url(), cookie])
        # A calendar program fetches the feed by its secret URL, without a session.
        path = _feed_url(user.person)
        if path:
            requests["calendar feed"].append([path, ""])
        # A load balancer's health check: no session either.
        requests["healthz"].append([reverse("healthz"), ""])
        people.append({"email": user.email, "language": user.person.language, "cookie": cookie})
    targets = [{"name": n, "requests": requests[n]} for n in names if requests[n]]
    for n in names:
        if not requests[n]:
            print(f"  (skipped {n}: not built yet)")
    languages = Counter(p["language"] for p in people)
    _write("targets.json", {"partners": people, "languages": dict(languages), "targets": targets})
    print(f"  {len(people)} partners logged in ({', '.join(f'{n} {lang}' for lang, n in languages.most_common())})")
    for t in targets:
        print(f"  {t['name']:<16} {len(t['requests']):>4} requests, e.g. {t['requests'][0][0]}")


# --- cpu --------------------------------------------------------------------------------


_CLIENT: Any = None


def _client_for(cookie: str) -> Any:
    """The one test client (a new one would load the middleware again), with these cookies."""
    global _CLIENT
    from django.test import Client

    if _CLIENT is None:
        _CLIENT = Client(HTTP_HOST="127.0.0.1")
    _CLIENT.cookies.clear()
    for pair in filter(None, cookie.split("; ")):
        name, value = pair.split("=", 1)
        _CLIENT.cookies[name] = value
    return _CLIENT


def _in_process(path: str, cookie: str) -> dict[str, Any]:
    """One request through Django's test client: status, bytes, queries, CPU ms."""
    from django.db import connection

    client = _client_for(cookie)
    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    start = time.process_time()
    with connection.execute_wrapper(counter):
        response = client.get(path)
    cpu = (time.process_time() - start) * 1000
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return {"status": response.status_code, "bytes": len(body), "queries": count, "cpu_ms": cpu}


def _spread(values: list[float]) -> dict[str, Any]:
    if not values:
        return {}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median": round(statistics.median(ordered), 2), "p95": round(p95, 2), "min": round(ordered[0], 2),
            "max": round(ordered[-1], 2)}


def _every_nth(items: list[Any], count: int) -> list[Any]:
    """``count`` of ``items``, spread evenly over them."""
    step = max(1, len(items) // max(1, count))
    return items[::step][:count]


def _warm(reqs: list[list[str]]) -> None:
    """Warm per-process state (templates, each language's catalogue), as a running
    server has it: a few requests in every language among ``reqs``."""
    first_of: dict[str, list[str]] = {}
    for req in reqs:
        first_of.setdefault(req[0].split("/")[1], req)
    for req in first_of.values():
        for _ in range(3):
            _in_process(*req)


def cmd_cpu(args: argparse.Namespace) -> None:
    """Server CPU time and queries per request of each page, in-process through the test
    client, once for every partner (a first visit each: nothing is cached).

    Throughput on a shared two-core machine moves with whatever else runs; the CPU a
    request costs does not, so it is measured too. ``--profile`` writes the top
    functions of each page (cProfile, over the first 20 partners) to
    var/bench/profile-<page>.txt.
    """
    _setup_django()
    import cProfile
    import pstats

    plan = _read("targets.json")
    rows = []
    sizes = []
    load_before = os.getloadavg()
    only = {name.strip() for name in args.pages.split(",") if name.strip()}
    for target in plan["targets"]:
        if only and target["name"] not in only:
            continue
        reqs = _every_nth(target["requests"], args.sample)
        _warm(reqs)
        runs = [_in_process(path, cookie) for path, cookie in reqs]
        bad = [(reqs[i][0], r["status"]) for i, r in enumerate(runs) if r["status"] != 200]
        row = {"page": target["name"], "partners": len(runs), "not_200": bad[:5], "not_200_count": len(bad),
               "cpu_ms": _spread([r["cpu_ms"] for r in runs]), "queries": _spread([r["queries"] for r in runs]),
               "bytes": int(statistics.median(r["bytes"] for r in runs))}
        rows.append(row)
        if target["name"] not in ("healthz", "calendar feed"):
            sizes.append(row["bytes"])
        print(f"  {row['page']:<16} {len(runs)} partners: CPU median {row['cpu_ms']['median']:>6.1f} ms "
              f"(p95 {row['cpu_ms']['p95']:.1f}, max {row['cpu_ms']['max']:.1f}); queries {row['queries']['min']:.0f}–"
              f"{row['queries']['max']:.0f}; {row['bytes']:,} bytes; not HTTP 200: {len(bad)}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for path, cookie in reqs[:20]:
                _in_process(path, cookie)
            profiler.disable()
            with open(WORK / f"profile-{_slug(target['name'])}.txt", "w") as fh:
                pstats.Stats(profiler, stream=fh).sort_stats("cumulative").print_stats(60)
    ceiling_size = int(statistics.median(sizes)) if sizes else 20000
    reqs = _every_nth([[f"/bench/ceiling/{ceiling_size}", p["cookie"]] for p in plan["partners"]], args.sample)
    _warm(reqs)
    runs = [_in_process(path, cookie) for path, cookie in reqs]
    rows.insert(0, {"page": "ceiling", "partners": len(runs), "not_200": [], "not_200_count": 0,
                    "cpu_ms": _spread([r["cpu_ms"] for r in runs]), "queries": _spread([r["queries"] for r in runs]),
                    "bytes": ceiling_size})
    print(f"  {'ceiling':<16} CPU median {rows[0]['cpu_ms']['median']:>6.1f} ms; {ceiling_size:,} bytes")
    for row in rows[1:]:
        if rows[0]["cpu_ms"].get("median"):
            print(f"  {row['page']:<16} x {row['cpu_ms']['median'] / rows[0]['cpu_ms']['median']:.1f} ceiling")
    _write("cpu.json", {"rows": rows, "ceiling_bytes": ceiling_size, "sample": args.sample,
                        "loadavg_before": [round(x, 2) for x in load_before],
                        "loadavg_after": [round(x, 2) for x in os.getloadavg()]})


# --- load -------------------------------------------------------------------------------


def _get(path: str, cookie: str) -> tuple[int, int, int | None, float]:
    headers = {"Accept-Encoding": "identity", **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(BASE_URL + path, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
            body = response.read()
            status = response.status
            queries = response.headers.get("X-Bench-Queries")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        status = exc.code
        queries = exc.headers.get("X-Bench-Queries")
    return status, len(body), int(queries) if queries is not None else None, time.perf_counter() - start


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


urllib.request.install_opener(urllib.request.build_opener(_NoRedirect))


def _served_pass(targets: list[dict[str, Any]], warm: int = 10, sample: int = 10) -> None:
    """Status and queries of each page as gunicorn serves it (the bench middleware's
    header), over ``sample`` partners after ``warm`` requests.

    The first request a gunicorn worker serves on a new database connection also runs
    django.contrib.postgres's type look-ups (two queries, once per process), so the
    steady state is read after ``warm`` requests have reached every worker."""
    for target in targets:
        reqs = target["requests"]
        runs = [_get(*reqs[i % len(reqs)]) for i in range(warm + sample)]
        counts = [r[2] for r in runs if r[2] is not None]
        steady = counts[warm:] or counts
        target["served"] = {"statuses": dict(Counter(str(r[0]) for r in runs[warm:])),
                            "queries_first": counts[0] if counts else None,
                            "queries_min": min(steady) if steady else None, "queries_max": max(steady) if steady else None}
        print(f"  {target['name']:<16} HTTP {target['served']['statuses']}  queries {target['served']['queries_min']}–"
              f"{target['served']['queries_max']} (first request {target['served']['queries_first']})")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_ticks(pid: int) -> int | None:
    """User + system CPU of a process so far, in clock ticks (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


class MemorySampler:
    """Samples the RSS of a process tree, and keeps each process's peak (VmHWM)."""

    def __init__(self, root_pid: int, include_root: bool = False, extra: list[int] | None = None) -> None:
        self.root_pid = root_pid
        self.include_root = include_root
        self.extra = extra or []
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def pids(self) -> list[int]:
        pids = _children(self.root_pid)
        return ([self.root_pid] if self.include_root else []) + pids

    def sample(self) -> None:
        for pid in self.pids() + self.extra:
            peak = _status_kb(pid, "VmHWM") or _status_kb(pid, "VmRSS")
            if peak is not None:
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    def summary(self, pids: list[int] | None = None) -> dict[str, Any]:
        peaks = sorted(v for k, v in self.peaks.items() if pids is None or k in pids)
        return {"processes": len(peaks), "peak_rss_mb_max": round(peaks[-1] / 1024, 1) if peaks else None,
                "peak_rss_mb_each": [round(p / 1024, 1) for p in peaks]}


class ServerCpu:
    """CPU ticks of the gunicorn processes and of the PostgreSQL backends serving them
    (connections to the benchmark's database other than the driver's own)."""

    def __init__(self, master: int) -> None:
        from django.db import connection

        self.master = master
        self.connection = connection
        self.hz = os.sysconf("SC_CLK_TCK")

    def _backends(self) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> dict[str, dict[int, int]]:
        return {"gunicorn": {p: t for p in [self.master, *_children(self.master)] if (t := _cpu_ticks(p)) is not None},
                "db": {p: t for p in self._backends() if (t := _cpu_ticks(p)) is not None}}

    def ms_between(self, before: dict[str, dict[int, int]], after: dict[str, dict[int, int]]) -> dict[str, float]:
        """CPU ms per kind between two snapshots (a process born in between counts from 0)."""
        return {kind: sum(t - before[kind].get(p, 0) for p, t in after[kind].items()) * 1000 / self.hz for kind in after}


def _wrk(target: dict[str, Any], connections: int, seconds: float) -> dict[str, Any]:
    threads = max(1, min(connections, int(os.environ.get("BENCH_WRK_THREADS", "2"))))
    requests_file = WORK / f"requests-{_slug(target['name'])}.tsv"
    if not requests_file.exists():
        requests_file.write_text("".join(f"{path}\t{cookie}\n" for path, cookie in target["requests"]))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "wrk.lua"), BASE_URL + target["requests"][0][0]]
    env = {**os.environ, "BENCH_REQUESTS": str(requests_file), "BENCH_HOST": BASE_URL.split("://", 1)[1].split("/")[0]}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            data = json.loads(line[len("BENCHJSON "):])
            secs = data["duration_us"] / 1e6
            errors = sum(data["errors"].values())
            return {
                "requests": data["requests"], "rps": round(data["requests"] / secs, 1) if secs else 0.0,
                "p50_ms": round(data["latency_us"]["p50"] / 1000, 2), "p95_ms": round(data["latency_us"]["p95"] / 1000, 2),
                "p99_ms": round(data["latency_us"]["p99"] / 1000, 2), "max_ms": round(data["latency_us"]["max"] / 1000, 2),
                "errors": errors, "error_detail": data["errors"],
            }
    raise RuntimeError(f"wrk gave no result for {target['name']}: {proc.stdout[-500:]} {proc.stderr[-500:]}")


def _drain(path: str, cookie: str, limit_s: float = 60.0) -> None:
    """Wait until the server has worked off the requests a finished wrk run left queued
    (sync workers finish requests whose client is gone), so no cell inherits a backlog."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if _get(path, cookie)[3] < 0.2:
                return
        except (OSError, urllib.error.URLError):  # a timeout: the backlog is still there
            pass
        time.sleep(0.2)


def cmd_load(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (bench/run.sh installs Debian's package).")
    _setup_django()
    plan = _read("targets.json")
    cpu = _read("cpu.json", {})
    ceiling_size = cpu.get("ceiling_bytes", 20000)
    ceiling = {"name": "ceiling", "requests": [[f"/bench/ceiling/{ceiling_size}", p["cookie"]] for p in plan["partners"]]}
    targets = [ceiling] + plan["targets"]
    print("Queries and status as gunicorn serves the pages:")
    _served_pass(targets)
    broken = [t["name"] for t in targets if set(t["served"]["statuses"]) != {"200"}]
    if broken:
        print(f"  not always HTTP 200 (kept in the load, errors counted): {', '.join(broken)}")
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    master = int(Path(args.gunicorn_pid_file).read_text().strip())
    server = ServerCpu(master)
    drain = ceiling["requests"][0]
    print(f"Load: {len(targets)} pages x concurrency {concurrencies}, {args.duration}s each (+{args.warmup}s warm-up per page), "
          f"rotating over {len(plan['partners'])} partners")
    for target in targets:
        _wrk(target, 8, args.warmup)
        _drain(*drain)
    results: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    with MemorySampler(master, include_root=True) as memory:
        for c in concurrencies:
            # Interleave pages within each concurrency so drift of the machine hits all alike.
            for target in targets:
                before = server.snapshot()
                row = {"page": target["name"], "concurrency": c, "distinct_requests": len(target["requests"]),
                       **_wrk(target, c, args.duration)}
                spent = server.ms_between(before, server.snapshot())
                row["gunicorn_cpu_ms"] = round(spent["gunicorn"] / row["requests"], 2) if row["requests"] else None
                row["db_cpu_ms"] = round(spent["db"] / row["requests"], 2) if row["requests"] else None
                results.append(row)
                _drain(*drain)
                print(f"  c={c:<3} {target['name']:<16} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:>7.1f} ms  "
                      f"p95 {row['p95_ms']:>7.1f} ms  p99 {row['p99_ms']:>7.1f} ms  CPU/req gunicorn "
                      f"{row['gunicorn_cpu_ms']} ms, db {row['db_cpu_ms']} ms  errors {row['errors']}")
    _write("load.json", {"loadavg_before": [round(x, 2) for x in load_before],
                         "loadavg_after": [round(x, 2) for x in os.getloadavg()], "ceiling_bytes": ceiling_size,
                         "concurrencies": concurrencies, "duration_s": args.duration, "partners": len(plan["partners"]),
                         "languages": plan.get("languages"), "rows": results, "not_always_200": broken,
                         "gunicorn_memory": memory.summary(),
                         "pages": [{"name": t["name"], "distinct_requests": len(t["requests"]), **t["served"]} for t in targets]})


# --- sweep ------------------------------------------------------------------------------


def _measured(fn: Any) -> dict[str, Any]:
    """Wall and CPU seconds, queries and new outbox rows of one call."""
    from django.db import connection

    from outbox.models import OutgoingEmail

    before = OutgoingEmail.objects.count()
    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    start, cpu_start = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        result = fn()
    return {"seconds": round(time.perf_counter() - start, 2), "cpu_seconds": round(time.process_time() - cpu_start, 2),
            "queries": count, "emails": OutgoingEmail.objects.count() - before, "result": result}


def cmd_sweep(args: argparse.Namespace) -> None:
    """The deadline-reminder sweep three times: first over the whole data set (every
    reminder due at once), again at once (nothing new: the cost of a quiet 15-minute
    run), and as the next day's run (a day's new occasions)."""
    _setup_django()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    try:
        from workgroups.tasks import sweep_deadline_reminders
    except ImportError:
        print("  workgroups.tasks.sweep_deadline_reminders does not exist yet: sweep skipped")
        _write("sweep.json", {"available": False})
        return
    Task = _task_model()
    open_tasks = Task.objects.filter(status__in=["open", "in_progress"]).count() if Task else None
    people = get_user_model().objects.filter(is_active=True).count()
    data: dict[str, Any] = {"available": True, "open_tasks": open_tasks, "people": people}
    data.update(_measured(sweep_deadline_reminders))
    _reminder_count(data)
    print(f"  first sweep: {open_tasks} open tasks, {people} people: {data['emails']} emails in {data['seconds']} s "
          f"({data['cpu_seconds']} s CPU) with {data['queries']} queries (result: {data['result']})")
    data["repeat"] = _measured(sweep_deadline_reminders)
    print(f"  repeated at once: {data['repeat']['emails']} emails in {data['repeat']['seconds']} s, {data['repeat']['queries']} queries")
    try:
        from workgroups import reminders
    except ImportError:
        reminders = None
    if reminders is not None and hasattr(reminders, "sweep"):
        tomorrow = timezone.now() + timedelta(days=1)

        def next_day() -> dict[str, int]:
            result = reminders.sweep(now=tomorrow)
            return {"reminders": len(result.planned), "emails": len(result.email_ids)}

        data["next_day"] = _measured(next_day)
        print(f"  next day: {data['next_day']['emails']} emails in {data['next_day']['seconds']} s, "
              f"{data['next_day']['queries']} queries (result: {data['next_day']['result']})")
    # In production the sweep runs inside a Celery worker process; here this process is it.
    data["peak_rss_mb"] = _peak_rss_mb()
    print(f"  peak RSS of the sweeping process: {data['peak_rss_mb']} MB")
    _write("sweep.json", data)


def _task_model() -> Any:
    from django.apps import apps

    try:
        return apps.get_model("workgroups", "Task")
    except LookupError:
        return None


def _reminder_count(data: dict[str, Any]) -> None:
    """Reminder rows, when the work-groups app records them (one per task and day)."""
    from django.apps import apps

    for model in apps.get_app_config("workgroups").get_models():
        if "reminder" in model.__name__.lower():
            data.setdefault("reminder_rows", {})[model.__name__] = model.objects.count()


# --- deliver ----------------------------------------------------------------------------


def cmd_deliver(args: argparse.Namespace) -> None:
    _setup_django()
    from django.db.models import Count, Max, Min

    from outbox.models import OutgoingEmail

    sweep = _read("sweep.json", {})
    expected = OutgoingEmail.objects.filter(status__in=["queued", "sending"]).count()
    # Bounded, and long enough for the data set: at least 100 emails/s, or 300 s.
    timeout = args.timeout or max(300.0, expected / 100)
    worker = int(args.worker_pid)
    deadline = time.monotonic() + timeout
    sink_file = Path(args.sink_count_file)
    start = time.monotonic()
    sink = [int(args.sink_pid)] if args.sink_pid else []
    with MemorySampler(worker, include_root=True, extra=sink) as memory:
        while time.monotonic() < deadline:
            pending = OutgoingEmail.objects.filter(status__in=["queued", "sending"]).count()
            if pending == 0:
                break
            time.sleep(0.25)
    waited = time.monotonic() - start
    by_status = dict(OutgoingEmail.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    window = OutgoingEmail.objects.filter(status="sent").aggregate(first=Min("sent_at"), last=Max("sent_at"))
    sent = by_status.get("sent", 0)
    span = (window["last"] - window["first"]).total_seconds() if window["first"] and window["last"] else 0.0
    received = None
    for _ in range(25):  # the sink writes its count a few times a second
        received = int(sink_file.read_text() or 0) if sink_file.exists() else None
        if received is None or received >= sent:
            break
        time.sleep(0.2)
    worker_pids = [p for p in memory.peaks if p not in sink]
    data = {"expected": expected, "sent": sent, "by_status": by_status, "received_by_sink": received,
            "seconds_first_to_last": round(span, 2), "seconds_waited": round(waited, 2),
            "emails_per_second": round(sent / span, 1) if span > 0 else None,
            "timed_out": waited >= timeout, "timeout_s": round(timeout), "worker_memory": memory.summary(worker_pids),
            "sink_memory": memory.summary(sink) if sink else None,
            "worker_concurrency": os.environ.get("BENCH_WORKER_CONCURRENCY")}
    sweep["delivery"] = data
    _write("sweep.json", sweep)
    print(f"  {sent}/{expected} sent, sink received {received}, {data['emails_per_second']} emails/s "
          f"(first to last {span:.1f} s), worker peak RSS {data['worker_memory']['peak_rss_mb_max']} MB")


# --- double -----------------------------------------------------------------------------


def cmd_double(args: argparse.Namespace) -> None:
    """Queries of every page for a few partners, then again after every meeting, task,
    article and discussion of their projects was copied once: they must be equal."""
    _setup_django()
    from django.contrib.auth import get_user_model

    from bench.seed import double_projects
    from projects.models import Membership

    plan = _read("targets.json")
    partners = plan["partners"]
    step = max(1, len(partners) // max(1, args.partners))
    chosen = list(range(0, len(partners), step))[: args.partners]
    pages = {t["name"]: t["requests"] for t in plan["targets"]}

    def measure() -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for name, reqs in pages.items():
            picked = [reqs[i] for i in chosen if i < len(reqs)]
            _warm(picked)
            out[name] = [_in_process(path, cookie)["queries"] for path, cookie in picked]
        return out

    before = measure()
    emails = [partners[i]["email"] for i in chosen]
    users = get_user_model().objects.filter(email__in=emails)
    projects = set(Membership.objects.filter(user__in=users).values_list("project_id", flat=True))
    start = time.perf_counter()
    copied = double_projects(projects)
    seconds = round(time.perf_counter() - start, 1)
    after = measure()
    grew = {name: [before[name], after[name]] for name in pages if after[name] != before[name]}
    data = {"partners": len(chosen), "projects": len(projects), "copied": copied, "seconds": seconds,
            "before": before, "after": after, "changed": grew}
    _write("double.json", data)
    print(f"  {len(chosen)} partners, {len(projects)} projects doubled in {seconds} s ({copied})")
    for name in pages:
        print(f"  {name:<16} queries {before[name]} -> {after[name]}{'  CHANGED' if name in grew else ''}")


# --- report -----------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


class Figures:
    """Read access to one run's results (this run's, the baseline's, or scale 1's)."""

    def __init__(self, data: dict[str, Any] | None) -> None:
        self.data = data or {}
        self.cpu = {r["page"]: r for r in self.data.get("cpu", {}).get("rows", [])}
        self.cells = {(r["page"], r["concurrency"]): r for r in self.data.get("load", {}).get("rows", [])}
        self.served = {p["name"]: p for p in self.data.get("load", {}).get("pages", [])}

    def __bool__(self) -> bool:
        return bool(self.data)

    @property
    def scale(self) -> float | None:
        return self.data.get("meta", {}).get("scale")

    def label(self) -> str:
        meta = self.data.get("meta", {})
        return f"commit {meta.get('commit')}, scale {meta.get('scale'):g}, {self.data.get('generated_at', '')[:16]}" if meta else "–"

    def cpu_ms(self, page: str) -> float | None:
        return self.cpu.get(page, {}).get("cpu_ms", {}).get("median")

    def cpu_text(self, page: str) -> str:
        """CPU ms, and as a multiple of the ceiling's in the same pass: other work on the
        machine inflates both alike (the ceiling costs 2.2 ms on a quiet one)."""
        cpu, ceiling = self.cpu_ms(page), self.cpu_ms("ceiling")
        if cpu is None:
            return "–"
        return f"{_fmt(cpu)} ms (× {cpu / ceiling:.1f} ceiling)" if ceiling else f"{_fmt(cpu)} ms"

    def queries_max(self, page: str) -> int | None:
        values = [self.cpu.get(page, {}).get("queries", {}).get("max"), self.served.get(page, {}).get("queries_max")]
        values = [int(v) for v in values if v is not None]
        return max(values) if values else None

    def cell(self, page: str, c: int) -> dict[str, Any] | None:
        return self.cells.get((page, c))

    def ratio(self, page: str, c: int) -> float | None:
        row, ceiling = self.cell(page, c), self.cell("ceiling", c)
        return round(row["rps"] / ceiling["rps"], 3) if row and ceiling and ceiling["rps"] else None

    def sweep_s(self) -> float | None:
        return self.data.get("sweep", {}).get("seconds")

    def delivery(self) -> float | None:
        return self.data.get("sweep", {}).get("delivery", {}).get("emails_per_second")

    def memory(self) -> dict[str, float | None]:
        sweep = self.data.get("sweep", {})
        return {"gunicorn (master and workers, under load)": self.data.get("load", {}).get("gunicorn_memory", {}).get("peak_rss_mb_max"),
                "Celery worker (main and pool, delivering)": sweep.get("delivery", {}).get("worker_memory", {}).get("peak_rss_mb_max"),
                "reminder sweep (the process that runs it)": sweep.get("peak_rss_mb")}


def _load_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def cmd_report(args: argparse.Namespace) -> None:
    data = {"generated_at": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"), "meta": _read("meta.json", {}),
            "seed": _read("seed.json", {}), "cpu": _read("cpu.json", {}), "load": _read("load.json", {}),
            "sweep": _read("sweep.json", {}), "double": _read("double.json", {})}
    now = Figures(data)
    # The baseline: the same benchmark on the code before issue 13 (page cache off), at scale 1.
    base = Figures(_load_json(RESULTS / "baseline.json"))
    scale1 = Figures(_load_json(RESULTS / "scale-1.json")) if now.scale != 1 else Figures(None)
    data["checks"] = _checks(now, base, scale1)
    data["baseline"] = base.label() if base else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"scale-{now.scale:g}"
    outputs = [name] + (["latest"] if now.scale == 1 else [])
    text = _markdown(data, now, base, scale1)
    for out in outputs:
        (RESULTS / f"{out}.json").write_text(json.dumps(data, indent=2, default=str))
        (RESULTS / f"{out}.md").write_text(text)
    print(text)
    print(f"Written: {', '.join(str(RESULTS / (o + '.md')) for o in outputs)} (and .json)")


def _checks(now: Figures, base: Figures, scale1: Figures) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def check(target: str, issue: Any, before: Any, measured: Any, met: bool | None) -> None:
        checks.append({"target": target, "issue_baseline": issue, "baseline": before, "measured": measured, "met": met})

    at_scale_1 = now.scale == 1
    pages = [r["page"] for r in now.data.get("cpu", {}).get("rows", []) if r["page"] != "ceiling"]
    for page in pages:
        q = now.queries_max(page)
        check(f"{page}: ≤ {QUERY_BUDGET} queries (most over all partners)", "≤ 12", _fmt(base.queries_max(page)), _fmt(q),
              None if q is None else q <= QUERY_BUDGET)
    double = now.data.get("double") or {}
    if double:
        changed = double.get("changed", {})
        measured = ("unchanged" if not changed else "grew: " + "; ".join(f"{p} {b} → {a}" for p, (b, a) in changed.items()))
        before = (base.data.get("double") or {}).get("changed")
        check(f"queries unchanged when the data doubles ({double['partners']} partners, {double['projects']} projects, every page)",
              "unchanged", "–" if before is None else ("unchanged" if not before else "grew"), measured, not changed)
    if scale1:
        for page in pages:
            q, q1 = now.queries_max(page), scale1.queries_max(page)
            check(f"{page}: queries as at scale 1", "unchanged", _fmt(q1), _fmt(q), None if q is None or q1 is None else q <= q1)
    for page in pages:
        cpu = now.cpu_ms(page)
        if at_scale_1:
            check(f"{page}: server CPU ≤ {CPU_BUDGET_MS:g} ms per page at scale 1 (median over partners)", ISSUE_BASELINE["cpu_ms"],
                  base.cpu_text(page), now.cpu_text(page), None if cpu is None else cpu <= CPU_BUDGET_MS)
        elif scale1:
            cpu1 = scale1.cpu_ms(page)
            check(f"{page}: server CPU as at scale 1 (within 20 % or 1 ms)", "unchanged", scale1.cpu_text(page), now.cpu_text(page),
                  None if cpu is None or cpu1 is None else cpu <= max(cpu1 * 1.2, cpu1 + 1.0))
    concurrencies = now.data.get("load", {}).get("concurrencies", [])
    same_kind = base and base.scale == now.scale
    for c in concurrencies:
        for page in pages:
            row, before = now.cell(page, c), base.cell(page, c)
            if not row:
                continue
            r_now, r_before = now.ratio(page, c), base.ratio(page, c)
            issue = f"≈ {ISSUE_BASELINE['dashboard_rps_c32']:g} req/s" if (page, c) == ("dashboard", 32) else "–"
            met = None if not same_kind or r_now is None or r_before is None else r_now >= THROUGHPUT_FLOOR * r_before
            check(f"{page} c={c}: throughput ≥ 80 % of the baseline (req/s, × ceiling of the same run)", issue,
                  f"{_fmt(before['rps'])} ({_fmt(r_before, 3)})" if before else "–", f"{_fmt(row['rps'])} ({_fmt(r_now, 3)})", met)
    for c, key, label, issue in ((1, "p50_ms", "p50", ISSUE_BASELINE["dashboard_p50_c1_ms"]),
                                 (32, "p95_ms", "p95", ISSUE_BASELINE["dashboard_p95_c32_ms"])):
        row, before = now.cell("dashboard", c), base.cell("dashboard", c)
        if row:
            check(f"dashboard c={c}: {label} ms (shown, no target)", f"≈ {issue:g}", _fmt(before[key]) if before else "–",
                  _fmt(row[key]), None)
    sweep = now.sweep_s()
    if sweep is not None:
        if at_scale_1 or not scale1:
            check(f"first reminder sweep < {SWEEP_LIMIT_S:g} s (scale {now.scale:g})", f"{ISSUE_BASELINE['sweep_s']:g} s",
                  f"{_fmt(base.sweep_s(), 2)} s" if base.sweep_s() else "–", f"{_fmt(sweep, 2)} s",
                  sweep < SWEEP_LIMIT_S if at_scale_1 else None)
        if scale1 and scale1.sweep_s():
            check("first reminder sweep ≤ 10 × its scale-1 time", "–", f"{_fmt(scale1.sweep_s(), 2)} s at scale 1",
                  f"{_fmt(sweep, 2)} s ({_fmt(sweep / scale1.sweep_s(), 1)} ×)", sweep <= 10 * scale1.sweep_s())
    eps = now.delivery()
    check(f"delivery ≥ {DELIVERY_FLOOR:g} emails/s", f"≈ {ISSUE_BASELINE['delivery_eps']:g}", _fmt(base.delivery()),
          _fmt(eps), None if eps is None else eps >= DELIVERY_FLOOR)
    if sweep is not None:
        check("first sweep's queries grow with batches only (shown)", "–", _fmt(base.data.get("sweep", {}).get("queries")),
              f"{_fmt(now.data['sweep'].get('queries'))} for {_fmt(now.data['sweep'].get('open_tasks'))} open tasks", None)
    before_memory = base.memory() if base else {}
    for name, mb in now.memory().items():
        issue = f"≈ {ISSUE_BASELINE['worker_rss_mb']:g} MB" if name.startswith("Celery") else "–"
        before_mb = before_memory.get(name)
        check(f"{name}: every process < {RSS_LIMIT_MB:g} MB", issue, f"{_fmt(before_mb)} MB" if before_mb else "–", f"{_fmt(mb)} MB",
              None if mb is None else mb < RSS_LIMIT_MB)
    return checks


def _markdown(data: dict[str, Any], now: Figures, base: Figures, scale1: Figures) -> str:
    meta, seed, load, sweep, cpu = data["meta"], data["seed"], data["load"], data["sweep"], data["cpu"]
    out = [f"# agepartners benchmark — {data['generated_at']}", ""]
    out.append(f"Scale {meta.get('scale'):g} ({_seed_summary(seed)}); seeded in {seed.get('seconds', {}).get('total', '–')} s "
               f"(seeder peak RSS {_fmt(seed.get('peak_rss_mb'))} MB). gunicorn {meta.get('gunicorn')}; wrk {load.get('duration_s')} s "
               f"per cell; {meta.get('cpus')} CPUs; PostgreSQL {meta.get('postgres')}; Python {meta.get('python')}; "
               f"commit {meta.get('commit')}.")
    out.append("")
    languages = ", ".join(f"{n} {lang}" for lang, n in sorted((load.get("languages") or {}).items(), key=lambda x: -x[1]))
    out.append(f"Every page as a first visit gets it: no page cache, Django's dummy cache, nothing reused between "
               f"requests. {load.get('partners', '–')} different logged-in partners ({languages}); every request of the "
               f"load is the next partner's (their session, their language, their meeting and article), the ceiling "
               f"(a bare {_fmt(load.get('ceiling_bytes'))}-byte page through the same stack) in the same run. "
               f"Load average of the machine (1, 5, 15 min) before the load {load.get('loadavg_before')}, after "
               f"{load.get('loadavg_after')}: the 2 cores are shared with whatever else runs.")
    busiest = max([*(load.get("loadavg_before") or [0])[:1], *(load.get("loadavg_after") or [0])[:1],
                   *(cpu.get("loadavg_before") or [0])[:1], *(cpu.get("loadavg_after") or [0])[:1]])
    if busiest > 2 * (meta.get("cpus") or 1):
        out.append("")
        out.append(f"**The machine was busy during this run** (load average up to {busiest:g} on {meta.get('cpus')} cores: other "
                   "work shared the cores): absolute figures (ms, req/s, seconds, emails/s) are inflated or depressed; "
                   "compare the multiples of the ceiling, measured in the same minutes.")
    out.append("")
    out.append(f"Baseline: the same benchmark on the code before issue 13 ({base.label() if base else 'not recorded'}); "
               "throughput is compared as a share of the ceiling's in the same run (req/s in the table as well), "
               "which removes most of what other work on the machine does to both runs.")
    out.append("")
    out.append("## Targets of issue 13")
    out.append("")
    out.append("| target | baseline in the issue | baseline (this benchmark, before) | measured | met |")
    out.append("|---|--:|--:|--:|:-:|")
    for c in data["checks"]:
        mark = "met" if c["met"] else ("–" if c["met"] is None else "**missed**")
        out.append(f"| {c['target']} | {c['issue_baseline']} | {c['baseline']} | {c['measured']} | {mark} |")
    out.append("")
    out.append("## Pages: queries and server CPU per request")
    out.append("")
    out.append("In-process (Django test client, the server's settings), one request per partner and page after a "
               "warm-up; CPU is `time.process_time` of the request. Served: queries as gunicorn answers (header "
               "`X-Bench-Queries`, steady state; the first request of a fresh worker adds django.contrib.postgres's "
               f"two type look-ups). Load average during this pass: {cpu.get('loadavg_before')} before, "
               f"{cpu.get('loadavg_after')} after; × ceiling is the page's CPU over the bare ceiling's in the same pass "
               "(2.2 ms on a quiet machine), which other work on the cores inflates alike.")
    out.append("")
    out.append("| page | partners | CPU ms median | × ceiling | CPU ms p95 | CPU ms max | queries min–max | served queries | bytes | not HTTP 200 |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    ceiling_cpu = now.cpu_ms("ceiling")
    for row in cpu.get("rows", []):
        served = now.served.get(row["page"], {})
        q = row["queries"]
        median = row["cpu_ms"].get("median")
        times = f"{median / ceiling_cpu:.1f}" if median and ceiling_cpu else "–"
        out.append(f"| {row['page']} | {row['partners']} | {_fmt(median)} | {times} | {_fmt(row['cpu_ms'].get('p95'))} | "
                   f"{_fmt(row['cpu_ms'].get('max'))} | {q.get('min', 0):.0f}–{q.get('max', 0):.0f} | "
                   f"{_fmt(served.get('queries_min'))}–{_fmt(served.get('queries_max'))} | {_fmt(row['bytes'])} | {row['not_200_count']} |")
    out.append("")
    out.append("## Pages under load")
    out.append("")
    out.append("wrk, a different partner's request each time. CPU per request from /proc: the gunicorn processes, and "
               "the PostgreSQL backends of the benchmark's database, over the cell.")
    out.append("")
    out.append("| page | c | req/s | × ceiling | baseline × ceiling | p50 ms | p95 ms | p99 ms | gunicorn CPU ms/req | DB CPU ms/req | errors |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in sorted(load.get("rows", []), key=lambda r: (r["concurrency"], r["page"] != "ceiling")):
        c = row["concurrency"]
        out.append(f"| {row['page']} | {c} | {_fmt(row['rps'])} | {_fmt(now.ratio(row['page'], c), 3)} | "
                   f"{_fmt(base.ratio(row['page'], c), 3)} | {_fmt(row['p50_ms'])} | {_fmt(row['p95_ms'])} | {_fmt(row['p99_ms'])} | "
                   f"{_fmt(row.get('gunicorn_cpu_ms'))} | {_fmt(row.get('db_cpu_ms'))} | {row['errors']} |")
    if load.get("not_always_200"):
        out.append(f"\nNot always HTTP 200 before the load: {', '.join(load['not_always_200'])}.")
    out.append("")
    if sweep.get("available"):
        d = sweep.get("delivery", {})
        out.append("## Reminders and email")
        out.append("")
        out.append("| reminder sweep | value |")
        out.append("|---|--:|")
        out.append(f"| open tasks | {_fmt(sweep.get('open_tasks'))} |")
        out.append(f"| people | {_fmt(sweep.get('people'))} |")
        out.append(f"| first sweep: reminders | {_fmt((sweep.get('result') or {}).get('reminders'))} |")
        out.append(f"| first sweep: emails queued (one digest per recipient) | {_fmt(sweep.get('emails'))} |")
        for name, n in sweep.get("reminder_rows", {}).items():
            out.append(f"| {name} rows | {_fmt(n)} |")
        out.append(f"| first sweep: seconds (wall) | {_fmt(sweep.get('seconds'), 2)} |")
        out.append(f"| first sweep: seconds (CPU of the sweeping process) | {_fmt(sweep.get('cpu_seconds'), 2)} |")
        out.append(f"| first sweep: queries | {_fmt(sweep.get('queries'))} |")
        for phase, label in (("repeat", "repeated at once"), ("next_day", "next day's run")):
            if phase in sweep:
                p = sweep[phase]
                reminders = (p.get("result") or {}).get("reminders")
                out.append(f"| {label}: reminders / emails / seconds / queries | {_fmt(reminders)} / {_fmt(p['emails'])} / "
                           f"{_fmt(p['seconds'], 2)} / {_fmt(p['queries'])} |")
        out.append(f"| peak RSS of the sweeping process, MB | {_fmt(sweep.get('peak_rss_mb'))} |")
        out.append(f"| delivered (sink received) | {_fmt(d.get('sent'))} ({_fmt(d.get('received_by_sink'))}) |")
        out.append(f"| delivery emails/s (first to last sent; worker concurrency {d.get('worker_concurrency')}) | {_fmt(d.get('emails_per_second'))} |")
        out.append("")
    else:
        out.append("Reminder sweep: not available in this build.")
        out.append("")
    out.append("## Peak RSS of every process (VmHWM), MB")
    out.append("")
    out.append("| process | each | most |")
    out.append("|---|--:|--:|")
    gm = load.get("gunicorn_memory", {})
    out.append(f"| gunicorn master and workers (during the load) | {gm.get('peak_rss_mb_each')} | {_fmt(gm.get('peak_rss_mb_max'))} |")
    wm = sweep.get("delivery", {}).get("worker_memory", {})
    out.append(f"| Celery worker main and pool (during delivery) | {wm.get('peak_rss_mb_each')} | {_fmt(wm.get('peak_rss_mb_max'))} |")
    out.append(f"| the reminder sweep's process | | {_fmt(sweep.get('peak_rss_mb'))} |")
    sm = sweep.get("delivery", {}).get("sink_memory") or {}
    out.append(f"| tool: the SMTP sink | | {_fmt(sm.get('peak_rss_mb_max'))} |")
    out.append(f"| tool: the seeder (`manage.py seed_bench`, batches of 5,000) | | {_fmt(seed.get('peak_rss_mb'))} |")
    out.append("")
    double = data.get("double") or {}
    if double:
        out.append("## Queries with twice the data")
        out.append("")
        out.append(f"After the rest of the run: {double['partners']} partners' {double['projects']} projects got a copy of every "
                   f"meeting, task, article and discussion ({', '.join(f'{n:,} {k}' for k, n in double['copied'].items())}; "
                   f"{double['seconds']} s). Queries of each page, one figure per partner:")
        out.append("")
        out.append("| page | before | after |")
        out.append("|---|--:|--:|")
        for page, before in double["before"].items():
            out.append(f"| {page} | {' '.join(map(str, before))} | {' '.join(map(str, double['after'][page]))} |")
        out.append("")
    return "\n".join(out)


def _seed_summary(seed: dict[str, Any]) -> str:
    rows = seed.get("rows", {})
    keys = [("projects.Project", "projects"), ("projects.Organisation", "organisations"), ("auth.User", "people"),
            ("meetings.Meeting", "meetings"), ("meetings.Participation", "participations"),
            ("workgroups.WorkGroup", "work groups"), ("workgroups.Task", "tasks")]
    parts = [f"{rows[k]:,} {label}" for k, label in keys if k in rows]
    parts += [f"{n:,} {k.split('.')[-1].lower()}s" for k, n in rows.items()
              if k.split(".")[0] in ("news", "communication") and "." not in k.split(".", 1)[1]]
    return ", ".join(parts)


def cmd_meta(args: argparse.Namespace) -> None:
    _setup_django()
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    _write("meta.json", {"scale": float(args.scale), "gunicorn": args.gunicorn, "cpus": os.cpu_count(),
                         "python": platform.python_version(), "django": django.get_version(), "postgres": pg,
                         "commit": commit})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--partners", type=int, default=PARTNERS)
    p = sub.add_parser("load")
    p.add_argument("--concurrency", default="1,8,32")
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--gunicorn-pid-file", required=True)
    p = sub.add_parser("cpu")
    p.add_argument("--sample", type=int, default=int(os.environ.get("BENCH_CPU_SAMPLE", "100")),
                   help="partners per page, the first of the load's (default 100)")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--pages", default="", help="only these pages (comma-separated names), for profiling one change")
    sub.add_parser("sweep")
    p = sub.add_parser("deliver")
    p.add_argument("--worker-pid", required=True)
    p.add_argument("--sink-pid")
    p.add_argument("--sink-count-file", required=True)
    p.add_argument("--timeout", type=float, default=0.0, help="seconds (default: from the number of emails)")
    p = sub.add_parser("double")
    p.add_argument("--partners", type=int, default=8)
    sub.add_parser("report")
    p = sub.add_parser("meta")
    p.add_argument("--scale", required=True)
    p.add_argument("--gunicorn", default="")
    args = parser.parse_args()
    {"prepare": cmd_prepare, "cpu": cmd_cpu, "load": cmd_load, "sweep": cmd_sweep, "deliver": cmd_deliver,
     "double": cmd_double, "report": cmd_report, "meta": cmd_meta}[args.cmd](args)


if __name__ == "__main__":
    main()
