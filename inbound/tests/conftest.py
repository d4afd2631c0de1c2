"""A real IMAP server for the inbound tests: Debian's Dovecot on loopback, from a config of
its own (the system service stays off), one per test session, a fresh folder per test."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from conftest import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "portal", "secret-for-loopback"


@dataclass
class Dovecot:
    host: str
    port: int
    folder: str = "INBOX"

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@{self.host}:{self.port}/{self.folder}"

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes) -> None:
        with self.client() as client:
            client.append(self.folder, raw)

    def flagged_done(self) -> int:
        with self.client() as client:
            client.select_folder(self.folder, readonly=True)
            return len(client.search(["KEYWORD", "agepartners-done"]))


def _config(root: Path, port: int) -> Path:
    # Dovecot refuses to keep mail as root: as root, the mail belongs to its own user.
    me = pwd.getpwuid(os.getuid()) if os.getuid() != 0 else pwd.getpwnam("dovecot")
    (root / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{me.pw_uid}:{me.pw_gid}::{root / 'home'}::\n", encoding="utf-8"
    )
    conf = root / "dovecot.conf"
    conf.write_text(f"""
base_dir = {root / 'run'}
state_dir = {root / 'state'}
instance_name = agepartners-test-{port}
listen = 127.0.0.1
protocols = imap
# Loopback only, in tests: no TLS and plain passwords.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root / 'dovecot.log'}
mail_location = maildir:{root / 'mail'}/%u
mail_uid = {me.pw_uid}
mail_gid = {me.pw_gid}
first_valid_uid = 1
default_internal_user = {me.pw_name}
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = {root / 'passwd'}
}}
userdb {{
  driver = passwd-file
  args = {root / 'passwd'}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""", encoding="utf-8")
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir()
    for name in ("mail", "home"):
        os.chown(root / name, me.pw_uid, me.pw_gid)
    return conf


@pytest.fixture(scope="session")
def _dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.fail("Debian's dovecot-imapd is needed: scripts/ensure_test_services.sh installs it")
    root = Path(tempfile.mkdtemp(prefix="agepartners-dovecot-"))
    os.chmod(root, 0o755)
    port = free_port()
    conf = _config(root, port)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    output = process.stdout.read().decode() if process.stdout and process.poll() is not None else ""
                    pytest.fail(f"Dovecot did not start: {output}\n{log}")
                time.sleep(0.1)
        yield Dovecot("127.0.0.1", port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot(_dovecot: Dovecot, settings: Any) -> Iterator[Dovecot]:
    """The session's server with a folder of this test's own, set as INBOUND_EMAIL_URL."""
    folder = f"T{uuid.uuid4().hex[:10]}"
    with _dovecot.client() as client:
        client.create_folder(folder)
    server = Dovecot(_dovecot.host, _dovecot.port, folder)
    settings.INBOUND_EMAIL_URL = server.url
    settings.INBOUND_EMAIL_ADDRESS = "partners@portal.example"
    yield server
