"""HTML and CSS templates to PDF with WeasyPrint, without ever touching the network.

The fetcher hands WeasyPrint only two kinds of resources: the vendored files under
``static/`` (the DejaVu font, the emblem) and the meeting photos the record shows, read
through their storage (so it works the same on disk or S3). Any other URL is refused.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ATTACHMENT_SCHEME = "attachment:"


def static_root() -> Path:
    return Path(settings.BASE_DIR, "static").resolve()


def static_uri(relative: str) -> str:
    """A vendored file as the ``file:`` URL the PDF templates name (fonts in @font-face)."""
    return (static_root() / relative).as_uri()


class LocalFetcher(URLFetcher):
    def __init__(self, attachments: Iterable[Any] = ()) -> None:
        super().__init__(allowed_protocols=())
        self._attachments = {a.pk: a for a in attachments}

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(ATTACHMENT_SCHEME):
            attachment = self._attachments.get(int(url.removeprefix(ATTACHMENT_SCHEME) or 0))
            if attachment is None:
                raise ValueError(f"not an attachment of this record: {url}")
            with attachment.file.open("rb") as handle:
                data = handle.read()
            return URLFetcherResponse(url, data, {"Content-Type": attachment.content_type})
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(static_root()) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        raise ValueError(f"the PDF reads no resource from {url}")


def render_pdf(template: str, context: dict[str, Any], *, language: str, attachments: Iterable[Any] = ()) -> bytes:
    with translation.override(language):
        html = render_to_string(template, {**context, "font_regular": static_uri("vendor/dejavu/DejaVuSans.ttf"),
                                           "font_bold": static_uri("vendor/dejavu/DejaVuSans-Bold.ttf"),
                                           "emblem": static_uri("img/eu-emblem.svg"), "pdf_language": language})
    return HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=LocalFetcher(attachments)).write_pdf()
