"""Dashboard at national scale: the dashboard page and GET /api/v1/stats (whole Django request cycle
in-process: middleware, session, view, template), logged in as a national officer, against the raw SQL each
request issues (the same statements replayed on the driver's cursor), on the same database in the same run.

.venv/bin/python benchmarks/dashboard.py [--rows 18000] [--repeat 20]

--rows 18000 is `ocop demo --scale national` (generated products over the 34 provinces, recognised
2021–2026), plus the dashboard's demo targets and producers' outcomes. Uses DATABASE_URL when set
(PostgreSQL), else a scratch SQLite database (OCOP_WORK_DIR reuses one)."""

import argparse
import statistics
import time

from _setup import rss_mb, scratch_django

PAGE, API = "/quan-ly/thong-ke/", "/api/v1/stats"
HA_NOI, LAI_CHAU = 1, 12
CASES = [
    ("page, country in force", PAGE, {}),
    ("page, country 2024", PAGE, {"year": "2024"}),
    ("page, Hà Nội", PAGE, {"province": str(HA_NOI)}),
    ("page, Lai Châu", PAGE, {"province": str(LAI_CHAU)}),
    ("api, country", API, {}),
    ("api, Hà Nội", API, {"province": str(HA_NOI)}),
]
TARGET = 1.5


def timed(fn, repeat: int) -> float:
    fn()  # warm: caches, first compile
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=18000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scratch_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ocop.accounts.models import Profile, Role
    from ocop.catalogue.models import Listing
    from ocop.registry.demo import generated_rows
    from ocop.registry.importing import import_rows
    from ocop.reporting import demo as reporting_demo
    from ocop.reporting.models import Outcome, Recognition, Target

    t = time.perf_counter()
    if not Listing.objects.exists():
        result = import_rows(generated_rows(args.rows), actor=None)
        assert not result.errors, result.errors[:3]
    reporting_demo.load()  # targets, producers' outcomes, who leads them (once; skipped when present)
    print(
        f"{connection.vendor}: {Listing.objects.count():,} catalogue rows, "
        f"{Recognition.objects.count():,} recognitions, {Target.objects.count()} targets, "
        f"{Outcome.objects.count():,} outcomes ({time.perf_counter() - t:.1f} s to import and index)"
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-dashboard")
    Profile.objects.update_or_create(user=user, defaults={"role": Role.NATIONAL})
    client = Client()
    client.force_login(user)
    totals = [0.0, 0.0]
    counts = {}
    print(f"{'case':<24} {'request ms':>10} {'raw ms':>7} {'ratio':>6} {'queries':>7}")
    for label, url, params in CASES:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200, (label, response.status_code)
        # Every statement the request sent (session and user included), replayed on the driver's cursor:
        # the floor any endpoint can reach.
        statements = [q["sql"] for q in captured.captured_queries]
        counts[label] = len(statements)

        def raw(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        request = timed(lambda u=url, p=params: client.get(u, p), args.repeat)
        base = timed(raw, args.repeat)
        totals[0] += request
        totals[1] += base
        print(
            f"{label:<24} {request * 1000:10.2f} {base * 1000:7.2f} {request / base:5.2f}× "
            f"{len(statements):>7}"
        )
    request, base = totals
    ratio = request / base
    print(f"all cases: {request * 1000:.1f} ms vs raw {base * 1000:.1f} ms = {ratio:.2f}×")
    print(f"target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'not met'}")
    big, small = (Recognition.objects.filter(province_id=p).count() for p in (HA_NOI, LAI_CHAU))
    same = counts["page, Hà Nội"] == counts["page, Lai Châu"]
    print(
        f"no N+1: {'yes' if same else 'NO'} — the province page issues {counts['page, Hà Nội']} queries for "
        f"Hà Nội ({big:,} recognitions), {counts['page, Lai Châu']} for Lai Châu ({small:,})"
    )
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
