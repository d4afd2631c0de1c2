"""Date and time formats of the portal, per language (FORMAT_MODULE_PATH).

Django's defaults mix two styles on one page ("30. aprīlis 2027" beside "1.12.2026") and
write English the American way ("12/02/2026 1:10 a.m."). The portal's readers are in
Europe: every language writes dates one way, with the month's name, and a 24-hour clock.
A format a language does not set here comes from Django's own locale.
"""
