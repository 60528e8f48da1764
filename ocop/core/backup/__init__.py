"""Backups: one .tar holding the database, the public media, the private files and a manifest.

Members: `database/ocop.sqlite3.gz` (SQLite: a consistent copy through the sqlite3 backup API, taken inside
one read transaction so the server keeps writing in WAL mode meanwhile) or `database/ocop.pgdump`
(PostgreSQL: `pg_dump --format=custom` on an exported snapshot, so the row counts match the dump),
`media/…`, `private/…`, then `manifest.json` (format, app version, vendor, migrations applied, row counts,
size and sha256 of every member). Restore checks the whole archive before it touches anything, stages the
files next to their roots, swaps the database in (SQLite: os.replace; PostgreSQL: one psql transaction),
then swaps the file roots. The archive is written under a temporary name and renamed when complete, so a
crash never leaves a truncated archive with the final name.

Modules: `archive` (format, manifest, hashing, reading and checking an archive), `inventory` (file roots,
counted tables, row counts), `sqlite` and `postgres` (each vendor's dump and restore), `create` and
`restore` (the two services, each recording itself in the audit log: `backup.create` in the database that
was backed up, `backup.restore` in the restored one)."""

from .archive import MANIFEST, PG_MEMBER, SQLITE_MEMBER, backup_verify, created_at, member_sha
from .create import BackupResult, backup_create
from .inventory import MAIN_TABLES, current_counts, default_path, file_roots
from .postgres import _pg_env
from .restore import RestoreResult, backup_restore

__all__ = [
    "MAIN_TABLES",
    "MANIFEST",
    "PG_MEMBER",
    "SQLITE_MEMBER",
    "BackupResult",
    "RestoreResult",
    "_pg_env",
    "backup_create",
    "backup_restore",
    "backup_verify",
    "created_at",
    "current_counts",
    "default_path",
    "file_roots",
    "member_sha",
]
