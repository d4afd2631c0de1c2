"""A real IMAP server for the inbound tests: Debian's Dovecot on loopback, from a config of
its own (the system service stays off), one per test session, a fresh folder per test.

It also speaks TLS, with a certificate the session makes (its own CA, the server's
certificate for 127.0.0.1 only): IMAPS on a second port and STARTTLS on the plain one."""
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
from datetime import datetime, timedelta, timezone
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from communication import discussions
from conftest import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "portal", "secret-for-loopback"


@dataclass
class Dovecot:
    host: str
    port: int
    tls_port: int = 0
    ca_file: str = ""  # the CA that signed the server's certificate
    log: Path | None = None
    folder: str = "INBOX"

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@{self.host}:{self.port}/{self.folder}"

    def imaps_url(self, host: str = "", ca: str | None = None) -> str:
        query = f"?ca={ca if ca is not None else self.ca_file}" if ca != "" else ""
        return f"imaps://{USER}:{PASSWORD}@{host or self.host}:{self.tls_port}/{self.folder}{query}"

    def starttls_url(self, host: str = "", ca: str | None = None) -> str:
        query = f"&ca={ca if ca is not None else self.ca_file}" if ca != "" else ""
        return f"imap://{USER}:{PASSWORD}@{host or self.host}:{self.port}/{self.folder}?starttls=yes{query}"

    def count(self, folder: str | None = None) -> int:
        with self.client() as client:
            client.select_folder(folder or self.folder, readonly=True)
            return len(client.search(["ALL"]))

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


def _certificates(root: Path) -> tuple[Path, Path, Path]:
    """A CA of the test session and a server certificate it signs for 127.0.0.1 (an IP
    address only: "localhost" is a wrong name for it). Returns CA, certificate, key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(timezone.utc)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(name("agepartners test CA")).issuer_name(name("agepartners test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder().subject_name(name("127.0.0.1")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = root / "ca.pem", root / "server.pem", root / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(paths[2], 0o600)
    return paths


def _config(root: Path, port: int, tls_port: int, cert: Path, key: Path) -> Path:
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
# Loopback only, in tests: TLS offered (IMAPS, STARTTLS), plain passwords also without it.
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
{'ssl_dh = </usr/share/dovecot/dh.pem' if os.path.exists('/usr/share/dovecot/dh.pem') else ''}
disable_plaintext_auth = no
auth_mechanisms = plain login
# The listening port in each login line, so a test sees which listener (and %c: TLS) was used.
login_log_format_elements = user=<%u> method=%m rip=%r lip=%l lport=%{{lport}} mpid=%e %c session=<%{{session}}>
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
    address = 127.0.0.1
    port = {tls_port}
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
    port, tls_port = free_port(), free_port()
    while tls_port == port:
        tls_port = free_port()
    ca, cert, key = _certificates(root)
    conf = _config(root, port, tls_port, cert, key)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                for listening in (port, tls_port):
                    with socket.create_connection(("127.0.0.1", listening), timeout=1):
                        pass
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    output = process.stdout.read().decode() if process.stdout and process.poll() is not None else ""
                    pytest.fail(f"Dovecot did not start: {output}\n{log}")
                time.sleep(0.1)
        yield Dovecot("127.0.0.1", port, tls_port, str(ca), root / "dovecot.log")
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
    server = Dovecot(_dovecot.host, _dovecot.port, _dovecot.tls_port, _dovecot.ca_file, _dovecot.log, folder)
    settings.INBOUND_EMAIL_URL = server.url
    settings.INBOUND_EMAIL_ADDRESS = "partners@portal.example"
    yield server


@pytest.fixture
def thread(project, coordinator, partner, settings):
    settings.INBOUND_EMAIL_ADDRESS = "partners@portal.example"
    thread = discussions.start_thread(project, coordinator, "Questionnaire", "Please look at the draft.")
    discussions.set_following(thread, partner, True)
    return thread
