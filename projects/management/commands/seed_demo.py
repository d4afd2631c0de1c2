from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from projects import demo

# Each app adds its part of the partnership, in this order.
DEMO_MODULES = ["projects.demo", "meetings.demo", "workgroups.demo", "news.demo", "communication.demo", "reports.demo"]


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
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo partnership 'Administration go Europe!' is ready."))
        shown = password or "(unchanged)"
        self.stdout.write(f"Demo logins (password: {shown}):")
        for email, role, language, name in ctx.logins:
            self.stdout.write(f"  {email:<40} {role:<16} {language}  {name}")


def _demo_exists() -> bool:
    from projects.models import Project

    return Project.objects.filter(slug="administration-go-europe").exists()
