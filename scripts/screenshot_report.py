#!/usr/bin/env python
"""Retake docs/report-charts.png: the charts of the demo project's report, in English.

    make run &                                   # the demo on http://127.0.0.1:8000
    .venv/bin/python scripts/screenshot_report.py http://127.0.0.1:8000 docs/report-charts.png

Drives Debian's Chromium (/usr/bin/chromium) with Playwright, logged in as the demo
coordinator (the report is the coordinators').
"""
from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright


def main(base: str, out: str) -> int:
    password = os.environ.get("DEMO_PASSWORD", "partners2012")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/en/accounts/login/")
        page.fill("input[name=login]", "coordinator@daugavpils.example")
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/dashboard/")
        page.goto(f"{base}/en/reports/projects/administration-go-europe/report/")
        page.locator(".report-charts").screenshot(path=out)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/"), sys.argv[2]))
