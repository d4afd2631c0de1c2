"""The partnership of the seed article, as demo data (see ``seed_demo``).

Dates are written as in the seed (2012-2014). Unless ``--historical`` is given, the
whole timeline is shifted so that today stands where the seed article stands: after
the first partner meeting in Magdeburg, with the next meeting and deadlines ahead.
Each app adds its part in its own ``demo.py`` through ``seed(ctx)``; the texts, people
and dates are data, in the ``demo.toml`` beside it.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
import zoneinfo

from projects import services
from projects.models import Membership, Organisation, Partner, Project

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# The day the seed article speaks from: after the Magdeburg meeting (early October
# 2012), the next meeting "planned for April".
ARTICLE_DATE = date(2012, 11, 20)


def content(module_file: str) -> dict[str, Any]:
    """The demo data of the app whose ``demo.py`` is ``module_file``: its ``demo.toml``."""
    return tomllib.loads(Path(module_file).with_suffix(".toml").read_text(encoding="utf-8"))


@dataclass
class DemoContext:
    password: str | None
    historical: bool
    today: date
    out: Any
    project: Project | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)  # key -> User
    # email, role (translated when printed), language, name
    logins: list[tuple[str, StrOrPromise, str, str]] = field(default_factory=list)

    @property
    def offset(self) -> timedelta:
        return timedelta(0) if self.historical else self.today - ARTICLE_DATE

    def day(self, seed_date: date) -> date:
        """A date of the seed's timeline, moved onto the demo's timeline."""
        return seed_date + self.offset

    def moment(self, seed: datetime, tz: str) -> datetime:
        """A local time of the seed's timeline in ``tz``, moved onto the demo's, as an aware datetime."""
        return (seed + self.offset).replace(tzinfo=zoneinfo.ZoneInfo(tz))


def seed(ctx: DemoContext) -> None:
    data = content(__file__)
    for org in data["organisations"]:
        ctx.organisations[org["key"]], _ = Organisation.objects.update_or_create(
            name=org["name"],
            defaults={"kind": org["kind"], "country": org["country"], "city": org["city"], "website": org.get("website", "")},
        )

    fields = dict(data["project"])
    dates = {name: ctx.day(seed_date) for name, seed_date in fields.pop("dates").items()}
    fields["coordinating_organisation"] = ctx.organisations[fields["coordinating_organisation"]]
    project, _ = Project.objects.update_or_create(slug=fields.pop("slug"), defaults={**fields, **dates})
    ctx.project = project
    partners = {}
    for org in data["organisations"]:
        partners[org["key"]], _ = Partner.objects.update_or_create(
            project=project, organisation=ctx.organisations[org["key"]],
            defaults={"role": org["role"], "contracted_mobilities": org["mobilities"]},
        )

    for person in data["people"]:
        org_key = person.get("organisation")
        user = services.create_user(
            person["email"], first_name=person["first_name"], last_name=person["last_name"], password=ctx.password,
            organisation=ctx.organisations[org_key] if org_key else None, position=person["position"],
            phone=person["phone"], language=person["language"], time_zone=person["time_zone"],
        )
        services.add_membership(user, project, person["role"])
        ctx.users[person["key"]] = user
        ctx.logins.append((user.email, Membership.Role(person["role"]).label, person["language"], user.get_full_name()))
        if org_key:
            partners[org_key].contacts.add(user.person)

    admin = services.create_user(
        "admin@agepartners.example", first_name="Portal", last_name="Administrator",
        password=ctx.password, language="en", is_superuser=True,
    )
    ctx.users["admin"] = admin
    ctx.logins.append(("admin@agepartners.example", "Superuser", "en", "Portal Administrator"))
