"""Settings for benchmarks/scan_rps.py: the real ones, with a URL conf that adds a constant view.

Rate limits are off unless OCOP_RATE_LIMITS is given: wrk is one client sending thousands of requests a
second. `OCOP_RATE_LIMITS=scan=100000000/60` measures the limiter's cost with a limit the load never
reaches."""

import os

from ocop.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
OCOP_RATE_LIMITS = os.environ.get("OCOP_RATE_LIMITS", "off")
