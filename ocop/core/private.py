"""Private files — dossiers' evidence, inspection photos: taken in with a size limit per kind and a type
read from the bytes (core.uploads), images re-encoded (core.images), kept outside the web root
(`OCOP_PRIVATE_ROOT`) under a random name, and handed out only by views that have checked access."""

import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import images, uploads
from .codes import random_code
from .errors import OcopError

IMAGE_SIDE = 2048  # longest side kept: a photographed certificate or test report stays legible
IMAGE_QUALITY = 85

KINDS = {
    "evidence": uploads.DOCUMENTS,
    "photo": uploads.IMAGES,
}


@deconstructible(path="ocop.core.private.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under settings.OCOP_PRIVATE_ROOT (read at each use, so tests may point it elsewhere). They
    have no URL: a view streams them after checking who asks."""

    @property
    def base_location(self):
        return settings.OCOP_PRIVATE_ROOT

    @property
    def location(self):
        return str(settings.OCOP_PRIVATE_ROOT.resolve())

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a view that checks access")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private FileFields (a callable, so migrations do not freeze a path)."""
    return _storage


def limit_mb(kind: str) -> int:
    return settings.OCOP_UPLOAD_MAX_MB[kind]


@dataclass(frozen=True)
class Accepted:
    data: bytes
    type: uploads.FileType
    name: str  # the uploaded name, cleaned, for display only


def read_limited(file, *, kind: str, field: str) -> bytes:
    """The upload's bytes, refused (with the limit in the message) as soon as they pass the kind's limit,
    whatever the declared size says."""
    limit = limit_mb(kind) * 1024 * 1024
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
        if len(data) > limit:
            _too_large(kind, field)
        return data
    if (getattr(file, "size", None) or 0) > limit:
        _too_large(kind, field)
    if hasattr(file, "seek"):
        file.seek(0)
    parts, total = [], 0
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1024 * 1024), b"")
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            _too_large(kind, field)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(kind: str, field: str):
    if kind == "photo":
        message = _("Ảnh lớn quá %(mb)s MB: hãy chụp lại ở độ phân giải thấp hơn hoặc gửi ảnh nhỏ hơn.")
    else:
        message = _(
            "Tệp minh chứng lớn quá %(mb)s MB: hãy nén, chia nhỏ hoặc chụp lại với độ phân giải thấp hơn."
        )
    raise OcopError("file_too_large", message % {"mb": limit_mb(kind)}, field=field)


def accept(file, *, kind: str, field: str, name: str = "") -> Accepted:
    """Check an upload for `kind` ("evidence" or "photo") and return what to keep: images re-encoded to
    JPEG (metadata and location dropped, longest side IMAGE_SIDE), PDFs and Office files as uploaded
    once checked. Raises OcopError with a code and a Vietnamese message saying what to do."""
    data = read_limited(file, kind=kind, field=field)
    name = uploads.display_name(name or getattr(file, "name", "") or "")
    try:
        kind_type = uploads.sniff(data, KINDS[kind])
    except uploads.Rejected as e:
        raise OcopError(f"file_{e.code}", _rejection_message(e, kind, name), field=field) from None
    if kind_type.image:
        try:
            data = images.renditions(
                data, (IMAGE_SIDE,), quality=IMAGE_QUALITY, max_pixels=max_photo_pixels()
            )[IMAGE_SIDE]
        except images.ImageRejected as e:
            message = (
                too_large_message(e, name)
                if e.code == "too_large"
                else _("Tệp «%(name)s» không phải ảnh đọc được: hãy chọn ảnh JPEG, PNG hoặc WebP.")
                % {"name": name}
            )
            raise OcopError(f"file_image_{e.code}", message, field=field) from None
        kind_type = uploads.JPEG
    return Accepted(data=data, type=kind_type, name=name)


def max_photo_pixels() -> int:
    return settings.OCOP_PHOTO_MAX_MEGAPIXELS * 1_000_000


def _megapixels(pixels: int) -> str:
    mp = math.ceil(pixels / 100_000) / 10  # rounded up: 40.02 MP is over a 40 MP limit, so say 40,1
    return str(int(mp)) if mp == int(mp) else number_format(mp, 1)


def too_large_message(e: images.ImageRejected, name: str = "") -> str:
    """«Ảnh quá lớn: 7000×7000 điểm ảnh (49 megapixel); tối đa 40 megapixel.» and what to do."""
    values = {"limit": _megapixels(e.limit), "name": name}
    if e.width and e.height:
        values.update(w=e.width, h=e.height, mp=_megapixels(e.width * e.height))
        text = (
            _("Ảnh «%(name)s» quá lớn: %(w)s×%(h)s điểm ảnh (%(mp)s megapixel); tối đa %(limit)s megapixel.")
            if name
            else _("Ảnh quá lớn: %(w)s×%(h)s điểm ảnh (%(mp)s megapixel); tối đa %(limit)s megapixel.")
        )
    else:
        text = (
            _("Ảnh «%(name)s» quá lớn: hơn %(limit)s megapixel.")
            if name
            else _("Ảnh quá lớn: hơn %(limit)s megapixel.")
        )
    return (text % values) + " " + _("Hãy chụp ở độ phân giải thấp hơn hoặc thu nhỏ ảnh rồi gửi lại.")


def _rejection_message(e: uploads.Rejected, kind: str, name: str) -> str:
    allowed = (
        _("ảnh JPEG, PNG hoặc WebP")
        if kind == "photo"
        else _("PDF, ảnh JPEG/PNG/WebP, Word (.docx) hoặc Excel (.xlsx)")
    )
    messages = {
        "empty": _("Tệp «%(name)s» rỗng."),
        "executable": _("Tệp «%(name)s» là chương trình chạy được, không nhận. Chỉ nhận %(allowed)s."),
        "markup": _(
            "Tệp «%(name)s» là trang web hoặc ảnh SVG (có thể chứa mã chạy), không nhận. "
            "Chỉ nhận %(allowed)s."
        ),
        "heic": _(
            "Ảnh «%(name)s» ở dạng HEIC, chưa đọc được: trên iPhone chọn Cài đặt → Camera → Định dạng → "
            "Tương thích nhất, hoặc gửi ảnh JPEG."
        ),
        "old_office": _(
            "Tệp «%(name)s» ở dạng Word/Excel cũ (.doc, .xls): hãy lưu lại thành .docx, .xlsx hoặc PDF."
        ),
        "archive": _("Tệp «%(name)s» là tệp nén hoặc định dạng không nhận. Chỉ nhận %(allowed)s."),
        "archive_too_large": _("Tệp «%(name)s» giải nén ra quá lớn hoặc quá nhiều phần, không nhận."),
        "macros": _(
            "Tệp «%(name)s» có macro hoặc đối tượng nhúng: hãy lưu lại không có macro (.docx, .xlsx) "
            "hoặc in ra PDF."
        ),
        "pdf_active": _(
            "Tệp PDF «%(name)s» chứa mã chạy hoặc tệp đính kèm (%(detail)s): hãy in lại ra PDF "
            "(Print → Save as PDF) rồi gửi."
        ),
        "pdf_unreadable": _(
            "Tệp PDF «%(name)s» không kiểm tra được: hãy in lại ra PDF (Print → Save as PDF) rồi gửi."
        ),
        "pdf_encrypted": _(
            "Tệp PDF «%(name)s» có mật khẩu hoặc được mã hoá nên không kiểm tra được: hãy mở tệp rồi in lại "
            "ra PDF (Print → Save as PDF) không đặt mật khẩu, rồi gửi."
        ),
        "pdf_too_large": _(
            "Tệp PDF «%(name)s» quá nhiều trang hoặc quá phức tạp để kiểm tra (tối đa %(detail)s trang): "
            "hãy tách thành nhiều tệp nhỏ hơn rồi gửi."
        ),
        "polyglot": _(
            "Tệp «%(name)s» vừa là PDF vừa là định dạng khác, không nhận: hãy in lại ra PDF rồi gửi."
        ),
        "not_allowed": _("Tệp «%(name)s» không phải ảnh. Chỉ nhận %(allowed)s."),
        "unsupported": _("Không nhận dạng được tệp «%(name)s». Chỉ nhận %(allowed)s."),
    }
    return messages.get(e.code, messages["unsupported"]) % {
        "name": name,
        "allowed": allowed,
        "detail": e.detail,
    }


def store(folder: str, accepted: Accepted) -> str:
    """Write the accepted bytes under `folder` with a random name and the sniffed extension; the name
    stored in the FileField."""
    return _storage.save(
        f"{folder}/{random_code(16).lower()}.{accepted.type.ext}", ContentFile(accepted.data)
    )


@contextmanager
def stored(folder: str, accepted: Accepted):
    """store() around the block that writes the file's row: if the block fails, the file is removed
    again, so a refused write leaves no file without its row."""
    name = store(folder, accepted)
    try:
        yield name
    except BaseException:
        _storage.delete(name)
        raise


def serve(fieldfile, *, content_type: str, filename: str) -> FileResponse:
    """Stream a private file with the type read at upload: images inline, everything else as a
    download; no sniffing, no scripts, not kept by shared caches."""
    known = uploads.BY_CONTENT_TYPE.get(content_type)
    content_type = known.content_type if known else "application/octet-stream"
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Không tìm thấy tệp.")) from None
    response = FileResponse(
        handle,
        as_attachment=not (known and known.image),
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
