"""Restoring an archive: check everything, stage the files, swap the database, then the file roots."""

import gzip
import hashlib
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils.translation import gettext as _

from ..audit import audit_event
from ..errors import OcopError
from .archive import CHUNK, MANIFEST, ROOTS, _bar, _corrupt, _Hashing, _open, backup_verify, known_migrations
from .inventory import AUDIT_TYPE, counts_summary, current_counts, file_roots
from .postgres import _pg_restore, _pg_tool
from .sqlite import _sqlite_swap


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    files: dict[str, int]
    pending_migrations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def mismatched(self) -> list[str]:
        return [k for k, v in self.manifest["counts"].items() if self.counts.get(k) != v]


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


def _swap_dir(staged: Path, root: Path) -> None:
    old = None
    if root.exists():
        old = root.with_name(f".{root.name}.old-{os.getpid()}")
        os.replace(root, old)
    os.replace(staged, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _restored_actor(actor):
    """The actor's account in the restored database: the same id may be missing there, or be someone else."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return get_user_model().objects.filter(pk=actor.pk, username=actor.get_username()).first()


def backup_restore(
    *, path: Path, confirm: Callable[[dict], bool] | None = None, actor=None, progress: bool = False
) -> RestoreResult:
    """Restore an archive into the configured database and file roots. Everything is checked first
    (checksums, migrations, vendor, client versions); `confirm(manifest)` is then asked, if given; files
    are staged before the database is swapped, and a failure before the swap changes nothing. The restore
    is recorded in the audit log of the restored database."""
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
            manifest_sha = hashlib.sha256(tar.extractfile(by_name[MANIFEST]).read()).hexdigest()
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
    result = RestoreResult(manifest, current_counts(), files, pending)
    # Into the restored database, after the swap (an entry written before would be replaced with the rest),
    # and after counting, so that the counts compared with the archive's are the restored ones.
    after = {
        "archive": path.name,
        "manifest_sha256": manifest_sha,
        "created_at": manifest["created_at"],
        "version": manifest.get("version", "?"),
        "vendor": manifest["database"]["vendor"],
        "migrations": len(manifest["migrations"]),
        "pending_migrations": len(pending),
        **counts_summary(result.counts),
        "files": files,
        "mismatched": result.mismatched(),
    }
    restored_actor = _restored_actor(actor)
    if restored_actor is None and getattr(actor, "is_authenticated", False):
        after["by"] = actor.get_username()
    audit_event(
        actor=restored_actor,
        action="backup.restore",
        object_type=AUDIT_TYPE,
        object_id=manifest_sha,
        object_repr=path.name,
        after=after,
    )
    result.seconds = time.perf_counter() - started
    return result
