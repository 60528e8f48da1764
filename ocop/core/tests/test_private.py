"""core.private without a dossier: the storage has no public URL, unknown types are served as downloads,
and the import form names its own limit."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core import private
from ocop.registry.forms import ImportForm


def test_private_files_have_no_url_and_live_outside_media(settings):
    storage = private.private_storage()
    name = storage.save("evidence/x/abc.pdf", ContentFile(b"%PDF-1.4"))
    assert storage.path(name).startswith(str(settings.OCOP_PRIVATE_ROOT.resolve()))
    assert not storage.path(name).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        storage.url(name)


def test_unknown_or_refused_types_are_served_as_plain_downloads(settings):
    storage = private.private_storage()
    name = storage.save("findings/x/old.bin", ContentFile(b"<html><script>alert(1)</script>"))
    for declared in ("", "text/html", "image/svg+xml"):
        r = private.serve(storage.open(name), content_type=declared, filename="old.bin")
        assert r["Content-Type"] == "application/octet-stream"
        assert r["Content-Disposition"].startswith("attachment;") and r["X-Content-Type-Options"] == "nosniff"
        # The file only: response.close() also sends request_finished, which checks the database
        # connections (a test before this one may have left one open; this test has no database).
        r.file_to_stream.close()


def test_import_form_names_its_limit(settings):
    settings.OCOP_UPLOAD_MAX_MB = {**settings.OCOP_UPLOAD_MAX_MB, "import": 1}
    big = SimpleUploadedFile("danh-sach.csv", b"a" * (1024 * 1024 + 1))
    form = ImportForm(files={"file": big})
    assert not form.is_valid() and "1 MB" in form.errors["file"][0]
    assert ImportForm(files={"file": SimpleUploadedFile("danh-sach.csv", b"ten\n")}).is_valid()
