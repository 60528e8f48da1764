"""PostgreSQL: pg_dump on an exported snapshot, and pg_restore fed to psql in one transaction."""

import contextlib
import os
import re
import subprocess
import tarfile
import time
from pathlib import Path

from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from ..errors import OcopError
from .archive import CHUNK, PG_MEMBER, _bar, _Hashing, member_sha
from .inventory import _counts_and_migrations, _table_names

# How long the restore waits for locks held by a running server before it gives up (PostgreSQL).
PG_LOCK_TIMEOUT = "10s"


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
