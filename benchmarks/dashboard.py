"""Dashboard at national scale: the dashboard page and GET /api/v1/stats (whole Django request cycle
in-process: middleware, session, view, template), logged in as a national officer, against the raw SQL each
request issues (the same statements and parameters sent again on one cursor), on the same database in the
same run. Each request and its replay run in turns, the six cases in rounds; production settings
(OCOP_DEBUG=0).

.venv/bin/python benchmarks/dashboard.py [--rows 18000] [--repeat 10] [--rounds 3]

--rows 18000 is `ocop demo --scale national` (generated products over the 34 provinces, recognised
2021–2026), plus the dashboard's demo data (targets, producers' outcomes). Uses DATABASE_URL when set
(PostgreSQL), else a scratch SQLite database (OCOP_WORK_DIR reuses one). Also checks for N+1 queries: the
page of every province must issue the same number of queries whatever its number of products."""

import argparse
import os
import statistics
import time

from _setup import national_catalogue, replay, rss_mb, scratch_django, statements_sent, timed_pair

PAGE, API = "/quan-ly/thong-ke/", "/api/v1/stats"
CASES = [
    ("page, country in force", PAGE, {}),
    ("page, country 2024", PAGE, {"year": "2024"}),
    ("page, Hà Nội", PAGE, {"province": "1"}),
    ("page, Lai Châu", PAGE, {"province": "12"}),
    ("api, country", API, {}),
    ("api, Hà Nội", API, {"province": "1"}),
]
TARGET = 1.5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=18000)
    parser.add_argument("--repeat", type=int, default=10, help="runs of each case per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    # Measured as production serves it: no debug query log, no template debug information.
    os.environ.setdefault("OCOP_DEBUG", "0")
    os.environ.setdefault("OCOP_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
    scratch_django()
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from ocop.accounts.models import Profile, Role
    from ocop.catalogue.models import Listing
    from ocop.geo.models import Province
    from ocop.reporting import demo as reporting_demo
    from ocop.reporting.models import Outcome, Recognition, Target

    imported = national_catalogue(args.rows)
    t = time.perf_counter()
    reporting_demo.load()  # who leads the producers, targets, producers' outcomes (skipped when present)
    print(
        f"{connection.vendor}: {Listing.objects.count():,} catalogue rows, "
        f"{Recognition.objects.count():,} recognitions, {Target.objects.count()} targets, "
        f"{Outcome.objects.count():,} outcomes ({imported:.1f} s to import and index, "
        f"{time.perf_counter() - t:.1f} s for the dashboard's demo data)"
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-dashboard")
    Profile.objects.update_or_create(user=user, defaults={"role": Role.NATIONAL})
    client = Client()
    client.force_login(user)

    def captured(url: str, params: dict) -> list[tuple]:
        with statements_sent(connection) as statements:
            response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
        return statements

    # Every statement a request sent (session, user and profile included), sent again with the same
    # parameters on one cursor: the floor any endpoint can reach. The cases are measured in turn over several
    # rounds (the median of each case's rounds is kept), so that a slow minute of the machine or the database
    # server does not fall on one case only.
    statements = {}
    for label, url, params in CASES:
        client.get(url, params)  # the lists every page caches (sectors, sets, provinces) are loaded from here
        statements[label] = captured(url, params)
    rounds: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in CASES}
    for _ in range(args.rounds):
        for label, url, params in CASES:
            rounds[label].append(
                timed_pair(
                    lambda u=url, p=params: client.get(u, p),
                    lambda s=statements[label]: replay(connection, s),
                    args.repeat,
                )
            )
    totals = [0.0, 0.0]
    above, slowest = [], (0.0, "", "")
    print(f"{'case':<24} {'request ms':>10} {'raw ms':>8} {'ratio':>6} {'queries':>7}")
    for label, _, _ in CASES:
        request = statistics.median(r for r, _ in rounds[label])
        base = statistics.median(b for _, b in rounds[label])
        totals[0] += request
        totals[1] += base
        if request / base > TARGET:
            above.append(f"{label} ({request / base:.2f}×)")
        for statement in statements[label]:
            t = time.perf_counter()
            replay(connection, [statement])
            if (spent := time.perf_counter() - t) > slowest[0]:
                slowest = (spent, label, statement[0])
        print(
            f"{label:<24} {request * 1000:10.2f} {base * 1000:8.2f} {request / base:5.2f}× "
            f"{len(statements[label]):>7}"
        )
    request, base = totals
    ratio = request / base
    print(f"all cases: {request * 1000:.1f} ms vs raw {base * 1000:.1f} ms = {ratio:.2f}×")
    print(f"target ≤ {TARGET}× (all cases): {'met' if ratio <= TARGET else 'not met'}")
    print(f"cases above {TARGET}×: {', '.join(above) or 'none'}")
    spent, label, sql = slowest
    print(f"slowest statement: {spent * 1000:.1f} ms ({label}): {sql[:160]}…")

    # N+1: the page of each province, from the smallest to Hà Nội, issues the same number of queries (the
    # provinces with targets for this year a few more: that section's queries run only when there are some).
    year = datetime.date.today().year
    with_targets = set(Target.objects.filter(year=year).values_list("province_id", flat=True))
    sizes = dict(
        Recognition.objects.values_list("province_id").annotate(n=Count("pk")).values_list("province_id", "n")
    )
    groups: dict[bool, dict[int, list[int]]] = {False: {}, True: {}}
    for code in Province.objects.order_by("code").values_list("code", flat=True):
        client.get(PAGE, {"province": str(code)})  # the province's commune count is cached on first use
        n = len(captured(PAGE, {"province": str(code)}))
        groups[code in with_targets].setdefault(n, []).append(sizes.get(code, 0))
    same = all(len(g) <= 1 for g in groups.values())
    parts = [
        f"{n} queries for {len(s)} province(s){' with targets' if has else ''} "
        f"({min(s):,}–{max(s):,} recognitions)"
        for has, g in groups.items()
        for n, s in sorted(g.items())
    ]
    print(f"no N+1 (province pages): {'yes' if same else 'NO'} — {'; '.join(parts)}")
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
