#!/usr/bin/env python
"""Retake the README's pictures: the demo coordinator's dashboard (desktop and phone) and
the charts of the demo project's report, in English.

    make run &                                   # the demo on http://127.0.0.1:8000
    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8000 docs/screenshot.png docs/screenshot-phone.png docs/report-charts.png

Drives Debian's Chromium (/usr/bin/chromium) with Playwright. The coordinator's
language is switched to English on the way, as a reader of the README would.
"""
from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright


def main(base: str, out: str, phone_out: str | None = None, report_out: str | None = None) -> int:
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
        page.click("details.lang-switch summary")
        page.click("details.lang-switch button[value=en]")
        page.wait_for_url("**/en/dashboard/")
        page.screenshot(path=out)
        if phone_out:  # the same dashboard on a 390 px phone, its menu folded
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=phone_out)
        if report_out:  # the report is the coordinators'
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{base}/en/reports/projects/administration-go-europe/report/")
            page.locator(".report-charts").screenshot(path=report_out)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/"), *sys.argv[2:5]))
