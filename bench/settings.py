"""Settings of the benchmark run: the portal's own settings, plus two things only the
benchmark may see: the ceiling view (bench/urls.py) and a query counter in a
response header. The portal itself never loads this module."""
import os

from agepartners.settings import *  # noqa: F401,F403
from agepartners.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that the count includes the session and user look-ups of every request.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# collectstatic of the benchmark writes here, never into the portal's own STATIC_ROOT.
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405
# Pages are measured as a first visit gets them: nothing computed for one request is
# reused by the next (BENCH_CACHE=redis keeps the portal's own cache, to compare).
if os.environ.get("BENCH_CACHE", "dummy") == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
