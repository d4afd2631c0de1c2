"""Throwaway services for the fault tests: a private PostgreSQL cluster, a private Redis,
a private SMTP server, and the portal's own processes (gunicorn, Celery worker and beat)
pointed at them through environment variables.

Nothing here touches the shared PostgreSQL on 5432 or the Redis on 6379: every service
listens on a free loopback port of its own and lives in a temporary directory.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smtpsink import SMTPServer, Sink, free_port  # noqa: F401 (Sink, free_port: used by the tests)
from testprocs import ROOT, Proc, wait_for  # noqa: F401 (wait_for: used by the tests)

PY = sys.executable
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- Redis ----------------------------------------------------------------------------------


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--maxmemory-policy", "noeviction", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), 10, what="private redis up")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # as abrupt as a crash; nothing is saved anyway
            self.proc.wait(10)
        wait_for(lambda: not port_open(self.port), 10, what="private redis down")

    def flush(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "flushall"], check=True, capture_output=True)


# --- PostgreSQL ---------------------------------------------------------------------------


class PrivatePostgres:
    """A cluster of its own, initialised by the postgres user in a temporary directory."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="agep-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                           "--encoding=UTF8", "--locale=C.UTF-8"])

    def _as_postgres(self, cmd: list[str]) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            return subprocess.run(cmd, user="postgres", group="postgres", capture_output=True, text=True, check=True, cwd=self.dir)
        return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=self.dir)

    def url(self, db: str = "agepartners") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off -c full_page_writes=off -c max_connections=200"
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, *args])

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """A fast restart: every open connection is cut, as after a crash or a failover."""
        self._ctl("restart", "-m", "fast")

    def create_database(self, name: str) -> None:
        self._as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])

    def destroy(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


# --- SMTP ----------------------------------------------------------------------------------
# The project's one SMTP test server (smtpsink/): ``Stack.smtp`` is an ``SMTPServer``,
# stopped and started again for an outage, its ``sink`` replaced per test.


# --- The portal's processes (testprocs.Proc) -----------------------------------------------


class Stack:
    """PostgreSQL + Redis + SMTP of our own, and the environment that points the portal at them."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="agep-faults-"))
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis()
        self.smtp = SMTPServer()
        self.procs: list[Proc] = []
        self.web_port = free_port()

    def start(self) -> None:
        self.pg.start()
        self.pg.create_database("agepartners")
        self.redis.start()
        self.smtp.start()

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "CELERY_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="agepartners.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="faults-" + "k" * 60,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SECURE_COOKIES="false",
            DJANGO_HSTS_SECONDS="0",
            DATABASE_URL=self.pg.url(),
            CELERY_BROKER_URL=self.redis.url,
            CACHE_URL=f"redis://127.0.0.1:{self.redis.port}/1",  # as in production (README)
            EMAIL_URL=self.smtp.url,
            SITE_URL=f"http://127.0.0.1:{self.web_port}",
            AGEPARTNERS_VAR_DIR=str(self.workdir / "var"),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def spawn(self, name: str, cmd: list[str], **extra_env: str) -> Proc:
        proc = Proc(name, cmd, {**self.env, **extra_env}, self.workdir)
        self.procs.append(proc)
        return proc

    def web(self, workers: int = 2, threads: int = 4, **extra_env: str) -> Proc:
        proc = self.spawn("web", [PY, "-m", "gunicorn", "agepartners.wsgi", "-b", f"127.0.0.1:{self.web_port}",
                                  "-w", str(workers), "--threads", str(threads), "--no-control-socket", "--graceful-timeout", "5",
                                  "--timeout", "60"], **extra_env)
        wait_for(lambda: port_open(self.web_port) or not proc.alive, 30, what="gunicorn listening")
        assert proc.alive, proc.tail()
        return proc

    def worker(self, name: str = "worker", concurrency: int = 1, pool: str = "solo") -> Proc:
        proc = self.spawn(name, [PY, "-m", "celery", "-A", "agepartners", "worker", "-l", "INFO", "-n", f"{name}@%h",
                                 "--pool", pool, "--concurrency", str(concurrency), "--without-gossip", "--without-mingle"],
                           LOG_LEVEL="INFO")
        wait_for(lambda: "ready." in proc.tail(200) or not proc.alive, 60, what=f"{name} ready")
        assert proc.alive, proc.tail()
        return proc

    def beat(self, name: str = "beat", app: str = "agepartners") -> Proc:
        schedule = self.workdir / f"{name}-schedule"
        return self.spawn(name, [PY, "-m", "celery", "-A", app, "beat", "-l", "INFO", "-s", str(schedule)], LOG_LEVEL="INFO")

    def manage(self, *args: str) -> str:
        out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.web_port}{path}"

    def stop_processes(self) -> None:
        for proc in reversed(self.procs):
            proc.kill()
        self.procs.clear()

    def destroy(self) -> None:
        self.stop_processes()
        self.smtp.stop()
        self.redis.stop()
        self.pg.destroy()
        shutil.rmtree(self.workdir, ignore_errors=True)


# --- A logged-in partner over real HTTP -------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """A browser stand-in: cookies, CSRF token, no redirect following, a fixed client IP
    (sent as X-Forwarded-For when the portal trusts one proxy)."""

    def __init__(self, base: str, forwarded_for: str | None = None, timeout: float = 30.0) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.forwarded_for = forwarded_for
        self.timeout = timeout

    def _send(self, method: str, path: str, data: dict[str, Any] | None = None) -> Reply:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Referer", self.base + path)
        if self.forwarded_for:
            request.add_header("X-Forwarded-For", self.forwarded_for)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Reply(response.status, response.read().decode("utf-8", "replace"), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers or {}))

    def get(self, path: str) -> Reply:
        return self._send("GET", path)

    def csrf_token(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def post(self, path: str, data: dict[str, Any] | None = None, form_page: str | None = None) -> Reply:
        """POST like a browser that first loaded the form (for the CSRF cookie and token)."""
        page = self.get(form_page or path)
        token = self.csrf_token()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if match:
            token = match.group(1)
        return self._send("POST", path, {"csrfmiddlewaretoken": token, **(data or {})})

    def login(self, email: str, password: str) -> None:
        reply = self.post("/en/accounts/login/", {"login": email, "password": password})
        assert reply.status == 302, f"login of {email} failed: {reply.status} {reply.body[:300]}"


def new_password() -> str:
    return secrets.token_urlsafe(16)
