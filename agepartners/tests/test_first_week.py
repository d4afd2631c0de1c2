"""What a new user meets first: dates read the European way in every language, one style
per page, machine-readable times that are valid HTML, and the portal's icon."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

MOMENT = datetime(2026, 12, 2, 1, 10, 36, 483787, tzinfo=ZoneInfo("Europe/Riga"))


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "2 December 2026, 01:10"),
    ("lv", "2026. gada 2. decembris, 01:10"),
    ("de", "2. Dezember 2026 01:10"),
    ("hu", "2026. december 2. 01:10"),
    ("da", "2. december 2026 01:10"),
])
def test_short_and_long_datetimes_read_alike_day_month_year_on_a_24_hour_clock(lang, expected):
    with translation.override(lang):
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == expected
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == expected
        # The short date is the long date: never "12/02/2026" beside "2 December 2026".
        assert formats.date_format(MOMENT, "SHORT_DATE_FORMAT") == formats.date_format(MOMENT, "DATE_FORMAT")


@pytest.mark.django_db
def test_time_elements_carry_no_microseconds(client, partner, project):
    from communication.models import Thread

    # created_at and last_activity_at carry microseconds, as everything people create does.
    Thread.objects.create(project=project, title="Timing", author=partner)
    client.force_login(partner)
    pages = [f"/en/discussions/p/{project.slug}/"]
    seen = 0
    for url in pages:
        html = client.get(url).content.decode()
        for value in re.findall(r'<time datetime="([^"]+)"', html):
            seen += 1
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{4})?", value), (url, value)
    assert seen, "no <time> element on the pages checked"


def test_the_portal_has_a_favicon_at_the_sites_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\x00\x00\x01\x00"  # an ICO file
