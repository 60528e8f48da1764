"""Import memory: peak RSS of `ocop import` for 20,000 and 200,000 rows, against a baseline measured in the
same run.

    .venv/bin/python benchmarks/import_memory.py [--rows 20000,200000] [--dry-run]
                                                  (DATABASE_URL selects PostgreSQL)

Each measurement runs in its own subprocess, so that every peak is that process's alone (the kernel's
high-water mark of the process, VmHWM). The baseline is a process that sets Django up and loads the
import's modules, then stops: what every import pays before it reads a row. Each import reads a generated
.xlsx from disk and writes every row (producers, products, audit entries) in one transaction, which the
script then rolls back, so every run starts from the same empty registry. The limits are raised for the
run (OCOP_IMPORT_MAX_ROWS; OCOP_IMPORT_MAX_UNCOMPRESSED_MB, as the export writes 650 bytes of XML a row).
The files are made in the parent process, whose memory is not measured, once per working directory.
"""

import argparse
import importlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from _setup import ROOT, scratch_django


def peak_mb() -> float:
    """The high-water mark of this process's resident memory (Linux VmHWM; ru_maxrss elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, dry_run: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from ocop.registry.models import Product

    importlib.import_module("ocop.registry.management.commands.import")  # what the command loads

    base = peak_mb()
    if path == "-":
        print(json.dumps({"peak": base}))
        return
    t = time.perf_counter()
    out, err = io.StringIO(), io.StringIO()
    with transaction.atomic():
        call_command("import", path, *(["--dry-run"] if dry_run else []), stdout=out, stderr=err)
        written = Product.objects.count()
        transaction.set_rollback(True)
    seconds = time.perf_counter() - t
    print(json.dumps({"peak": peak_mb(), "base": base, "seconds": seconds, "products": written}))


def measure(path: str, dry_run: bool, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", path] + (["--dry-run"] if dry_run else [])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"child failed ({path}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="20000,200000")
    parser.add_argument("--dry-run", action="store_true", help="check only (the web preview's work)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dry_run)
        return

    counts = [int(n) for n in args.rows.split(",")]
    # Production settings: with DEBUG on, Django keeps the last 9,000 SQL statements, and a large import's
    # bulk inserts (1,000 rows each) would then weigh more than the import.
    os.environ.setdefault("OCOP_DEBUG", "0")
    os.environ["OCOP_IMPORT_MAX_ROWS"] = str(max(counts))
    os.environ["OCOP_IMPORT_MAX_UNCOMPRESSED_MB"] = "2048"  # the export writes inline strings: 650 B a row
    work = scratch_django()
    from ocop.core.export import write
    from ocop.registry.demo import generated_rows
    from ocop.registry.models import Product

    if Product.objects.exists():
        sys.exit("The database already holds products: use an empty database.")
    files = {}
    for n in counts:
        path = Path(work) / f"ds-{n}.xlsx"
        if not path.exists():  # made once per working directory (OCOP_WORK_DIR)
            rows = generated_rows(n)
            with path.open("wb") as out:
                write("xlsx", rows[0], rows[1:], out)
            del rows
        files[n] = path
        print(f"file: {n:,} rows, {path.stat().st_size / 1e6:.1f} MB", flush=True)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    from django.db import connection

    base = measure("-", args.dry_run, env)["peak"]
    print(f"database: {connection.vendor}; {'check only (--dry-run)' if args.dry_run else 'full import'}")
    print(f"baseline (Django set up, import modules loaded, nothing read): {base:6.0f} MB")
    above = {}
    for n, path in files.items():
        m = measure(str(path), args.dry_run, env)
        assert args.dry_run or m["products"] == n, m
        above[n] = m["peak"] - base
        print(
            f"{n:>9,} rows: peak RSS {m['peak']:6.0f} MB, {above[n]:6.0f} MB above baseline "
            f"({above[n] * 1024 / n:5.1f} KB per row), {m['seconds']:6.1f} s",
            flush=True,
        )
    if len(above) > 1:
        small, big = min(above), max(above)
        print(
            f"growth {small:,} → {big:,} rows: ×{big / small:.0f} rows, "
            f"×{above[big] / max(above[small], 1):.1f} memory above baseline"
        )


if __name__ == "__main__":
    main()
