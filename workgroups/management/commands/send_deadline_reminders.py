from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from outbox import services as outbox
from workgroups import reminders


def _parse_now(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        raise CommandError(f"--now {value!r}: expected an ISO date and time such as 2026-04-01T08:30+03:00")
    if timezone.is_naive(moment):
        # A time without offset is read in the server's time zone, as an operator would mean it.
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Send the deadline reminders that are due now (the same sweep Celery beat runs every "
        "15 minutes), once and synchronously, and report what was sent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be sent; write and send nothing.")
        parser.add_argument(
            "--now", metavar="ISO_DATETIME",
            help="Run as if at this moment, e.g. 2026-04-01T08:30+03:00 (to preview a morning or to catch up).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = _parse_now(options["now"]) if options["now"] else timezone.now()
        dry_run = options["dry_run"]
        result = reminders.sweep(now, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        shown = timezone.localtime(now)
        self.stdout.write(f"Deadline reminders at {shown.isoformat(timespec='minutes')}{' (dry run)' if dry_run else ''}:")
        grouped = result.by_recipient()
        for user, items in sorted(grouped.items(), key=lambda pair: pair[0].email):
            self.stdout.write(f"  {user.email} ({len(items)} reminder(s) in one email)")
            for item in sorted(items, key=lambda i: (i.task.deadline, i.task.pk)):
                self.stdout.write(
                    f"    - {item.task.work_group.project.acronym or item.task.work_group.project.title}: "
                    f"{item.task.title} [deadline {item.task.deadline.isoformat()}, {item.occasion.kind}, {item.role}]"
                )
        if not dry_run and result.email_ids:
            # Deliver now rather than wait for a worker; the outbox's claim keeps a worker
            # that picks up the same ids from sending them twice.
            counts = outbox.deliver(result.email_ids)
            delivery = f" Delivery: {counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} failed."
        else:
            delivery = ""
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {len(result.planned)} reminder(s) in {len(grouped)} email(s).{delivery}"
        ))
