"""ocop backup [--out FILE.tar]: the database, the public media and the private files in one archive."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ocop.core import backup
from ocop.core.errors import OcopError


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu, tệp công khai (media) và tệp riêng vào một tệp .tar."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="Tệp sao lưu (mặc định WORK_DIR/backups/ocop-NGÀY-GIỜ.tar)")

    def handle(self, out=None, **opts):
        try:
            result = backup.backup_create(out=out, actor=None, progress=opts["verbosity"] > 0)
        except OcopError as e:
            raise CommandError(e.message, returncode=2) from None
        manifest = result.manifest
        database = manifest["database"]
        if database["vendor"] == "postgresql":
            engine = _("PostgreSQL %(server)s, %(client)s") % {
                "server": database["server"],
                "client": database["pg_dump"],
            }
        else:
            engine = _("SQLite %(version)s") % {"version": database["sqlite"]}
        lines = [
            _("Đã sao lưu vào %(path)s (%(size)s, %(seconds).1f giây).")
            % {"path": result.path, "size": filesizeformat(result.size), "seconds": result.seconds},
            _("Cơ sở dữ liệu: %(engine)s, %(tables)s bảng, %(migrations)s migration.")
            % {
                "engine": engine,
                "tables": len(database["tables"]),
                "migrations": len(manifest["migrations"]),
            },
        ]
        for root, label in (("media", _("Tệp công khai")), ("private", _("Tệp riêng"))):
            info = manifest["files"][root]
            lines.append(
                _("%(label)s: %(count)s tệp, %(size)s.")
                % {"label": label, "count": info["count"], "size": filesizeformat(info["bytes"])}
            )
        counts = manifest["counts"]
        lines.append(
            _("Số dòng: %(rows)s")
            % {"rows": ", ".join(f"{k} {counts[k]:,}" for k in backup.MAIN_TABLES if k in counts)}
        )
        self.stdout.write("\n".join(lines))
