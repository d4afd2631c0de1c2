from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> Iterator[None]:
    """Uploaded meeting files of a test land in its own temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    yield
