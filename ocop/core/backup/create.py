"""Writing an archive."""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_event
from ..errors import OcopError
from .archive import FORMAT, MANIFEST, _bar, _Hashing, app_version
from .inventory import AUDIT_TYPE, _files, counts_summary, default_path, file_roots
from .postgres import _pg_dump
from .sqlite import _sqlite_dump


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    size: int
    seconds: float


def backup_create(*, out: Path | None = None, actor=None, progress: bool = False) -> BackupResult:
    """Write one archive of the configured database, the public media and the private files, and record
    it in the audit log."""
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
    size, manifest_sha = out.stat().st_size, hashlib.sha256(data).hexdigest()
    # Written after the dump, so the archive does not hold this entry: restoring it brings the log back to
    # just before the backup (the restore then records itself).
    audit_event(
        actor=actor,
        action="backup.create",
        object_type=AUDIT_TYPE,
        object_id=manifest_sha,
        object_repr=out.name,
        after={
            "archive": out.name,
            "manifest_sha256": manifest_sha,
            "size": size,
            "vendor": vendor,
            "version": manifest["version"],
            "migrations": len(migrations),
            **counts_summary(counts),
            "files": {name: info["count"] for name, info in files.items()},
        },
    )
    return BackupResult(out, manifest, size, time.perf_counter() - started)
