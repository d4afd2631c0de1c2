"""Counts the SQL queries of each request and tells them in ``X-Bench-Queries``.

Loaded only by bench.settings, never by the portal's own settings.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-Queries"
# BENCH_LOG_QUERIES=true prints every query with its request path to stderr (debugging).
LOG = os.environ.get("BENCH_LOG_QUERIES", "").lower() in ("1", "true", "yes")


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            if LOG:
                print(f"[{request.path}] {sql[:300]}", file=sys.stderr)
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
