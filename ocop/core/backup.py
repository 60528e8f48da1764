"""Backups: one .tar holding the database, the public media, the private files and a manifest.

Members: `database/ocop.sqlite3.gz` (SQLite: a consistent copy through the sqlite3 backup API, taken inside
one read transaction so the server keeps writing in WAL mode meanwhile) or `database/ocop.pgdump`
(PostgreSQL: `pg_dump --format=custom` on an exported snapshot, so the row counts match the dump),
`media/…`, `private/…`, then `manifest.json` (format, app version, vendor, migrations applied, row counts,
size and sha256 of every member). Restore checks the whole archive before it touches anything, stages the
files next to their roots, swaps the database in (SQLite: os.replace; PostgreSQL: one psql transaction),
then swaps the file roots. The archive is written under a temporary name and renamed when complete, so a
crash never leaves a truncated archive with the final name."""

import contextlib
import datetime
import gzip
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from .errors import OcopError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/ocop.sqlite3.gz"
PG_MEMBER = "database/ocop.pgdump"
VENDOR_MEMBERS = {("sqlite", SQLITE_MEMBER), ("postgresql", PG_MEMBER)}
ROOTS = ("media", "private")
CHUNK = 1024 * 1024
# Fast compression: the SQLite file shrinks ≈4× at level 1, and higher levels cost far more time than
# they save space (pg_dump's custom format is compressed by pg_dump itself).
GZIP_LEVEL = 1
# How long the restore waits for locks held by a running server before it gives up (PostgreSQL).
PG_LOCK_TIMEOUT = "10s"
# The main tables shown after a restore; the manifest counts every table of the platform's apps.
MAIN_TABLES = (
    "auth.user",
    "registry.producer",
    "registry.product",
    "registry.photo",
    "evaluation.dossier",
    "evaluation.evidence",
    "evaluation.certificate",
    "traceability.lot",
    "traceability.stampbatch",
    "traceability.activation",
    "traceability.scanevent",
    "monitoring.finding",
    "core.auditentry",
)


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    size: int
    seconds: float


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    files: dict[str, int]
    pending_migrations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def mismatched(self) -> list[str]:
        return [k for k, v in self.manifest["counts"].items() if self.counts.get(k) != v]


# --- Where things are -----------------------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """The public media and the private files (OCOP_PRIVATE_ROOT, default WORK_DIR/private)."""
    roots = {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(getattr(settings, "OCOP_PRIVATE_ROOT", Path(settings.WORK_DIR) / "private")),
    }
    media, private = (p.resolve() for p in roots.values())
    if media == private or media in private.parents or private in media.parents:
        raise OcopError(
            "backup_roots_nested",
            _(
                "Thư mục tệp công khai (MEDIA_ROOT) và thư mục tệp riêng (OCOP_PRIVATE_ROOT) phải tách "
                "rời nhau, không thư mục nào nằm trong thư mục kia."
            ),
        )
    return roots


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.WORK_DIR) / "backups" / f"ocop-{stamp}.tar"


def app_version() -> str:
    try:
        return importlib.metadata.version("ocop")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def counted_models() -> list:
    """Every concrete table of the platform's apps and the user accounts, in a stable order."""
    found = [
        m
        for m in apps.get_models()
        if (m.__module__.startswith("ocop.") or m._meta.label_lower == "auth.user")
        and m._meta.managed
        and not m._meta.proxy
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


# --- Small helpers --------------------------------------------------------------------------------------


def _bar(progress: bool, desc: str, total: int | None = None, unit: str = "B"):
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit == "B",
        unit_divisor=1024,
        disable=not progress,
        file=sys.stderr,
        ncols=90,
        leave=False,
    )


class _Hashing:
    """A file object that hashes what is read through it (tarfile copies members with read())."""

    def __init__(self, raw, bar=None):
        self.raw, self.bar, self.sha, self.size = raw, bar, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        if self.bar is not None:
            self.bar.update(len(data))
        return data


def _corrupt(detail: str = "") -> OcopError:
    message = _(
        "Tệp sao lưu bị hỏng hoặc không đầy đủ (%(detail)s): không khôi phục gì. Hãy dùng một bản sao "
        "lưu khác hoặc chép lại tệp từ nơi lưu trữ."
    ) % {"detail": detail or _("không đọc được")}
    return OcopError("backup_corrupt", message, details=detail or None)


def _files(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under root (symlinks skipped), with their archive-relative POSIX path."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")]:
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def _pg_tool(name: str) -> tuple[str, int]:
    """The version line of a PostgreSQL client tool and its major version."""
    try:
        text = subprocess.run([name, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise OcopError(
            "backup_pg_tools_missing",
            _("Không tìm thấy lệnh %(tool)s: cài gói postgresql-client đúng phiên bản máy chủ.")
            % {"tool": name},
        ) from None
    match = re.search(r"(\d+)(?:\.(\d+))?", text)
    return text, int(match.group(1)) if match else 0


def _table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(r[0] for r in cursor.fetchall())


def _counts_and_migrations(cursor, quote: Callable[[str], str], tables: set[str]) -> tuple[dict, list]:
    counts = {}
    for model in counted_models():
        table = model._meta.db_table
        if table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[model._meta.label_lower] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [list(r) for r in cursor.fetchall()]
    return counts, migrations


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- Backup ---------------------------------------------------------------------------------------------


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


def _wait_with_progress(process: subprocess.Popen, path: Path, bar) -> int:
    while process.poll() is None:
        time.sleep(0.2)
        with contextlib.suppress(OSError):
            bar.n = path.stat().st_size
            bar.refresh()
    return process.returncode


def _pg_dump(staging: Path, progress: bool) -> tuple[Path, dict, dict, list]:
    """pg_dump --format=custom on a snapshot exported by this connection, which also counts the rows: the
    manifest's counts are those of the dump, even while the server writes."""
    client, client_major = _pg_tool("pg_dump")
    server_major = connection.pg_version // 10000
    server = f"{server_major}.{connection.pg_version % 10000}"
    if client_major < server_major:
        raise OcopError(
            "backup_pg_version",
            _(
                "pg_dump %(client)s cũ hơn máy chủ PostgreSQL %(server)s: cài postgresql-client-%(major)s "
                "rồi sao lưu lại."
            )
            % {"client": client_major, "server": server, "major": server_major},
        )
    member = staging / "ocop.pgdump"
    errors = staging / "pg_dump.err"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        with open(errors, "wb") as err:
            process = subprocess.Popen(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(member)],
                env=_pg_env(connection.settings_dict),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        tables = _table_names(cursor, "postgresql")
        counts, migrations = _counts_and_migrations(cursor, connection.ops.quote_name, set(tables))
        with _bar(progress, _("pg_dump")) as bar:
            code = _wait_with_progress(process, member, bar)
    if code != 0:
        raise OcopError(
            "backup_pg_dump_failed",
            _("pg_dump dừng với lỗi: %(error)s")
            % {"error": errors.read_text(errors="replace").strip()[-500:]},
        )
    info = {
        "vendor": "postgresql",
        "member": PG_MEMBER,
        "bytes": member.stat().st_size,
        "server": server,
        "pg_dump": client,
        "pg_dump_major": client_major,
        "tables": tables,
    }
    return member, info, counts, migrations


def backup_create(*, out: Path | None = None, progress: bool = False) -> BackupResult:
    """Write one archive of the configured database, the public media and the private files."""
    started = time.perf_counter()
    roots = file_roots()
    out = Path(out) if out else default_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise OcopError("backup_vendor", _("Chỉ sao lưu được SQLite và PostgreSQL."))
    with tempfile.TemporaryDirectory(prefix=".ocop-backup-", dir=out.parent) as tmp:
        staging = Path(tmp)
        dump = _sqlite_dump if vendor == "sqlite" else _pg_dump
        db_file, db_info, counts, migrations = dump(staging, progress)
        listing = {name: list(_files(root)) for name, root in roots.items()}
        total = db_file.stat().st_size + sum(
            p.stat().st_size for files in listing.values() for p, _r in files
        )
        members: dict[str, dict] = {}
        try:
            with (
                tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar,
                _bar(progress, _("Ghi tệp sao lưu"), total=total) as bar,
            ):

                def add(path: Path, name: str) -> None:
                    info = tar.gettarinfo(str(path), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with open(path, "rb") as raw:
                        reader = _Hashing(raw, bar)
                        tar.addfile(info, reader)
                    members[name] = {"size": reader.size, "sha256": reader.sha.hexdigest()}

                add(db_file, db_info["member"])
                files = {}
                for root_name, entries in listing.items():
                    for path, rel in entries:
                        add(path, f"{root_name}/{rel}")
                    files[root_name] = {
                        "count": len(entries),
                        "bytes": sum(members[f"{root_name}/{rel}"]["size"] for _p, rel in entries),
                    }
                manifest = {
                    "format": FORMAT,
                    "app": "ocop",
                    "version": app_version(),
                    "created_at": timezone.now().isoformat(),
                    "database": db_info,
                    "migrations": migrations,
                    "counts": counts,
                    "files": files,
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
                tar.addfile(info, io.BytesIO(data))
            with open(partial, "rb") as f:
                os.fsync(f.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(out, manifest, out.stat().st_size, time.perf_counter() - started)


# --- Verify ---------------------------------------------------------------------------------------------


def _safe_name(name: str, database: str) -> bool:
    """The database member, or a file that stays inside one of the roots once extracted."""
    path = PurePosixPath(name)
    inside = not path.is_absolute() and ".." not in path.parts and len(path.parts) >= 2
    return name == database or (inside and path.parts[0] in ROOTS)


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except FileNotFoundError:
        raise OcopError(
            "backup_missing", _("Không tìm thấy tệp sao lưu «%(path)s».") % {"path": path}
        ) from None
    except (tarfile.TarError, OSError, EOFError) as e:
        raise _corrupt(_("không phải tệp .tar của OCOP")) from e


def _is_pair(migration) -> bool:
    return isinstance(migration, list) and len(migration) == 2 and all(isinstance(x, str) for x in migration)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode())
        shaped = all(isinstance(manifest.get(k), dict) for k in ("members", "counts", "database"))
        pairs = manifest.get("migrations")
        if not shaped or not isinstance(pairs, list) or not all(_is_pair(m) for m in pairs):
            raise ValueError("manifest shape")
        database = manifest["database"]
        if (database.get("vendor"), database.get("member")) not in VENDOR_MEMBERS:
            raise ValueError("manifest database member")
    except KeyError:
        raise _corrupt(_("thiếu bản kê manifest.json, có thể tệp bị cắt cụt")) from None
    except (tarfile.TarError, OSError, EOFError, ValueError, TypeError, AttributeError) as e:
        raise _corrupt(_("không đọc được manifest.json")) from e
    if manifest.get("format") != FORMAT or manifest.get("app") != "ocop":
        raise OcopError(
            "backup_format",
            _("Tệp sao lưu có định dạng %(format)s, phiên bản này chỉ đọc định dạng %(ours)s.")
            % {"format": manifest.get("format"), "ours": FORMAT},
        )
    return manifest


def backup_verify(*, path: Path, progress: bool = False) -> dict:
    """Read the whole archive: every member named in the manifest, with its size and sha256, and nothing
    else; the migrations it was taken at must all be known to this code. Returns the manifest."""
    path = Path(path)
    with _open(path) as tar:
        manifest = _read_manifest(tar)
        expected, database = manifest["members"], manifest["database"]["member"]
        seen = set()
        try:
            total = sum(int(m["size"]) for m in expected.values())
            with _bar(progress, _("Kiểm tra tệp sao lưu"), total=total) as bar:
                for member in tar:
                    if member.name == MANIFEST:
                        continue
                    name = member.name
                    if name not in expected or not member.isfile() or not _safe_name(name, database):
                        raise _corrupt(_("có mục lạ «%(name)s»") % {"name": member.name})
                    reader = _Hashing(tar.extractfile(member), bar)
                    while reader.read(CHUNK):
                        pass
                    want = expected[member.name]
                    if reader.size != want["size"] or reader.sha.hexdigest() != want["sha256"]:
                        raise _corrupt(_("«%(name)s» sai mã kiểm tra sha256") % {"name": member.name})
                    seen.add(member.name)
        except (tarfile.TarError, OSError, EOFError, zlib.error, KeyError, TypeError, ValueError) as e:
            raise _corrupt(_("đọc không hết tệp")) from e
        if missing := sorted(set(expected) - seen):
            raise _corrupt(_("thiếu %(name)s") % {"name": missing[0]})
    if manifest["database"]["member"] not in seen:
        raise _corrupt(_("thiếu cơ sở dữ liệu"))
    known = known_migrations()
    unknown = sorted(f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known)
    if unknown:
        raise OcopError(
            "backup_migrations_unknown",
            _(
                "Bản sao lưu được tạo bởi phiên bản mới hơn mã nguồn đang chạy (có %(n)s migration lạ, "
                "ví dụ %(first)s): hãy cập nhật mã nguồn lên phiên bản %(version)s trở lên rồi khôi phục."
            )
            % {"n": len(unknown), "first": unknown[0], "version": manifest.get("version", "?")},
            details=unknown,
        )
    return manifest


# --- Restore --------------------------------------------------------------------------------------------


def _check_target(manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise OcopError(
            "backup_vendor_mismatch",
            _(
                "Bản sao lưu là cơ sở dữ liệu %(archive)s, nhưng cấu hình hiện tại dùng %(current)s: đặt "
                "DATABASE_URL cho đúng loại rồi khôi phục."
            )
            % {"archive": vendor, "current": connection.vendor},
        )
    if vendor == "postgresql":
        _text, major = _pg_tool("pg_restore")
        _pg_tool("psql")
        if major < manifest["database"].get("pg_dump_major", 0):
            raise OcopError(
                "backup_pg_version",
                _(
                    "Bản sao lưu được tạo bằng pg_dump %(dump)s, pg_restore ở đây là bản %(here)s: cài "
                    "postgresql-client-%(dump)s rồi khôi phục."
                )
                % {"dump": manifest["database"]["pg_dump_major"], "here": major},
            )


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, want: dict, bar) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    reader = _Hashing(tar.extractfile(member), bar)
    with open(dest, "wb") as out:
        while chunk := reader.read(CHUNK):
            out.write(chunk)
    if reader.sha.hexdigest() != want["sha256"]:
        raise _corrupt(_("«%(name)s» sai mã kiểm tra sha256") % {"name": member.name})
    os.chmod(dest, member.mode & 0o777 or 0o644)
    os.utime(dest, (member.mtime, member.mtime))


def _staging_dir(root: Path) -> Path:
    """An empty folder next to root (same file system, so the swap is a rename), with root's permissions
    (mkdtemp makes it owner-only, which would hide the media from the web server)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{root.name}.restore-", dir=root.parent))
    if root.is_dir():
        mode = root.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o777 & ~umask
    os.chmod(staged, mode)
    return staged


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


def _pg_restore(tar: tarfile.TarFile, member: tarfile.TarInfo, manifest: dict, staging: Path, bar) -> None:
    """pg_restore --clean --if-exists --no-owner, fed from the archive, run by psql in one transaction, so a
    failure anywhere leaves the database as it was. The transaction first drops every table of the schema:
    pg_restore's own clean-up cannot drop the scan log's partitions (it drops their inherited primary keys
    one by one, which PostgreSQL refuses), nor tables of migrations newer than the backup."""
    connections.close_all()
    env = _pg_env(connection.settings_dict)
    with connection.cursor() as cursor:
        current = _table_names(cursor, "postgresql")
    connections.close_all()
    prefix = f"SET lock_timeout = '{PG_LOCK_TIMEOUT}';\n"
    if current:
        prefix += f"DROP TABLE IF EXISTS {', '.join(map(connection.ops.quote_name, current))} CASCADE;\n"
    errors = [staging / "pg_restore.err", staging / "psql.err"]
    with open(errors[0], "wb") as restore_err, open(errors[1], "wb") as psql_err:
        psql = subprocess.Popen(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
        )
        psql.stdin.write(prefix.encode())
        psql.stdin.flush()
        restore = subprocess.Popen(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--file", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=psql.stdin,
            stderr=restore_err,
        )
        reader = _Hashing(tar.extractfile(member), bar)
        broken = False
        try:
            while chunk := reader.read(CHUNK):
                restore.stdin.write(chunk)
        except BrokenPipeError:
            broken = True
        finally:
            with contextlib.suppress(BrokenPipeError):
                restore.stdin.close()
        restore.wait()
        if restore.returncode != 0 or broken or reader.sha.hexdigest() != member_sha(manifest):
            # psql commits when its input ends: kill it first, so the server rolls the transaction back.
            psql.kill()
            psql.wait()
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            detail = " ".join(e.read_text(errors="replace").strip()[-300:] for e in errors).strip()
            raise OcopError(
                "backup_pg_restore_failed",
                _("pg_restore dừng với lỗi, cơ sở dữ liệu giữ nguyên: %(e)s")
                % {"e": detail or _("tệp dữ liệu hỏng")},
            )
        psql.stdin.close()
        psql.wait()
    if psql.returncode != 0:
        detail = errors[1].read_text(errors="replace").strip()[-500:]
        raise OcopError(
            "backup_pg_restore_failed",
            _("Khôi phục PostgreSQL thất bại, cơ sở dữ liệu giữ nguyên: %(e)s") % {"e": detail},
        )


def member_sha(manifest: dict) -> str:
    return manifest["members"][manifest["database"]["member"]]["sha256"]


def _swap_dir(staged: Path, root: Path) -> None:
    old = None
    if root.exists():
        old = root.with_name(f".{root.name}.old-{os.getpid()}")
        os.replace(root, old)
    os.replace(staged, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = set(_table_names(cursor, connection.vendor))
        counts, _migrations = _counts_and_migrations(cursor, connection.ops.quote_name, tables)
    return counts


def backup_restore(
    *, path: Path, confirm: Callable[[dict], bool] | None = None, progress: bool = False
) -> RestoreResult:
    """Restore an archive into the configured database and file roots. Everything is checked first
    (checksums, migrations, vendor, client versions); `confirm(manifest)` is then asked, if given; files
    are staged before the database is swapped, and a failure before the swap changes nothing."""
    started = time.perf_counter()
    path = Path(path)
    manifest = backup_verify(path=path, progress=progress)
    roots = file_roots()
    _check_target(manifest)
    if confirm is not None and not confirm(manifest):
        raise OcopError("backup_restore_cancelled", _("Đã huỷ: không khôi phục gì."))
    members = manifest["members"]
    db_name = manifest["database"]["member"]
    staged = {name: _staging_dir(root) for name, root in roots.items()}
    files = dict.fromkeys(ROOTS, 0)
    new_db = None
    try:
        with _open(path) as tar:
            by_name = {m.name: m for m in tar.getmembers()}
            total = sum(m["size"] for m in members.values())
            with _bar(progress, _("Khôi phục"), total=total) as bar:
                for name, want in members.items():
                    if name == db_name:
                        continue
                    root_name, _sep, rel = name.partition("/")
                    _extract(tar, by_name[name], staged[root_name] / rel, want, bar)
                    files[root_name] += 1
                if manifest["database"]["vendor"] == "sqlite":
                    target = Path(connection.settings_dict["NAME"])
                    packed = target.with_name(f".{target.name}.restore-{os.getpid()}.gz")
                    new_db = target.with_name(f".{target.name}.restore-{os.getpid()}")
                    try:
                        _extract(tar, by_name[db_name], packed, members[db_name], bar)
                        with gzip.open(packed, "rb") as src, open(new_db, "wb") as out:
                            shutil.copyfileobj(src, out, CHUNK)
                    except (OSError, EOFError, zlib.error) as e:
                        raise _corrupt(_("cơ sở dữ liệu nén hỏng")) from e
                    finally:
                        packed.unlink(missing_ok=True)
                    check = sqlite3.connect(new_db, isolation_level=None)
                    try:
                        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                        check.execute("PRAGMA journal_mode=WAL")
                    except sqlite3.DatabaseError:
                        ok = False
                    finally:
                        check.close()
                    if not ok:
                        raise _corrupt(_("cơ sở dữ liệu không qua kiểm tra toàn vẹn"))
                    _sqlite_swap(new_db)
                    new_db = None
                else:
                    with tempfile.TemporaryDirectory(prefix=".ocop-restore-") as tmp:
                        _pg_restore(tar, by_name[db_name], manifest, Path(tmp), bar)
        for name, root in roots.items():
            _swap_dir(staged.pop(name), root)
    finally:
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
        if new_db is not None:
            new_db.unlink(missing_ok=True)
    connections.close_all()
    applied = {tuple(m) for m in manifest["migrations"]}
    pending = sorted(f"{a}.{n}" for a, n in known_migrations() - applied)
    return RestoreResult(manifest, current_counts(), files, pending, time.perf_counter() - started)


def created_at(manifest: dict) -> str:
    """The archive's creation time as dd/mm/yyyy HH:MM in the local time zone."""
    when = datetime.datetime.fromisoformat(manifest["created_at"])
    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M")
