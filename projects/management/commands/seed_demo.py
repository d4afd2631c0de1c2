from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from communication import demo as communication_demo
from inbound import demo as inbound_demo
from meetings import demo as meetings_demo
from news import demo as news_demo
from projects import demo
from reports import demo as reports_demo
from workgroups import demo as workgroups_demo

# Each app adds its part of the partnership, in this order.
DEMO_MODULES = [demo, meetings_demo, workgroups_demo, news_demo, communication_demo, reports_demo, inbound_demo]


class Command(BaseCommand):
    help = "Create the demo partnership 'Administration go Europe!' (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", help="Set this password for every demo user (always applied).")
        parser.add_argument("--historical", action="store_true", help="Keep the seed's real 2012-2014 dates.")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = _demo_exists()
        password = options["password"]
        if password is None and not existing:
            password = settings.DEMO_PASSWORD
        ctx = demo.DemoContext(
            password=password, historical=options["historical"], today=timezone.localdate(), out=self.stdout
        )
        with transaction.atomic():
            for module in DEMO_MODULES:
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo partnership 'Administration go Europe!' is ready."))
        shown = password or "(unchanged)"
        self.stdout.write(f"Demo logins (password: {shown}):")
        for email, role, language, name in ctx.logins:
            self.stdout.write(f"  {email:<40} {role:<16} {language}  {name}")


def _demo_exists() -> bool:
    from projects.models import Project

    return Project.objects.filter(slug="administration-go-europe").exists()
