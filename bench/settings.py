"""Settings of the benchmark run: the portal's own settings, plus two things only the
benchmark may see: the ceiling view (bench/urls.py) and a query counter in a
response header. The portal itself never loads this module."""
from agepartners.settings import *  # noqa: F401,F403
from agepartners.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that the count includes the session and user look-ups of every request.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# collectstatic of the benchmark writes here, never into the portal's own STATIC_ROOT.
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405
