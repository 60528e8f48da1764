"""Settings for benchmarks/scan_rps.py: the real ones, with a URL conf that adds a constant view."""

from ocop.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
