"""Language helpers shared by the switcher and the login."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import translate_url
from django.utils import translation


def language_of(url: str) -> str:
    """The language a portal address speaks: its prefix, else the active language."""
    return translation.get_language_from_path(urlsplit(url).path) or translation.get_language()


def url_in_language(url: str, language: str) -> str:
    """The same page in another language (``/en/news/`` → ``/lv/news/``).

    Django's ``translate_url`` resolves the address in the *active* language, so an
    address with another prefix would not resolve and come back unchanged.
    """
    with translation.override(language_of(url)):
        return translate_url(url, language)
