"""The deployment files in deploy/ are ones people can copy: nginx accepts the site as it
is written (with a throwaway certificate in place of the real one), and the units start
what the README says, with exactly one beat."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hosts.tls import self_signed

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "agepartners.conf"


def nginx_test(site_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on the site inside a private prefix: nothing of the system's nginx is read."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: `bash scripts/ensure_test_services.sh` installs it (apt-get install nginx-light).")
    cert, key = self_signed(tmp_path)
    site_text = site_text.replace("/etc/ssl/agepartners/fullchain.pem", str(cert)).replace("/etc/ssl/agepartners/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site_text)
    for sub in ("body", "proxy", "logs"):
        (tmp_path / sub).mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/logs/access.log;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  fastcgi_temp_path {tmp_path}/proxy;\n  uwsgi_temp_path {tmp_path}/proxy;\n"
        f"  scgi_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    return subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=30)


def test_nginx_accepts_the_site(tmp_path):
    result = nginx_test(SITE.read_text(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_refuses_a_broken_site(tmp_path):
    """The check above can fail: a site with a typo is refused."""
    result = nginx_test(SITE.read_text().replace("proxy_read_timeout", "proxy_read_timout"), tmp_path)
    assert result.returncode != 0 and "proxy_read_timout" in result.stderr


def _megabytes(directive: str, text: str) -> int:
    match = re.search(rf"^\s*{directive}\s+(\d+)m;", text, re.M)
    assert match, f"{directive} missing"
    return int(match[1])


def test_the_site_accepts_the_largest_upload_and_little_more():
    from projects.uploads import max_upload_bytes

    limit = _megabytes("client_max_body_size", SITE.read_text()) * 1024 * 1024
    assert max_upload_bytes() < limit <= max_upload_bytes() + 2 * 1024 * 1024


def test_the_site_terminates_tls_and_tells_django_and_allauth():
    text = SITE.read_text()
    assert "listen 443 ssl" in text and "return 301 https://$host$request_uri;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    # Two nodes with passive health checks; a POST already sent is never sent again.
    assert len(re.findall(r"^\s*server \S+ max_fails=\d+ fail_timeout=\d+s;", text, re.M)) == 2
    assert re.search(r"proxy_next_upstream error timeout;", text) and "non_idempotent" not in text.replace("(no non_idempotent here)", "")


def gunicorn_settings(**environment: str) -> dict[str, object]:
    """deploy/gunicorn.conf.py as gunicorn reads it: a Python file run with the node's environment."""
    import os
    from unittest import mock

    namespace: dict[str, object] = {}
    with mock.patch.dict(os.environ, environment):
        exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return namespace


def test_gunicorn_answers_before_nginx_gives_up_and_nginx_closes_idle_connections_first():
    text = SITE.read_text()
    settings = gunicorn_settings(WEB_BIND="10.0.0.11:8000", WEB_WORKERS="3", WEB_THREADS="8")
    # A stuck request is ended by gunicorn, which answers, rather than cut off by nginx.
    assert settings["timeout"] < int(re.search(r"proxy_read_timeout (\d+)s;", text)[1])
    # An idle kept-alive connection is closed by nginx before gunicorn would close it: the
    # other way round a POST written into a closing connection is a 502 from a live node
    # (hosts/host_cluster.py saw it under load).
    upstream = re.search(r"upstream agepartners_web \{(.*?)\}", text, re.S)[1]
    assert re.search(r"^\s*keepalive \d+;", upstream, re.M)
    nginx_idle = int(re.search(r"^\s*keepalive_timeout (\d+)s;", upstream, re.M)[1])
    assert settings["worker_class"] == "gthread" and settings["keepalive"] >= nginx_idle + 10
    assert (settings["bind"], settings["workers"], settings["threads"]) == ("10.0.0.11:8000", 3, 8)


def test_the_unit_and_the_multi_host_harness_run_gunicorn_with_the_same_settings_file():
    from hosts.cluster import GUNICORN_CONF

    web = (DEPLOY / "systemd" / "agepartners-web.service").read_text()
    assert "--config /srv/agepartners/app/deploy/gunicorn.conf.py" in web
    assert GUNICORN_CONF == DEPLOY / "gunicorn.conf.py"
    # Options on the command line would override the file: the unit passes none.
    assert not re.search(r"--(?!config)[a-z-]+", web.split("ExecStart=", 1)[1].split("\nExecReload", 1)[0])
    environment = (DEPLOY / "agepartners.env").read_text()
    for name in ("WEB_BIND", "WEB_WORKERS", "WEB_THREADS"):
        assert re.search(rf"^{name}=", environment, re.M), name


def test_the_units_run_web_worker_and_one_beat_from_one_environment_file():
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {"agepartners-web.service", "agepartners-worker.service", "agepartners-beat.service"}
    assert "gunicorn agepartners.wsgi" in units["agepartners-web.service"]
    assert "celery -A agepartners worker" in units["agepartners-worker.service"]
    assert "celery -A agepartners beat" in units["agepartners-beat.service"]
    assert "EXACTLY ONE" in units["agepartners-beat.service"]
    for text in units.values():
        assert "EnvironmentFile=/etc/agepartners/agepartners.env" in text
    environment = (DEPLOY / "agepartners.env").read_text()
    for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "FILES_URL",
                 "DJANGO_BEHIND_TLS_PROXY", "ALLAUTH_TRUSTED_PROXY_COUNT"):
        assert re.search(rf"^{name}=", environment, re.M), name
    readme = (ROOT / "README.md").read_text()
    for path in ("deploy/agepartners.env", "deploy/nginx/agepartners.conf", "deploy/systemd/", "docs/deploy.md"):
        assert path in readme, path
