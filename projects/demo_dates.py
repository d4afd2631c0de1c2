"""Dates inside the demo's texts, moved with the demo's timeline.

The demo shifts the seed's 2012-2014 timeline so that today stands where the seed article
stands (projects/demo.py). A text that says "by 26 October" or "from 1 August 2012" must
move with it, or the demo contradicts itself. Texts therefore carry placeholders naming
the seed's date, and the demo writes the moved date as the text's language writes it
inside a sentence:

    {2012-10-26|dm}       day and month        "8 November", "8. November", "8. novembris"
    {2012-08-01|full}     day, month and year  "14 August 2026"
    {2013-04-18|month}    the month            "May", "Mai", "maggio"
    {2011-09-15|year}     the year             "2025"

A Latvian date in a sentence is declined: add the case, e.g. {2012-10-24|dm|dat} is
"līdz 6. novembrim" after "līdz", |gen after "no", |loc for "in/on". In texts of mixed
languages (discussions) a placeholder names its language: {lv@2012-10-24|dm|dat}.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.utils import translation
from django.utils.dates import MONTHS

# Django's catalogues name the months (Italian in lower case: see agepartners/date_names.py);
# the cases a Latvian sentence declines them in are not among them.
LATVIAN_CASES = {
    "gen": ("janvāra", "februāra", "marta", "aprīļa", "maija", "jūnija", "jūlija", "augusta", "septembra",
            "oktobra", "novembra", "decembra"),
    "dat": ("janvārim", "februārim", "martam", "aprīlim", "maijam", "jūnijam", "jūlijam", "augustam",
            "septembrim", "oktobrim", "novembrim", "decembrim"),
    "loc": ("janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā", "jūlijā", "augustā", "septembrī",
            "oktobrī", "novembrī", "decembrī"),
}


def month_name(lang: str, day: date, case: str = "") -> str:
    if lang == "lv" and case:
        return LATVIAN_CASES[case][day.month - 1]
    with translation.override(lang):
        return str(MONTHS[day.month])


def day_month(lang: str, day: date, case: str = "") -> str:
    month = month_name(lang, day, case)
    if lang == "en":
        return f"{day.day} {month}"
    if lang == "it":
        return f"{day.day}{'°' if day.day == 1 else ''} {month}"
    if lang == "hu":
        return f"{month} {day.day}."
    return f"{day.day}. {month}"  # lv, de, da


def full_date(lang: str, day: date, case: str = "") -> str:
    if lang == "lv":
        return f"{day.year}. gada {day_month(lang, day, case)}"
    if lang == "hu":
        return f"{day.year}. {day_month(lang, day)}"
    return f"{day_month(lang, day)} {day.year}"


class DemoText(dict[str, str]):
    """The placeholders of one language's texts, resolved on the demo's timeline."""

    def __init__(self, lang: str, offset: timedelta) -> None:
        super().__init__()
        self.lang, self.offset = lang, offset

    def __missing__(self, key: str) -> str:
        lang, _at, key = key.rpartition("@")
        lang = lang or self.lang
        seed, form, *case = key.split("|")
        day = date.fromisoformat(seed) + self.offset
        if form == "year":
            return str(day.year)
        if form == "month":
            return month_name(lang, day, *case)
        if form == "dm":
            return day_month(lang, day, *case)
        if form == "full":
            return full_date(lang, day, *case)
        raise KeyError(key)


def moved(text: str, lang: str, offset: timedelta) -> str:
    """``text`` with its placeholders replaced by dates moved by ``offset``, in ``lang``."""
    return text.format_map(DemoText(lang, offset)) if "{" in text else text
