"""Backup and restore at national scale: `ocop backup` / `ocop restore` (backup_create, backup_restore)
against the plain tools on the same data in the same run — SQLite: the sqlite3 backup API to a file and a
file copy back; PostgreSQL: pg_dump --format=custom and pg_restore into an empty database; both plus a
`cp -r` of the media and private roots.

.venv/bin/python benchmarks/backup_restore.py [--rows 18000] [--files 200] [--repeat 3]

--rows 18000 is `ocop demo --scale national`. --files puts that many files of 64 KiB of random bytes (as
incompressible as photos and PDFs) in each of the media and private roots. Uses DATABASE_URL when set —
the restore overwrites that database with its own backup, so point it at a database of its own — else a
scratch SQLite database (OCOP_WORK_DIR reuses one). Medians of --repeat runs."""

import argparse
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

from _setup import national_catalogue, rss_mb, scratch_django, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=18000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = scratch_django()
    from django.db import connection, connections

    from ocop.core import backup

    imported = national_catalogue(args.rows)
    roots = backup.file_roots()
    for root in roots.values():
        root.mkdir(parents=True, exist_ok=True)
        have = len(list(root.glob("bench-*.bin")))
        for i in range(have, args.files):
            (root / f"bench-{i:05d}.bin").write_bytes(os.urandom(64 * 1024))
    counts = backup.current_counts()
    print(
        f"{connection.vendor}: {counts['registry.product']:,} products, {counts['registry.producer']:,} "
        f"producers, {counts['core.auditentry']:,} audit entries, {sum(counts.values()):,} rows in "
        f"{len(counts)} tables; {args.files} × 64 KiB files in each of media and private "
        f"({imported:.1f} s to import)"
    )
    out_dir = Path(work) / "bench-backups"
    out_dir.mkdir(exist_ok=True)
    archive = out_dir / "ocop.tar"

    plain_files = out_dir / "plain-files"

    def copy_roots(target: Path) -> None:
        """The plain tools' share of the files: cp -r of both roots."""
        shutil.rmtree(target, ignore_errors=True)
        for name, root in roots.items():
            shutil.copytree(root, target / name)

    def ours_backup():
        backup.backup_create(out=archive)

    def ours_restore():
        result = backup.backup_restore(path=archive)
        assert not result.mismatched(), result.mismatched()

    if connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        plain = out_dir / "plain.sqlite3"
        size_db = database.stat().st_size

        def plain_backup():
            copy_roots(plain_files)
            plain.unlink(missing_ok=True)
            source, target = sqlite3.connect(database), sqlite3.connect(plain)
            source.backup(target)
            source.close()
            target.close()

        def plain_restore():
            connections.close_all()
            shutil.copyfile(plain, database)
            copy_roots(out_dir / "plain-restored")

        base_label = ("sqlite3 backup API + cp -r", "file copy back + cp -r")
    else:
        settings_dict = connection.settings_dict
        env = backup._pg_env(settings_dict)
        plain = out_dir / "plain.pgdump"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size_db = cursor.fetchone()[0]
        empty = f"bench_restore_{uuid.uuid4().hex[:8]}"
        no_db = {k: v for k, v in env.items() if k != "PGDATABASE"}

        def plain_backup():
            copy_roots(plain_files)
            subprocess.run(["pg_dump", "--format=custom", "--file", str(plain)], env=env, check=True)

        def plain_restore():
            subprocess.run(["dropdb", "--if-exists", empty], env=no_db, check=True)
            subprocess.run(["createdb", empty], env=no_db, check=True)
            subprocess.run(
                ["pg_restore", "--no-owner", "--single-transaction", "--dbname", empty, str(plain)],
                env=no_db,
                check=True,
            )
            copy_roots(out_dir / "plain-restored")

        base_label = ("pg_dump -Fc + cp -r", "pg_restore -1 into an empty db + cp -r")

    t_backup = timed(ours_backup, args.repeat, warm=False)
    t_plain_backup = timed(plain_backup, args.repeat, warm=False)
    t_restore = timed(ours_restore, args.repeat, warm=False)
    t_plain_restore = timed(plain_restore, args.repeat, warm=False)
    if connection.vendor != "sqlite":
        subprocess.run(["dropdb", "--if-exists", empty], env=no_db, check=True)
    t_verify = timed(lambda: backup.backup_verify(path=archive), args.repeat, warm=False)
    manifest = backup.backup_verify(path=archive)
    member = manifest["members"][manifest["database"]["member"]]["size"]
    mb = 1024 * 1024
    print(
        f"database {size_db / mb:.1f} MB; archive {archive.stat().st_size / mb:.1f} MB "
        f"(database member {member / mb:.1f} MB; plain copy {plain.stat().st_size / mb:.1f} MB)"
    )
    print(f"{'step':<10} {'ours s':>8} {'baseline s':>11} {'ratio':>6}  baseline")
    print(
        f"{'backup':<10} {t_backup:8.2f} {t_plain_backup:11.2f} {t_backup / t_plain_backup:5.2f}×  "
        f"{base_label[0]}"
    )
    print(
        f"{'restore':<10} {t_restore:8.2f} {t_plain_restore:11.2f} {t_restore / t_plain_restore:5.2f}×  "
        f"{base_label[1]} (ours includes the checksum pass: verify alone {t_verify:.2f} s)"
    )
    # The import's memory counts too on a first run: run again with the same OCOP_WORK_DIR (or DATABASE_URL)
    # to see backup and restore alone. pg_dump/pg_restore/psql run as child processes, not counted here.
    print(f"peak memory (max RSS of this process): {rss_mb():.0f} MB")
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
