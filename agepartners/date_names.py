"""Names of months and weekdays, marked for the project's core catalogue.

Django translates these itself (``django.utils.dates``), but its Italian catalogue
capitalises them ("Ottobre", "Lunedì") where Italian writes them in lower case
("30 ottobre 2026", "lunedì"). The core catalogue (``locale/``) comes first in
``LOCALE_PATHS``, so a msgstr given here replaces Django's in every ``date`` filter.

Nothing imports this module: it exists so that ``makemessages --no-obsolete`` finds
these msgids in the project's sources and keeps them in ``locale/*/django.po``.
The other languages carry Django's own wording, unchanged.
"""
from __future__ import annotations

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)

WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)

# The meeting agenda shows days as "D j M" ("lun 5 ott").
WEEKDAYS_ABBR = (
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
)
