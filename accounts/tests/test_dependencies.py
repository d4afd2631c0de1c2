"""What `pip-audit -r requirements.txt` audits is what runs: every requirement is an exact
pin, and the installed version is the pinned one. (The audit itself needs a vulnerability
database on the network; see docs/reliability.md.)"""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[a-z0-9,]+\])?==(?P<version>[A-Za-z0-9.+!-]+)$")


def _requirements(name: str) -> list[str]:
    lines = []
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-r "):
            lines.append(line)
    return lines


def test_every_requirement_is_an_exact_pin_of_what_is_installed():
    problems = []
    for file in ("requirements.txt", "requirements-dev.txt"):
        for line in _requirements(file):
            match = PIN.match(line)
            if not match:
                problems.append(f"{file}: {line!r} is not an exact pin (name==version)")
                continue
            try:
                installed = metadata.version(match["name"])
            except metadata.PackageNotFoundError:
                problems.append(f"{file}: {match['name']} is pinned but not installed")
                continue
            if installed != match["version"]:
                problems.append(f"{file}: {match['name']} pinned {match['version']}, installed {installed}")
    assert not problems, "\n".join(problems)


def test_the_runtime_dependencies_of_pinned_packages_are_pinned_too():
    """A transitive dependency nobody pinned would escape the audit of requirements.txt."""
    pinned = {PIN.match(line)["name"].lower().replace("_", "-") for line in _requirements("requirements.txt")}
    missing = set()
    for name in pinned:
        for requirement in metadata.requires(name) or []:
            if ";" in requirement and "extra ==" in requirement:
                extra = requirement.split("extra ==", 1)[1].strip().strip("'\"")
                line = next((line for line in _requirements("requirements.txt") if line.lower().startswith(name)), "")
                if f"[{extra}]" not in line:
                    continue
            elif ";" in requirement:
                continue  # a marker for another platform or Python version
            dependency = re.split(r"[\s<>=!~\[;(]", requirement, maxsplit=1)[0].lower().replace("_", "-")
            if dependency not in pinned:
                missing.add(f"{dependency} (needed by {name})")
    assert not missing, sorted(missing)
