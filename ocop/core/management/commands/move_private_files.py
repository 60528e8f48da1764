"""Move evidence and inspection photos stored before under MEDIA_ROOT (anyone who guessed the URL could
download them) into the private storage. Run once after upgrading; running it again does nothing.

Each file is checked as a new upload would be: what passes is kept under a random name (images
re-encoded, their location data dropped); what would be refused today is still moved — it is now private
and served only as a download — and listed for an officer to look at."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core import private, uploads
from ocop.core.errors import OcopError
from ocop.evaluation.models import Evidence
from ocop.monitoring.models import FindingPhoto


class Command(BaseCommand):
    help = _("Chuyển minh chứng và ảnh kiểm tra cũ từ thư mục media công khai sang kho riêng (chạy một lần).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ liệt kê, không chuyển."))

    def handle(self, *args, dry_run=False, **options):
        public = FileSystemStorage(location=settings.MEDIA_ROOT)
        store = private.private_storage()
        moved = suspect = 0
        rows = [(ev, ev.file, "evidence", f"evidence/{ev.dossier.public_id}") for ev in _evidence()]
        rows += [(p, p.image, "photo", f"findings/{p.finding.public_id}") for p in _photos()]
        for row, field, kind, folder in rows:
            old = field.name
            if not old or store.exists(old) or not public.exists(old):
                continue
            with public.open(old, "rb") as f:
                data = f.read()
            try:
                accepted = private.accept(data, kind=kind, field="file", name=old)
            except OcopError as e:
                # Refused today, kept anyway (private now, served as a download) and listed for review.
                accepted = private.Accepted(data=data, type=_RAW, name=uploads.display_name(old))
                suspect += 1
                self.stdout.write(_("  cần xem lại: %(file)s — %(why)s") % {"file": old, "why": e.message})
            moved += 1
            if dry_run:
                self.stdout.write(f"  {old}")
                continue
            with transaction.atomic(), private.stored(folder, accepted) as name:
                _point(row, field, name, accepted)
            public.delete(old)
        done = (
            _("Sẽ chuyển %(n)s tệp vào kho riêng (%(s)s tệp cần xem lại).")
            if dry_run
            else _("Đã chuyển %(n)s tệp vào kho riêng (%(s)s tệp cần xem lại).")
        )
        self.stdout.write(done % {"n": moved, "s": suspect})


_RAW = uploads.FileType("bin", "application/octet-stream")


def _evidence():
    return Evidence.objects.select_related("dossier").order_by("pk")


def _photos():
    return FindingPhoto.objects.select_related("finding").order_by("pk")


def _point(row, field, name: str, accepted: private.Accepted) -> None:
    field.name = name
    if isinstance(row, Evidence):
        row.name = row.name or accepted.name
        row.content_type = accepted.type.content_type
        row.save(update_fields=["file", "name", "content_type"])
    else:
        row.save(update_fields=["image"])
