"""Spreadsheet import speed: 20,000 rows through `ocop import`, against baselines measured in the same run.

    .venv/bin/python benchmarks/import_20k.py [--rows 20000]      (DATABASE_URL selects PostgreSQL)

Baselines: (1) reading the same .xlsx with openpyxl alone — the floor of any import of that file;
(2) inserting the same number of rows with one raw executemany into a scratch table — the floor of writing
them. The import validates every row (addresses resolved old→new, codes, dates), matches producers, writes
producers, products and audit entries in one transaction. Peak memory is the process's maximum RSS.
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="ocop-bench-")
    os.environ.setdefault("OCOP_WORK_DIR", work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ocop.core.export import write
    from ocop.registry.demo import generated_rows
    from ocop.registry.importing import read_table
    from ocop.registry.models import Producer, Product

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate (with 24,000 administrative units): {time.perf_counter() - t:.1f} s", flush=True)
    if Product.objects.exists():
        sys.exit("The database already holds products: use an empty database.")

    rows = generated_rows(args.rows)
    buf = io.BytesIO()
    write("xlsx", rows[0], rows[1:], buf)
    path = Path(work) / "ds-20000.xlsx"
    path.write_bytes(buf.getvalue())
    print(f"file: {len(rows) - 1} rows, {path.stat().st_size / 1e6:.1f} MB", flush=True)

    t = time.perf_counter()
    read = read_table(path.name, path.read_bytes())
    t_read = time.perf_counter() - t
    assert len(read) == len(rows)

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE bench_raw (a text, b text, c text, d text, e integer, f integer, g text)"
            )
            t = time.perf_counter()
            cur.executemany(
                "INSERT INTO bench_raw VALUES (%s, %s, %s, %s, %s, %s, %s)", [r[:7] for r in rows[1:]]
            )
            t_raw = time.perf_counter() - t
        transaction.set_rollback(True)

    t = time.perf_counter()
    call_command("import", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    t_dry = time.perf_counter() - t
    t = time.perf_counter()
    out = io.StringIO()
    call_command("import", str(path), stdout=out, stderr=io.StringIO())
    t_import = time.perf_counter() - t

    products, producers = Product.objects.count(), Producer.objects.count()
    assert products == len(rows) - 1, (products, out.getvalue())
    floor = t_read + t_raw
    print(f"database: {connection.vendor}")
    print(f"baseline read .xlsx (openpyxl): {t_read:6.2f} s")
    print(f"baseline raw insert of {products} rows: {t_raw:6.2f} s")
    print(f"ocop import --dry-run: {t_dry:6.2f} s  ({t_dry / floor:.1f}× baseline)")
    print(
        f"ocop import:           {t_import:6.2f} s  ({t_import / floor:.1f}× baseline)  "
        f"{products} products, {producers} producers, {products / t_import:,.0f} rows/s"
    )
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
