"""The archive's format: member names, the manifest, hashing, reading and checking a .tar."""

import datetime
import hashlib
import importlib.metadata
import json
import sys
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from ..errors import OcopError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/ocop.sqlite3.gz"
PG_MEMBER = "database/ocop.pgdump"
VENDOR_MEMBERS = {("sqlite", SQLITE_MEMBER), ("postgresql", PG_MEMBER)}
ROOTS = ("media", "private")
CHUNK = 1024 * 1024


def app_version() -> str:
    try:
        return importlib.metadata.version("ocop")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


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


def member_sha(manifest: dict) -> str:
    return manifest["members"][manifest["database"]["member"]]["sha256"]


def created_at(manifest: dict) -> str:
    """The archive's creation time as dd/mm/yyyy HH:MM in the local time zone."""
    when = datetime.datetime.fromisoformat(manifest["created_at"])
    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M")
