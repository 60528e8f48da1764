"""Catalogue search at national scale: the search endpoints (HTML page and JSON API, whole Django request
cycle in-process) against the raw SQL they issue, run on the same database in the same run.

.venv/bin/python benchmarks/catalogue_search.py [--rows 18000] [--repeat 30]

--rows 18000 is `ocop demo --scale national` (generated products over the 34 provinces). Uses DATABASE_URL
when set (PostgreSQL), else a scratch SQLite database."""

import argparse

from _setup import national_catalogue, replay, rss_mb, scratch_django, statements_sent, timed

CASES = [
    ("mat ong", {"q": "mat ong"}),
    ("mat ong dien bien", {"q": "mat ong dien bien"}),
    ("gao st25, 4★", {"q": "gao st25", "star": "4"}),
    ("cam, Hà Nội", {"q": "cam", "province": "1"}),
    ("browse, newest", {}),
    ("browse Điện Biên, set 4", {"province": "11", "set": "4"}),
    ("typo: no full match", {"q": "mat ong xyzabc"}),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=18000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    scratch_django()
    from django.db import connection
    from django.test import Client

    from ocop.catalogue.models import Listing

    imported = national_catalogue(args.rows)
    print(
        f"{connection.vendor}: {Listing.objects.count():,} catalogue rows "
        f"({imported:.1f} s to import and index)"
    )
    client = Client()
    totals = {"html": [0.0, 0.0], "api": [0.0, 0.0]}
    print(f"{'case':<26} {'hits':>6} {'page ms':>8} {'api ms':>7} {'raw ms':>7} {'page×':>6} {'api×':>6}")
    for label, params in CASES:
        with statements_sent(connection) as statements:
            response = client.get("/", params)
        assert response.status_code == 200
        hits = client.get("/api/v1/public/products", params).json()["total"]

        # The statements the page sent, replayed on one cursor: the floor any endpoint can reach.
        def raw(statements=statements):
            replay(connection, statements)

        page = timed(lambda p=params: client.get("/", p), args.repeat)
        api = timed(lambda p=params: client.get("/api/v1/public/products", p), args.repeat)
        base = timed(raw, args.repeat)
        totals["html"][0] += page
        totals["api"][0] += api
        totals["html"][1] += base
        totals["api"][1] += base
        print(
            f"{label:<26} {hits:>6} {page * 1000:8.2f} {api * 1000:7.2f} {base * 1000:7.2f} "
            f"{page / base:5.2f}× {api / base:5.2f}×  ({len(statements)} queries)"
        )
    for name, (endpoint, base) in totals.items():
        ratio = endpoint / base
        print(
            f"all cases, {name}: {endpoint * 1000:.1f} ms vs raw {base * 1000:.1f} ms"
            f" = {ratio:.2f}× (target ≤ 2×)"
        )
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
