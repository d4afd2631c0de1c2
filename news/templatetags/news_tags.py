from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

from news.html import clean_html

register = template.Library()


@register.filter(name="clean_html")
def clean_html_filter(value: str | None) -> SafeString:
    """Sanitise again on output: whatever reached the database, only allowed HTML leaves."""
    return mark_safe(clean_html(value))  # noqa: S308 - nh3 output with explicit allow-lists


# Languages that write language names in lower case inside a sentence
# ("in lettone", "latviešu valodā", "på lettisk", "lett nyelven"); English and German do not.
LOWER_CASE_LANGUAGE_NAMES = {"lv", "hu", "it", "da"}


@register.filter
def language_name(code: str) -> str:
    """The language's name in the reader's language, as written inside a sentence
    ('Latvian', 'Lettisch', 'lettone', …)."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    return name.lower() if get_language() in LOWER_CASE_LANGUAGE_NAMES else name


@register.filter
def language_local_name(code: str) -> str:
    """The language's name in itself ('latviešu', 'Deutsch', …), for links to it."""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code
