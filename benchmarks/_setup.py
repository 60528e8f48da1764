"""Shared set-up for the benchmarks: a scratch working directory with a migrated SQLite database (or the
DATABASE_URL one), demo data for Lai Châu, and a product with a live certificate."""

import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The benchmarks send hundreds of requests a minute from one client: rate limits off unless asked for.
os.environ.setdefault("OCOP_RATE_LIMITS", "off")
# Servers started with DEBUG off refuse the development key; set-up and server must share one key (stamp
# codes derive from it), so it is chosen here, before either starts.
os.environ.setdefault("OCOP_SECRET_KEY", secrets.token_urlsafe(50))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int, *, warm: bool = True) -> float:
    """Median seconds of `repeat` runs, after one warm-up run (caches, first compile) unless warm=False."""
    if warm:
        fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


@contextmanager
def statements_sent(connection):
    """Every statement the block sends, as (sql, parameters) the way the driver receives them."""
    sent: list[tuple] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def timed_pair(first, second, repeat: int) -> tuple[float, float]:
    """Median seconds of `first` and of `second`, run in turns (after one warm-up run of each), so that a
    slower stretch of the machine or the database server falls on both alike."""
    first()
    second()
    a, b = [], []
    for _ in range(repeat):
        for fn, runs in ((first, a), (second, b)):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
    return statistics.median(a), statistics.median(b)


def replay(connection, statements: list[tuple]) -> None:
    """Send recorded statements again, with the same parameters, on one cursor: the floor any endpoint
    can reach."""
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def national_catalogue(rows: int) -> float:
    """Import `rows` generated products (the national mix) unless the database has them; seconds spent."""
    from ocop.catalogue.models import Listing
    from ocop.registry.demo import generated_rows
    from ocop.registry.importing import import_rows

    t = time.perf_counter()
    if not Listing.objects.exists():
        result = import_rows(generated_rows(rows), actor=None)
        assert not result.errors, result.errors[:3]
    return time.perf_counter() - t


def django_with_demo() -> Path:
    work = scratch_django()
    from ocop.accounts.demo import demo_users
    from ocop.evaluation import demo as evaluation_demo
    from ocop.registry.demo import load_seed_producers
    from ocop.traceability import demo as traceability_demo

    load_seed_producers()
    demo_users()
    evaluation_demo.load()
    traceability_demo.load()
    return work


def scratch_django() -> Path:
    """Django on a scratch working directory (or DATABASE_URL), migrated, with reference data only."""
    work = Path(os.environ.get("OCOP_WORK_DIR") or tempfile.mkdtemp(prefix="ocop-bench-"))
    os.environ["OCOP_WORK_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return work
