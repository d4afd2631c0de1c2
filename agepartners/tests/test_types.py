"""mypy with django-stubs finds nothing in the application code (mypy.ini says what is checked).

It runs here so that `make test`, and so CI, fails on a type error like on any other bug.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_error_in_the_application_code() -> None:
    # A process of its own: the django-stubs plugin sets Django up from mypy.ini's settings
    # module, which must not meet the test run's configured Django.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout
