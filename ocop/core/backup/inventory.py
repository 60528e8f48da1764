"""What a backup holds: where the file roots are, which tables are counted, and their row counts."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import OcopError

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
# The audit entries of backups and restores are about an archive, not a row: this is their object_type, and
# their object_id is the sha256 of the archive's manifest (which lists the sha256 of every member), so the
# backup's entry and those of its restores name the archive alike.
AUDIT_TYPE = "backup"


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


def current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = set(_table_names(cursor, connection.vendor))
        counts, _migrations = _counts_and_migrations(cursor, connection.ops.quote_name, tables)
    return counts


def counts_summary(counts: dict[str, int]) -> dict:
    """Row counts for an audit entry: the total, the number of tables and the main tables."""
    return {
        "rows": sum(counts.values()),
        "tables": len(counts),
        "counts": {k: counts[k] for k in MAIN_TABLES if k in counts},
    }
