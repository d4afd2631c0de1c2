"""Separate network hosts on one Linux machine: one network namespace per host, each with a
veth pair into a bridge that lives in a namespace of its own (the "switch"), so nothing of
this is visible in the machine's own network. Needs root (ip netns, iproute2).

Every address is in SUBNET and exists only inside these namespaces.
"""
from __future__ import annotations

import ctypes
import os
import re
import subprocess
from dataclasses import dataclass, field

SUBNET = "10.217.17"
PREFIX_LENGTH = 24
CLONE_NEWNET = 0x40000000


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"setns: {os.strerror(error)}")


@dataclass
class Network:
    """Hosts by name -> address; ``tag`` keeps the namespaces of two runs apart."""

    hosts: dict[str, str]
    tag: str = field(default_factory=lambda: f"agp{os.getpid()}")
    created: list[str] = field(default_factory=list)
    _original_netns: int | None = None

    def ns(self, host: str) -> str:
        return f"{self.tag}-{host}"

    @property
    def switch(self) -> str:
        return f"{self.tag}-switch"

    def exec_prefix(self, host: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns(host)]

    def create(self) -> None:
        remove_stale()
        ip("netns", "add", self.switch)
        self.created.append(self.switch)
        ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        ip("-n", self.switch, "link", "set", "br0", "up")
        for host, address in self.hosts.items():
            name = self.ns(host)
            ip("netns", "add", name)
            self.created.append(name)
            # Both ends are created directly inside their namespaces: no interface ever
            # appears in the machine's own namespace.
            ip("link", "add", "eth0", "netns", name, "type", "veth", "peer", "name", host[:15], "netns", self.switch)
            ip("-n", self.switch, "link", "set", host[:15], "master", "br0", "up")
            ip("-n", name, "addr", "add", f"{address}/{PREFIX_LENGTH}", "dev", "eth0")
            ip("-n", name, "link", "set", "eth0", "up")
            # Without lo up, anything bound to 127.0.0.1 inside the host fails silently.
            ip("-n", name, "link", "set", "lo", "up")

    def add_addresses(self, host: str, addresses: list[str]) -> None:
        """More addresses for one host (50 partners on 50 addresses, for the per-address limits)."""
        for address in addresses:
            ip("-n", self.ns(host), "addr", "add", f"{address}/{PREFIX_LENGTH}", "dev", "eth0")

    def enter(self, host: str) -> None:
        """Move this process's calling thread (and every thread it starts later) into the
        host's namespace: the harness itself becomes that host."""
        self._original_netns = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        fd = os.open(f"/run/netns/{self.ns(host)}", os.O_RDONLY)
        try:
            _setns(fd)
        finally:
            os.close(fd)

    def leave(self) -> None:
        if self._original_netns is not None:
            _setns(self._original_netns)
            os.close(self._original_netns)
            self._original_netns = None

    def destroy(self) -> None:
        self.leave()
        for name in reversed(self.created):
            ip("netns", "del", name, check=False)
        self.created.clear()


def remove_stale() -> None:
    """Namespaces left by a harness run whose process is gone (killed before its finally)."""
    listing = ip("netns", "list", check=False).stdout
    for line in listing.splitlines():
        match = re.match(r"^(agp(\d+)-\S+)", line)
        if match and not os.path.exists(f"/proc/{match[2]}"):
            ip("netns", "del", match[1], check=False)
