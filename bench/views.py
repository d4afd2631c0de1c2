"""The ceiling: the fastest page this stack can serve.

A bare view that returns a fixed HTML page of a given size through the same
server, middleware and settings as the portal's pages, without touching the
database, the session or a template. The portal's pages are measured against it.
"""
from __future__ import annotations

from functools import lru_cache

from django.http import HttpRequest, HttpResponse

MAX_SIZE = 1_000_000


@lru_cache(maxsize=16)
def _page(size: int) -> bytes:
    head = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ceiling</title></head><body><p>"
    tail = b"</p></body></html>\n"
    filler = max(0, size - len(head) - len(tail))
    return head + (b"agepartners " * (filler // 12 + 1))[:filler] + tail


def ceiling(request: HttpRequest, size: int) -> HttpResponse:
    return HttpResponse(_page(min(max(size, 0), MAX_SIZE)), content_type="text/html; charset=utf-8")
