"""The portal on separate hosts (network namespaces, hosts/netns.py):

    services  10.217.17.2   PostgreSQL (a private cluster), Redis, SeaweedFS (S3)
    lb        10.217.17.5   nginx with deploy/nginx/agepartners.conf (TLS) in front of web1, web2
    client    10.217.17.10  this harness: the partners' browsers (.100-.159) and the SMTP server
    web1      10.217.17.11  gunicorn
    web2      10.217.17.12  gunicorn
    worker1   10.217.17.21  Celery worker + the one beat
    worker2   10.217.17.22  Celery worker

Each node has its own AGEPARTNERS_VAR_DIR: nothing is shared through a disk, only through
PostgreSQL, Redis and the object store, as on separate machines.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hosts.netns import SUBNET, Network
from hosts.seaweed import SeaweedFS
from testprocs import ROOT, Proc, wait_for

PY = sys.executable
ADDRESSES = {
    "services": f"{SUBNET}.2", "lb": f"{SUBNET}.5", "client": f"{SUBNET}.10",
    "web1": f"{SUBNET}.11", "web2": f"{SUBNET}.12", "worker1": f"{SUBNET}.21", "worker2": f"{SUBNET}.22",
}
PARTNER_ADDRESSES = [f"{SUBNET}.{100 + i}" for i in range(60)]
WEB_PORT = 8000
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
SECRET_KEY = "hosts-harness-" + "s" * 60  # the same on every node (docs/deploy.md)


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL's server binaries are missing (apt-get install postgresql)")
    return Path(found[-1]).parent


class Cluster:
    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="agep-hosts-"))
        os.chmod(self.workdir, 0o755)
        self.network = Network(dict(ADDRESSES))
        self.procs: dict[str, Proc] = {}
        self.seaweed = SeaweedFS(ADDRESSES["services"], self.workdir / "seaweed", 8333,
                                 [9333, 19333, 8080, 18080, 8888, 18888, 18333])
        self.smtp: Any = None
        self.pg_dir = self.workdir / "pg"
        self.ca_file = self.workdir / "lb" / "fullchain.pem"

    # --- addresses and environment -------------------------------------------------------

    @property
    def base(self) -> str:
        return f"https://{ADDRESSES['lb']}"

    def env(self, host: str) -> dict[str, str]:
        services = ADDRESSES["services"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "CELERY_", "DATABASE_", "CACHE_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="agepartners.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=SECRET_KEY,
            DJANGO_ALLOWED_HOSTS=ADDRESSES["lb"],
            SITE_URL=self.base,
            # As deploy/agepartners.env: nginx terminates TLS and is the one trusted proxy.
            DJANGO_BEHIND_TLS_PROXY="true",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SECURE_COOKIES="true",
            DJANGO_HSTS_SECONDS="0",
            ALLAUTH_TRUSTED_PROXY_COUNT="1",
            DATABASE_URL=f"postgres://postgres@{services}:5432/agepartners",
            CELERY_BROKER_URL=f"redis://{services}:6379/0",
            CACHE_URL=f"redis://{services}:6379/1",
            FILES_URL=self.seaweed.url,
            EMAIL_URL=f"smtp://{ADDRESSES['client']}:2525",
            AGEPARTNERS_VAR_DIR=str(self.workdir / host / "var"),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def spawn(self, host: str, name: str, command: list[str], **extra: str) -> Proc:
        (self.workdir / host / "var").mkdir(parents=True, exist_ok=True)
        proc = Proc(name, self.network.exec_prefix(host) + command, {**self.env(host), **extra}, self.workdir)
        self.procs[name] = proc
        return proc

    # --- services host ---------------------------------------------------------------------

    def _as_postgres(self, command: list[str], host: str | None = None) -> None:
        prefix = self.network.exec_prefix(host) if host else []
        result = subprocess.run(prefix + ["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True,
                                timeout=120, cwd=self.pg_dir)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}")

    def start_postgres(self) -> None:
        self.pg_dir.mkdir()
        shutil.chown(self.pg_dir, "postgres", "postgres")
        binaries = pg_bin()
        self._as_postgres([str(binaries / "initdb"), "-D", str(self.pg_dir / "data"), "-U", "postgres", "--auth=trust",
                           "--encoding=UTF8", "--locale=C.UTF-8"])
        with open(self.pg_dir / "data" / "pg_hba.conf", "a") as hba:
            hba.write(f"# The harness's hosts (web, workers, this client) reach the services host.\n"
                      f"host all all {SUBNET}.0/24 trust\n")
        options = (f"-c listen_addresses={ADDRESSES['services']} -p 5432 -k {self.pg_dir} -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off -c max_connections=300")
        self._as_postgres([str(binaries / "pg_ctl"), "-D", str(self.pg_dir / "data"), "-l", str(self.pg_dir / "postgres.log"),
                           "-w", "-t", "60", "-o", options, "start"], host="services")
        self._as_postgres([str(binaries / "createdb"), "-h", ADDRESSES["services"], "-U", "postgres", "agepartners"])

    def stop_postgres(self) -> None:
        if (self.pg_dir / "data" / "postmaster.pid").exists():
            try:
                self._as_postgres([str(pg_bin() / "pg_ctl"), "-D", str(self.pg_dir / "data"), "-m", "immediate", "-w", "stop"])
            except RuntimeError:
                pass

    def start_services(self) -> None:
        self.start_postgres()
        self.spawn("services", "redis", ["redis-server", "--bind", ADDRESSES["services"], "--port", "6379", "--save", "",
                                         "--appendonly", "no", "--maxmemory-policy", "noeviction", "--loglevel", "warning",
                                         # Reached from the other hosts; the harness's subnet exists only
                                         # inside its own namespaces (production: a password, a firewall).
                                         "--protected-mode", "no"])
        self.seaweed.prefix = self.network.exec_prefix("services")
        self.seaweed.start(timeout=90)

    # --- the load balancer -------------------------------------------------------------------

    def nginx_site(self) -> str:
        """deploy/nginx/agepartners.conf as shipped, with this harness's addresses and certificate."""
        from hosts.tls import self_signed

        site = (ROOT / "deploy" / "nginx" / "agepartners.conf").read_text()
        folder = self.workdir / "lb"
        folder.mkdir(exist_ok=True)
        cert, key = self_signed(folder, ADDRESSES["lb"])
        replacements = {
            "10.0.0.11:8000": f"{ADDRESSES['web1']}:{WEB_PORT}",
            "10.0.0.12:8000": f"{ADDRESSES['web2']}:{WEB_PORT}",
            "/etc/ssl/agepartners/fullchain.pem": str(cert),
            "/etc/ssl/agepartners/privkey.pem": str(key),
            "/srv/agepartners/app/staticfiles/": f"{ROOT}/static/",
            "server_name partners.example.org;": f"server_name {ADDRESSES['lb']};",
            # The namespaces have no IPv6 addresses of their own.
            "    listen [::]:80;\n": "",
            "    listen [::]:443 ssl http2;\n": "",
            # Which node answered: for the checks only.
            "        proxy_pass http://agepartners_web;\n":
                "        proxy_pass http://agepartners_web;\n        add_header X-Upstream $upstream_addr always;\n",
        }
        for old, new in replacements.items():
            assert old in site, f"deploy/nginx/agepartners.conf changed: {old!r} not found"
            site = site.replace(old, new)
        return site

    def start_lb(self) -> None:
        folder = self.workdir / "lb"
        (folder / "site.conf").write_text(self.nginx_site())
        for sub in ("body", "proxy", "logs"):
            (folder / sub).mkdir(exist_ok=True)
        (folder / "nginx.conf").write_text(
            f"user root;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/error.log warn;\n"
            f"events {{ worker_connections 1024; }}\n"
            # Which node answered each request, with what, after how long, on which
            # connection: what a failure is read from.
            f"http {{\n  log_format upstreams '$msec $remote_addr \"$request\" $status up=$upstream_addr "
            f"ustatus=$upstream_status t=$request_time uconnect=$upstream_connect_time uheader=$upstream_header_time';\n"
            f"  access_log {folder}/logs/access.log upstreams;\n  client_body_temp_path {folder}/body;\n"
            f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/proxy;\n  uwsgi_temp_path {folder}/proxy;\n"
            f"  scgi_temp_path {folder}/proxy;\n  include /etc/nginx/mime.types;\n  include {folder}/site.conf;\n}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn("lb", "nginx", [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])
        wait_for(lambda: self._port_open(ADDRESSES["lb"], 443), 20, what="nginx listening")

    @property
    def lb_error_log(self) -> str:
        return (self.workdir / "lb" / "logs" / "error.log").read_text(errors="replace")

    # --- the portal's nodes ----------------------------------------------------------------------

    @staticmethod
    def _port_open(address: str, port: int) -> bool:
        import socket

        with socket.socket() as s:
            s.settimeout(0.3)
            return s.connect_ex((address, port)) == 0

    def start_web(self, host: str) -> Proc:
        # The operators' settings (deploy/gunicorn.conf.py, as the systemd unit runs it), sized
        # through the environment file's variables.
        proc = self.spawn(host, host, [PY, "-m", "gunicorn", "agepartners.wsgi", "--config", str(GUNICORN_CONF)],
                          WEB_BIND=f"{ADDRESSES[host]}:{WEB_PORT}", WEB_WORKERS="2", WEB_THREADS="8")
        wait_for(lambda: self._port_open(ADDRESSES[host], WEB_PORT) or not proc.alive, 60, what=f"gunicorn on {host}")
        assert proc.alive, proc.tail()
        return proc

    def start_worker(self, host: str, *, beat: bool) -> None:
        proc = self.spawn(host, f"{host}-worker", [PY, "-m", "celery", "-A", "agepartners", "worker", "-l", "INFO",
                                                   "-n", f"{host}@%h", "--concurrency", "2", "--without-gossip"],
                          LOG_LEVEL="INFO")
        wait_for(lambda: "ready." in proc.tail(400) or not proc.alive, 90, what=f"worker on {host}")
        assert proc.alive, proc.tail()
        if beat:
            # The one beat, with its schedule sped up to every 2 s (faults/fastbeat.py).
            self.spawn(host, "beat", [PY, "-m", "celery", "-A", "faults.fastbeat", "beat", "-l", "INFO",
                                      "-s", str(self.workdir / host / "var" / "celerybeat-schedule")], LOG_LEVEL="INFO")

    def manage(self, *args: str) -> str:
        result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env("client"), capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start_smtp(self) -> None:
        from faults.harness import Sink

        from aiosmtpd.controller import Controller

        self.smtp = Controller(Sink(), hostname=ADDRESSES["client"], port=2525)
        self.smtp.start()

    # --- whole cluster ---------------------------------------------------------------------------

    def start(self) -> None:
        self.network.create()
        self.network.add_addresses("client", PARTNER_ADDRESSES)
        # From here on this process is the client host: its connections (HTTP to the load
        # balancer, the ORM to PostgreSQL) cross the bridge like any other host's.
        self.network.enter("client")
        self.start_services()
        self.start_smtp()
        (self.workdir / "client" / "var").mkdir(parents=True, exist_ok=True)
        os.environ.update(self.env("client"))
        self.manage("migrate", "--noinput", "-v", "0")
        self.start_web("web1")
        self.start_web("web2")
        self.start_worker("worker1", beat=True)
        self.start_worker("worker2", beat=False)
        self.start_lb()

    def keep_logs(self, folder: Path) -> None:
        """Copy every process's log, nginx's and PostgreSQL's out of the work folder (which
        destroy() removes), for reading after a run."""
        folder.mkdir(parents=True, exist_ok=True)
        logs = [*self.workdir.glob("*.log"), *(self.workdir / "lb" / "logs").glob("*.log"), self.pg_dir / "postgres.log",
                self.workdir / "seaweed" / "weed.log"]
        for log in logs:
            if log.exists():
                shutil.copy(log, folder / (f"nginx-{log.name}" if log.parent.name == "logs" else log.name))

    def destroy(self) -> None:
        try:
            for proc in reversed(list(self.procs.values())):
                proc.kill()
            self.procs.clear()
            self.seaweed.stop()
            if self.smtp is not None:
                self.smtp.stop()
            self.stop_postgres()
        finally:
            self.network.destroy()
            shutil.rmtree(self.workdir, ignore_errors=True)
