"""SQLite: a consistent online copy of the live file, and the swap of the restored file."""

import gzip
import os
import sqlite3
from pathlib import Path

from django.db import connection, connections
from django.utils.translation import gettext as _

from ..errors import OcopError
from .archive import CHUNK, SQLITE_MEMBER, _bar
from .inventory import _counts_and_migrations, _table_names

# Fast compression: the SQLite file shrinks ≈4× at level 1, and higher levels cost far more time than
# they save space (pg_dump's custom format is compressed by pg_dump itself).
GZIP_LEVEL = 1


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_dump(staging: Path, progress: bool) -> tuple[Path, dict, dict, list]:
    """Copy the live database page by page inside one read transaction (a consistent snapshot that the
    server's writers do not restart, thanks to WAL), then count rows on the copy and compress it."""
    source_path = connection.settings_dict["NAME"]
    copy_path = staging / "ocop.sqlite3"
    source = sqlite3.connect(source_path, isolation_level=None, timeout=20)
    target = sqlite3.connect(copy_path)
    try:
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the read snapshot starts here
        with _bar(progress, _("Sao chép cơ sở dữ liệu"), unit="trang") as bar:

            def step(status, remaining, total):
                bar.total = total
                bar.n = total - remaining
                bar.refresh()

            source.backup(target, pages=4096, progress=step)
        source.execute("COMMIT")
    finally:
        source.close()
    try:
        cursor = target.cursor()
        tables = _table_names(cursor, "sqlite")
        counts, migrations = _counts_and_migrations(cursor, _sqlite_quote, set(tables))
    finally:
        target.close()
    member = staging / "ocop.sqlite3.gz"
    size = copy_path.stat().st_size
    with (
        _bar(progress, _("Nén cơ sở dữ liệu"), total=size) as bar,
        open(copy_path, "rb") as raw,
        gzip.open(member, "wb", compresslevel=GZIP_LEVEL) as out,
    ):
        while chunk := raw.read(CHUNK):
            out.write(chunk)
            bar.update(len(chunk))
    copy_path.unlink()
    info = {"vendor": "sqlite", "member": SQLITE_MEMBER, "bytes": size, "sqlite": sqlite3.sqlite_version}
    info["tables"] = tables
    return member, info, counts, migrations


def _sqlite_swap(new: Path) -> None:
    """Replace the database file. The current one goes to rollback-journal mode first: SQLite allows that
    only when no other connection is open, which proves the server and worker are stopped, and it folds
    and removes the -wal/-shm files, which would otherwise be replayed onto the restored file."""
    target = Path(connection.settings_dict["NAME"])
    connections.close_all()
    if target.exists():
        current = sqlite3.connect(target, isolation_level=None, timeout=1)
        try:
            mode = current.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            mode = "busy"
        finally:
            current.close()
        if mode != "delete":
            raise OcopError(
                "backup_database_in_use",
                _(
                    "Cơ sở dữ liệu đang được dùng: dừng máy chủ web (gunicorn) và tiến trình nền "
                    "(ocop db_worker) rồi khôi phục lại."
                ),
            )
    os.replace(new, target)
