"""Access-matrix cases of the projects app and of the project-level URLs (agepartners)."""
from __future__ import annotations

from projects.services import invite
from projects.tests.access import LOGIN, Case, World


def build(world: World) -> list[Case]:
    project, other = world.project, world.other_project
    _invitation, token = invite(
        project=project, email="new.partner@vejle.example", first_name="Mette", last_name="Jensen",
        organisation=world.partner_organisation, language="da",
    )
    everyone_ok = dict(anonymous=200, outsider=200, observer=200, member=200, coordinator=200, superuser=200)
    from outbox.services import record_heartbeat

    for part in ("beat", "worker"):  # /healthz is 200 for everyone while they run
        record_heartbeat(part)
    logged_in_ok = dict(anonymous=LOGIN, outsider=200)
    return [
        # agepartners
        Case("healthz", "/healthz", **everyone_ok),
        Case("set_language", "/i18n/setlang/", method="post", data={"language": "de", "next": "/de/"},
             anonymous=302, outsider=302, observer=302, member=302, coordinator=302, superuser=302),
        # projects
        Case("home", "/en/", **everyone_ok),
        Case("dashboard", "/en/dashboard/", **logged_in_ok),
        Case("profile", "/en/profile/", **logged_in_ok),
        Case("project", f"/en/projects/{project.slug}/", **everyone_ok),
        # A private project's page exists only for its members (and superusers).
        Case("project", f"/lv/projects/{other.slug}/", anonymous=404, outsider=200, observer=404, member=404,
             coordinator=404, superuser=200),
        Case("project", "/en/projects/no-such-project/", anonymous=404, outsider=404, observer=404, member=404,
             coordinator=404, superuser=404),
        Case("partner_directory", f"/en/projects/{project.slug}/partners/"),
        Case("partner_directory", f"/en/projects/{other.slug}/partners/", outsider=200, observer=404, member=404,
             coordinator=404, superuser=200),
        # Anyone holding the link may open it: the token is the credential.
        Case("invitation_accept", f"/da/invitations/{token}/", **everyone_ok),
        Case("invitation_accept", "/en/invitations/not-a-real-token/", anonymous=404, outsider=404, observer=404,
             member=404, coordinator=404, superuser=404),
    ]
