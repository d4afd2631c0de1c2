"""Personal pages: every logged-in person reaches their own, whatever their projects."""
from __future__ import annotations

from projects.tests.access import LOGIN, Case, World


def build(world: World) -> list[Case]:
    everyone = dict(outsider=200, observer=200, member=200, coordinator=200, superuser=200)
    # An empty deletion form is refused with its errors (400) and erases nothing.
    refused = dict(outsider=400, observer=400, member=400, coordinator=400, superuser=400)
    return [
        Case("accounts:index", "/en/me/", anonymous=LOGIN, **everyone),
        Case("accounts:export", "/en/me/export/", anonymous=LOGIN, **everyone),
        Case("accounts:delete", "/en/me/delete/", anonymous=LOGIN, method="post", data={}, **refused),
    ]
