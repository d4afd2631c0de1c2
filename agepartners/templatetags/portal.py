"""Tags of base.html: what every page shows the same way in a given language is built
once per process and language, not on every request (the language switcher's six
``get_language_info`` look-ups and the header's eleven ``{% url %}``s cost more than
the rest of the layout)."""
from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaultfilters import capfirst
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The URL names the header links to; reversed once per language (i18n_patterns prefixes them).
HEADER_URLS = {
    "home": "home",
    "dashboard": "dashboard",
    "meetings": "meetings:list",
    "my_tasks": "workgroups:my_tasks",
    "discussions": "communication:index",
    "news": "news:list",
    "admin": "admin:index",
    "set_language": "set_language",
    "profile": "profile",
    "logout": "account_logout",
    "login": "account_login",
}


@lru_cache(maxsize=64)
def _language_options(current: str, languages: tuple[str, ...]) -> SafeString:
    # The markup (and whitespace) the former {% for %} / {% get_language_info %} loop wrote.
    return mark_safe("".join(
        format_html(
            '\n          <option value="{}"{} lang="{}">{}</option>\n          ',
            code, mark_safe(" selected") if code == current else "", code,
            capfirst(translation.get_language_info(code)["name_local"]),
        )
        for code in languages
    ))


@register.simple_tag
def language_options() -> SafeString:
    """The switcher's <option>s, the current language selected."""
    return _language_options(translation.get_language(), tuple(code for code, _name in settings.LANGUAGES))


class _HeaderUrls(dict):
    """URL name key -> path, each reversed on first use (a URLconf without, say, the admin
    fails only where that link is shown, as ``{% url %}`` did)."""

    def __init__(self, urlconf: str) -> None:
        super().__init__()
        self.urlconf = urlconf

    def __missing__(self, key: str) -> str:
        path = self[key] = reverse(HEADER_URLS[key], urlconf=self.urlconf)
        return path


@lru_cache(maxsize=64)
def _header_urls(language: str | None, script_prefix: str, urlconf: str) -> _HeaderUrls:
    return _HeaderUrls(urlconf)


@register.simple_tag
def header_urls() -> _HeaderUrls:
    """The header's links in the current language, under the current script prefix."""
    return _header_urls(translation.get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
