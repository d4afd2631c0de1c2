"""The contract of the access-control matrix (see test_access_matrix.py).

Every app has ``<app>/tests/access_cases.py`` with ``build(world) -> list[Case]``: it
creates objects of ``world.project`` (through its services where they exist) and returns
one Case per URL, with the status each role must get. The matrix test fails when a URL
pattern of the project has no Case.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "outsider", "observer", "member", "coordinator", "superuser")

LOGIN = "login"  # a redirect (302) to the login page


@dataclass
class World:
    project: Any  # the partnership under test; its objects are private to its members
    other_project: Any  # the outsider's own project
    users: dict[str, Any]  # role -> user (no entry for anonymous)
    organisation: Any
    partner_organisation: Any
    extra: dict[str, Any] = field(default_factory=dict)  # apps may share objects here


@dataclass
class Case:
    """Expected status per role for one URL. A role left out expects ``default``.

    ``LOGIN`` means a redirect to the login page. Use ``method="post"`` and ``data`` for
    actions; side effects are fine, every role runs against a fresh database.
    """

    name: str  # the URL pattern's name, e.g. "meetings:detail"
    url: str
    anonymous: int | str = LOGIN
    outsider: int | str = 404
    observer: int | str = 200
    member: int | str = 200
    coordinator: int | str = 200
    superuser: int | str = 200
    method: str = "get"
    data: dict[str, Any] | None = None

    def expected(self, role: str) -> int | str:
        return getattr(self, role)
