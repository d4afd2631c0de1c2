from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import storages


@pytest.fixture(autouse=True)
def _private_media(monkeypatch: Any, tmp_path: Any) -> None:
    """Uploaded meeting files of a test land in its own temporary folder."""
    monkeypatch.setattr(storages["private"], "location", str(tmp_path / "private"))
