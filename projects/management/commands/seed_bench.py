"""``manage.py seed_bench --scale N``: the benchmark's data set (see bench/seed.py)."""
from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Fill an empty database with the benchmark's data set: scale 1 = 100 partnerships (bulk inserts)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 100 projects, 5,000 people, 100,000 tasks; 0.1 for a quick run.")
        parser.add_argument("--seed", type=int, default=2012, help="Random seed (the same seed builds the same data).")
        parser.add_argument("--json", dest="json_path", help="Also write the row counts and timings to this JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.seed import Seeder

        if options["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        self.stdout.write(f"Seeding the benchmark data set at scale {options['scale']} …")
        seeder = Seeder(options["scale"], seed=options["seed"], out=self.stdout.write)
        try:
            counts = seeder.run()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        for name, rows in sorted(counts.rows.items()):
            self.stdout.write(f"  {rows:>9,}  {name}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {counts.seconds['total']:.1f} s."))
        if options["json_path"]:
            with open(options["json_path"], "w") as fh:
                json.dump({"scale": options["scale"], "rows": counts.rows, "seconds": counts.seconds,
                           "peak_rss_mb": counts.peak_rss_mb}, fh, indent=2)
