"""The benchmark's driver, one step per sub-command (bench/run.sh calls them in order).

    prepare  log the partner in, pick the pages, write var/bench/targets.json
    load     queries per page, then wrk at each concurrency against gunicorn
    sweep    the deadline-reminder sweep over the whole data set (no worker running)
    deliver  wait for the Celery worker to deliver the sweep's emails to the sink
    report   one table in Markdown and JSON under bench/results/

Run with DJANGO_SETTINGS_MODULE=bench.settings. Every loop is bounded in count and
time, and all traffic goes to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone as dt_timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_WORK_DIR", ROOT / "var" / "bench"))
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
BASE_URL = os.environ.get("BENCH_BASE_URL", "http://127.0.0.1:8765")
QUERY_BUDGET = 12


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


def cmd_prepare(args: argparse.Namespace) -> None:
    _setup_django()
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone, translation

    from bench.seed import BENCH_PARTNER_EMAIL
    from projects import permissions

    user = get_user_model().objects.select_related("person").get(email=BENCH_PARTNER_EMAIL)
    person = user.person
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    # A browser sends its CSRF cookie along from its first page on; so does the benchmark.
    client.get(reverse("dashboard"))
    cookie = (f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
              f"{settings.CSRF_COOKIE_NAME}={client.cookies[settings.CSRF_COOKIE_NAME].value}")
    language = person.language
    targets: list[dict[str, Any]] = []

    def add(name: str, path: str | None, note: str = "") -> None:
        if path:
            targets.append({"name": name, "path": path, "note": note})
        else:
            print(f"  (skipped {name}: not built yet)")

    with translation.override(language):
        add("dashboard", reverse("dashboard"))
        add("my tasks", _reverse_first(["workgroups:my_tasks"]))
        Meeting = apps.get_model("meetings", "Meeting")
        meeting = (
            permissions.scope_for_member(Meeting.objects.all(), user)
            .filter(participations__user=user, starts_at__gte=timezone.now())
            .order_by("starts_at").first()
        ) or permissions.scope_for_member(Meeting.objects.all(), user).order_by("-starts_at").first()
        if meeting is not None:
            add("meeting detail", _reverse_first(["meetings:detail", "meetings:meeting_detail", "meetings:meeting"],
                                                 (meeting.pk,)), f"meeting {meeting.pk}")
    with translation.override("lv"):
        add("news list (lv)", _reverse_first(["news:list"]))
    with translation.override(language):
        article = _bench_article(user)
        if article is not None:
            add("news detail", _reverse_first(["news:detail", "news:article", "news:article_detail"],
                                              (article.pk,), (getattr(article, "slug", ""),),
                                              (article.project.slug, getattr(article, "slug", "")) if hasattr(article, "project") else (),
                                              ), f"article {article.pk}")
    add("calendar feed", _feed_url(person))
    add("healthz", reverse("healthz"))
    # The ceiling is added once the pages' sizes are known (in ``load``).
    _write("targets.json", {"cookie": cookie, "user": user.email, "language": language, "targets": targets})
    for target in targets:
        print(f"  {target['name']:<16} {target['path']}")


def _bench_article(user: Any) -> Any:
    from django.apps import apps

    try:
        Article = apps.get_model("news", "Article")
    except LookupError:
        return None
    from projects import permissions

    qs = Article.objects.live() if hasattr(Article.objects, "live") else Article.objects.all()
    if any(f.name == "project" for f in Article._meta.get_fields()):
        qs = permissions.scope_for_member(qs, user)
    for field in ("published_at", "created_at", "pk"):
        if any(f.name == field for f in Article._meta.get_fields()) or field == "pk":
            return qs.order_by(f"-{field}").first()
    return qs.first()


# --- load -------------------------------------------------------------------------------


def _get(path: str, cookie: str) -> tuple[int, int, int | None, float]:
    request = urllib.request.Request(BASE_URL + path, headers={"Cookie": cookie, "Accept-Encoding": "identity"})
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


def _query_pass(targets: list[dict[str, Any]], cookie: str, warm: int = 12, repeat: int = 5) -> None:
    """Status, size and queries of each page, from the bench middleware's header.

    The first request a gunicorn worker serves on a new database connection also runs
    django.contrib.postgres's type look-ups (two queries, once per process), so the
    steady state is read after ``warm`` requests have reached every worker."""
    for target in targets:
        runs = [_get(target["path"], cookie) for _ in range(warm + repeat)]
        target["status"] = runs[-1][0]
        target["bytes"] = runs[-1][1]
        counts = [r[2] for r in runs if r[2] is not None]
        steady = counts[warm:] or counts
        target["queries_first"] = counts[0] if counts else None
        target["queries"] = int(statistics.median(steady)) if steady else None
        target["queries_max"] = max(steady) if steady else None
        print(f"  {target['name']:<16} HTTP {target['status']}  {target['bytes']:>7} bytes  "
              f"{target['queries']} queries (first request {target['queries_first']})")


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


class MemorySampler:
    """Samples the RSS of a process tree, and keeps each process's peak (VmHWM)."""

    def __init__(self, root_pid: int, include_root: bool = False) -> None:
        self.root_pid = root_pid
        self.include_root = include_root
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def pids(self) -> list[int]:
        pids = _children(self.root_pid)
        return ([self.root_pid] if self.include_root else []) + pids

    def sample(self) -> None:
        for pid in self.pids():
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

    def summary(self) -> dict[str, Any]:
        peaks = sorted(self.peaks.values())
        return {"processes": len(peaks), "peak_rss_mb_max": round(peaks[-1] / 1024, 1) if peaks else None,
                "peak_rss_mb_each": [round(p / 1024, 1) for p in peaks]}


def _wrk(path: str, cookie: str, connections: int, seconds: float) -> dict[str, Any]:
    threads = max(1, min(connections, int(os.environ.get("BENCH_WRK_THREADS", "2"))))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "wrk.lua"), BASE_URL + path]
    env = {**os.environ, "BENCH_COOKIE": cookie}
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
    raise RuntimeError(f"wrk gave no result for {path}: {proc.stdout[-500:]} {proc.stderr[-500:]}")


def _drain(path: str, cookie: str, limit_s: float = 60.0) -> None:
    """Wait until the server has worked off the requests a finished wrk run left queued
    (sync workers finish requests whose client is gone), so no cell inherits a backlog."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if _get(path, cookie)[3] < 0.2:
            return
        time.sleep(0.2)


def cmd_load(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (bench/run.sh installs Debian's package).")
    plan = _read("targets.json")
    cookie = plan["cookie"]
    targets = plan["targets"]
    print("Queries per request and page sizes:")
    _query_pass(targets, cookie)
    broken = [t["name"] for t in targets if t["status"] != 200]
    if broken:
        print(f"  not HTTP 200, left out of the load: {', '.join(broken)}")
    html_sizes = [t["bytes"] for t in targets if t["status"] == 200 and t["name"] not in ("healthz", "calendar feed")]
    ceiling_size = int(statistics.median(html_sizes)) if html_sizes else 20000
    ceiling = {"name": "ceiling", "path": f"/bench/ceiling/{ceiling_size}", "note": f"{ceiling_size} bytes"}
    _query_pass([ceiling], cookie)
    measured = [ceiling] + [t for t in targets if t["status"] == 200]
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    master = int(Path(args.gunicorn_pid_file).read_text().strip())
    print(f"Load: {len(measured)} pages x concurrency {concurrencies}, {args.duration}s each (+{args.warmup}s warm-up per page)")
    for target in measured:
        _wrk(target["path"], cookie, 8, args.warmup)
        _drain(ceiling["path"], cookie)
    results: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    with MemorySampler(master) as memory:
        for c in concurrencies:
            # Interleave pages within each concurrency so drift of the machine hits all alike.
            for target in measured:
                row = {"page": target["name"], "path": target["path"], "concurrency": c,
                       "queries": target.get("queries"), "queries_first": target.get("queries_first"),
                       "bytes": target.get("bytes"), **_wrk(target["path"], cookie, c, args.duration)}
                results.append(row)
                _drain(ceiling["path"], cookie)
                print(f"  c={c:<3} {target['name']:<16} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:>7.1f} ms  "
                      f"p95 {row['p95_ms']:>7.1f} ms  p99 {row['p99_ms']:>7.1f} ms  errors {row['errors']}")
    _write("load.json", {"loadavg_before": [round(x, 2) for x in load_before],
                         "loadavg_after": [round(x, 2) for x in os.getloadavg()], "ceiling_bytes": ceiling_size, "concurrencies": concurrencies, "duration_s": args.duration,
                         "rows": results, "skipped": broken, "gunicorn_memory": memory.summary(),
                         "pages": [{k: t.get(k) for k in ("name", "path", "status", "bytes", "queries", "queries_first", "queries_max", "note")}
                                   for t in [ceiling] + targets]})


# --- cpu --------------------------------------------------------------------------------


def cmd_cpu(args: argparse.Namespace) -> None:
    """Server CPU time per request of each page, in-process through the test client.

    Throughput on a shared two-core machine moves with whatever else runs; the CPU a
    request costs does not, so it is measured too. ``--profile`` writes the top
    functions of each page (cProfile) to var/bench/profile-<page>.txt.
    """
    _setup_django()
    import cProfile
    import pstats

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    plan = _read("targets.json")
    client = Client(HTTP_HOST="127.0.0.1")
    for pair in plan["cookie"].split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    sizes = [len(client.get(t["path"]).content) for t in plan["targets"] if t["name"] not in ("healthz", "calendar feed")]
    ceiling_size = int(statistics.median(sizes)) if sizes else 20000
    pages = plan["targets"] + [{"name": "ceiling", "path": f"/bench/ceiling/{ceiling_size}"}]
    def measure(path: str) -> tuple[int, float, int]:
        client.get(path)  # warm caches, as a running server has them
        cpu, queries = [], []
        for _ in range(args.repeat):
            count = 0

            def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                nonlocal count
                count += 1
                return execute(sql, params, many, context)

            start = time.process_time()
            with connection.execute_wrapper(counter):
                response = client.get(path)
            cpu.append((time.process_time() - start) * 1000)
            queries.append(count)
        return response.status_code, round(statistics.median(cpu), 2), int(statistics.median(queries))

    rows = []
    for page in pages:
        status, cpu_ms, queries = measure(page["path"])
        row = {"page": page["name"], "status": status, "cpu_ms": cpu_ms, "queries": queries}
        rows.append(row)
        print(f"  {page['name']:<16} HTTP {row['status']}  {cpu_ms:>6.1f} ms CPU, {queries} queries")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(page["path"])
            profiler.disable()
            out = WORK / f"profile-{re.sub(r'[^a-z0-9]+', '-', page['name'])}.txt"
            with open(out, "w") as fh:
                pstats.Stats(profiler, stream=fh).sort_stats("cumulative").print_stats(60)
    _write("cpu.json", {"repeat": args.repeat, "rows": rows})


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
    worker = int(args.worker_pid)
    deadline = time.monotonic() + args.timeout
    sink_file = Path(args.sink_count_file)
    start = time.monotonic()
    with MemorySampler(worker, include_root=True) as memory:
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
    data = {"expected": expected, "sent": sent, "by_status": by_status, "received_by_sink": received,
            "seconds_first_to_last": round(span, 2), "seconds_waited": round(waited, 2),
            "emails_per_second": round(sent / span, 1) if span > 0 else None,
            "timed_out": waited >= args.timeout, "worker_memory": memory.summary(),
            "worker_concurrency": os.environ.get("BENCH_WORKER_CONCURRENCY")}
    sweep["delivery"] = data
    _write("sweep.json", sweep)
    print(f"  {sent}/{expected} sent, sink received {received}, {data['emails_per_second']} emails/s "
          f"(first to last {span:.1f} s), worker peak RSS {memory.summary()['peak_rss_mb_max']} MB")


# --- report -----------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def cmd_report(args: argparse.Namespace) -> None:
    load = _read("load.json", {})
    sweep = _read("sweep.json", {})
    seed = _read("seed.json", {})
    meta = _read("meta.json", {})
    rows = load.get("rows", [])
    cpu = {r["page"]: r for r in _read("cpu.json", {}).get("rows", [])}
    for row in rows:
        row["cpu_ms"] = cpu.get(row["page"], {}).get("cpu_ms")
    ceiling = {r["concurrency"]: r for r in rows if r["page"] == "ceiling"}
    for row in rows:
        ref = ceiling.get(row["concurrency"])
        row["throughput_ratio"] = round(row["rps"] / ref["rps"], 2) if ref and ref["rps"] else None
        row["p95_ratio"] = round(row["p95_ms"] / ref["p95_ms"], 2) if ref and ref["p95_ms"] else None
    top = max(load.get("concurrencies", [0]) or [0])
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool | None, value: str) -> None:
        checks.append({"target": name, "met": ok, "value": value})

    pages = [p for p in load.get("pages", []) if p["name"] != "ceiling"]
    for page in pages:
        q = page.get("queries")
        # The first request of a fresh worker adds django.contrib.postgres's two type
        # look-ups, once per process and connection: shown, not budgeted per page.
        check(f"{page['name']}: ≤{QUERY_BUDGET} queries", None if q is None else q <= QUERY_BUDGET,
              f"{_fmt(q)} (first request of a fresh worker: {_fmt(page.get('queries_first'))})")
    for row in rows:
        if row["page"] == "ceiling":
            continue
        check(f"{row['page']} c={row['concurrency']}: throughput ≥50% of ceiling",
              None if row["throughput_ratio"] is None else row["throughput_ratio"] >= 0.5, _fmt(row["throughput_ratio"], 2))
        if row["concurrency"] == top:
            check(f"{row['page']} c={top}: p95 ≤3x ceiling",
                  None if row["p95_ratio"] is None else row["p95_ratio"] <= 3.0, _fmt(row["p95_ratio"], 2))
    if sweep.get("available"):
        check("reminder sweep < 30 s", sweep["seconds"] < 30, f"{sweep['seconds']} s")
        delivery = sweep.get("delivery", {})
        eps = delivery.get("emails_per_second")
        check("delivery ≥ 200 emails/s", None if eps is None else eps >= 200, _fmt(eps))
        wmem = delivery.get("worker_memory", {}).get("peak_rss_mb_max")
    gmem = load.get("gunicorn_memory", {}).get("peak_rss_mb_max")
    check("gunicorn worker peak RSS < 150 MB", None if gmem is None else gmem < 150, f"{_fmt(gmem)} MB")

    data = {"generated_at": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"), "meta": meta, "seed": seed,
            "load": load, "sweep": sweep, "checks": checks}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(data, indent=2, default=str))
    (RESULTS / "latest.md").write_text(_markdown(data, rows))
    print((RESULTS / "latest.md").read_text())


def _markdown(data: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    meta, seed, load, sweep = data["meta"], data["seed"], data["load"], data["sweep"]
    out = [f"# agepartners benchmark — {data['generated_at']}", ""]
    out.append(f"Scale {meta.get('scale')} ({_seed_summary(seed)}); seeded in {seed.get('seconds', {}).get('total', '–')} s. "
               f"gunicorn {meta.get('gunicorn')}; wrk {load.get('duration_s')} s per cell; "
               f"{meta.get('cpus')} CPUs; PostgreSQL {meta.get('postgres')}; Python {meta.get('python')}; commit {meta.get('commit')}.")
    out.append("")
    out.append("| page | c | req/s | p50 ms | p95 ms | p99 ms | × ceiling req/s | × ceiling p95 | queries "
               "| server CPU ms | bytes | errors |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in sorted(rows, key=lambda r: (r["concurrency"], r["page"] != "ceiling")):
        out.append(f"| {row['page']} | {row['concurrency']} | {_fmt(row['rps'])} | {_fmt(row['p50_ms'])} | {_fmt(row['p95_ms'])} | "
                   f"{_fmt(row['p99_ms'])} | {_fmt(row.get('throughput_ratio'), 2)} | {_fmt(row.get('p95_ratio'), 2)} | "
                   f"{_fmt(row.get('queries'))} | {_fmt(row.get('cpu_ms'))} | {_fmt(row.get('bytes'))} | {row['errors']} |")
    if load.get("skipped"):
        out.append(f"\nNot measured (not HTTP 200): {', '.join(load['skipped'])}.")
    out.append("")
    gm = load.get("gunicorn_memory", {})
    out.append(f"gunicorn workers: {gm.get('processes')} processes, peak RSS {gm.get('peak_rss_mb_each')} MB. "
               f"Load average of the machine (1, 5, 15 min) before the load: {load.get('loadavg_before')}, "
               f"after: {load.get('loadavg_after')} (other work on the two cores depresses every row alike).")
    out.append("")
    if sweep.get("available"):
        d = sweep.get("delivery", {})
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
        out.append(f"| delivered (sink received) | {_fmt(d.get('sent'))} ({_fmt(d.get('received_by_sink'))}) |")
        out.append(f"| delivery emails/s (first to last sent) | {_fmt(d.get('emails_per_second'))} |")
        out.append(f"| Celery worker peak RSS MB (each process) | {d.get('worker_memory', {}).get('peak_rss_mb_each')} |")
    else:
        out.append("Reminder sweep: not available in this build.")
    out.append("")
    out.append("| target | met | value |")
    out.append("|---|:-:|--:|")
    for c in data["checks"]:
        mark = "yes" if c["met"] else ("–" if c["met"] is None else "**no**")
        out.append(f"| {c['target']} | {mark} | {c['value']} |")
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
    sub.add_parser("prepare")
    p = sub.add_parser("load")
    p.add_argument("--concurrency", default="1,8,32")
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--gunicorn-pid-file", required=True)
    p = sub.add_parser("cpu")
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--profile", action="store_true")
    sub.add_parser("sweep")
    p = sub.add_parser("deliver")
    p.add_argument("--worker-pid", required=True)
    p.add_argument("--sink-count-file", required=True)
    p.add_argument("--timeout", type=float, default=300.0)
    sub.add_parser("report")
    p = sub.add_parser("meta")
    p.add_argument("--scale", required=True)
    p.add_argument("--gunicorn", default="")
    args = parser.parse_args()
    {"prepare": cmd_prepare, "cpu": cmd_cpu, "load": cmd_load, "sweep": cmd_sweep, "deliver": cmd_deliver,
     "report": cmd_report, "meta": cmd_meta}[args.cmd](args)


if __name__ == "__main__":
    main()
