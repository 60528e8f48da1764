"""core.uploads: the type comes from the bytes, and every file that could carry a program is refused.
Pure tests (no database): each case is a file someone could really send."""

import io
import zipfile
import zlib

import openpyxl
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from ocop.core import uploads
from ocop.core.uploads import Rejected, check_pdf, display_name, download_name, sniff


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 120, 60)).save(out, fmt)
    return out.getvalue()


def _reportlab_pdf() -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pageCompression=1)
    c.drawString(72, 720, "Giấy chứng nhận vùng nguyên liệu")
    c.showPage()
    c.save()
    return out.getvalue()


def _pdf(*objects: bytes, hidden: tuple[int, ...] = ()) -> bytes:
    """A small PDF written by hand: the objects in order, the xref table giving each one's offset, the
    trailer. The objects numbered in `hidden` are written on one line after a `%`: a scan of the bytes
    takes the line for a comment, a reader jumps to the object's offset and reads it."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for n, obj in enumerate(objects, 1):
        if n in hidden:
            body += b"% "
            offsets.append(len(body))
            body += b"%d 0 obj " % n + obj.replace(b"\n", b" ") + b" endobj\n"
        else:
            offsets.append(len(body))
            body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return dictionary.replace(b">>", b" /Length %d >>" % len(data)) + b"\nstream\n" + data + b"\nendstream"


def _object_stream(text: bytes) -> bytes:
    """PDF 1.5 object stream (compressed), where modern writers put most dictionaries."""
    packed = zlib.compress(b"3 0 " + text)
    return _stream(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>", packed)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


DOCX_TYPES = (
    b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _docx(**extra: bytes) -> bytes:
    return _zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>", **extra})


def _xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def _code(data: bytes, allowed=uploads.DOCUMENTS) -> str:
    with pytest.raises(Rejected) as e:
        sniff(data, allowed)
    return e.value.code


def test_accepted_types_come_from_the_bytes():
    assert sniff(_reportlab_pdf()) is uploads.PDF
    assert sniff(_image("JPEG")) is uploads.JPEG
    assert sniff(_image("PNG")) is uploads.PNG
    assert sniff(_image("WEBP")) is uploads.WEBP
    assert sniff(_docx()) is uploads.DOCX
    assert sniff(_xlsx()) is uploads.XLSX
    # Photos take images only.
    assert sniff(_image("PNG"), uploads.IMAGES) is uploads.PNG
    assert _code(_reportlab_pdf(), uploads.IMAGES) == "not_allowed"
    assert _code(_xlsx(), uploads.IMAGES) == "not_allowed"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode",
            "executable",
        ),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "executable"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "executable"),
        (b"#!/bin/sh\nrm -rf /\n", "executable"),
        (b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "markup"),
        (b"\xef\xbb\xbf  <html><body onload=alert(1)>", "markup"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "markup"),
        (b'<?xml version="1.0"?><svg onload="alert(1)"/>', "markup"),
        (b"GIF89a/*<script>alert(1)</script>*/", "markup"),  # GIFAR-style: not an accepted image
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "unsupported"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_office"),  # .doc, .xls, .msi
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic"),
        (b"Rar!\x1a\x07\x00", "archive"),
        (b"\x1f\x8b\x08\x00", "archive"),
        (b"just some text, not a document", "unsupported"),
    ],
)
def test_refused_whatever_the_name(data, code):
    assert _code(data) == code


def test_zips_other_than_word_and_excel_are_refused():
    assert _code(_zip({"setup.exe": b"MZ..."})) == "archive"
    assert _code(_zip({"word/document.xml": b"<w:document/>"})) == "archive"  # no [Content_Types].xml
    # [Content_Types].xml present but not a Word or Excel main part (e.g. a .pptx or a crafted zip).
    assert _code(_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})) == "archive"
    # An .exe with a zip appended (self-extracting archive) starts with MZ.
    assert _code(b"MZ" + b"\x00" * 64 + _docx()) == "executable"


def test_macros_activex_and_embedded_objects_are_refused():
    assert _code(_docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})) == "macros"
    assert _code(_docx(**{"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"})) == "macros"
    assert _code(_docx(**{"word/activeX/activeX1.xml": b"<ax/>"})) == "macros"
    macro_types = DOCX_TYPES.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    assert _code(_zip({"[Content_Types].xml": macro_types, "word/document.xml": b"<w/>"})) == "macros"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNPACKED", 4 * 1024 * 1024)  # 300 MB in production
    bomb = _zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"\x00" * (5 * 1024 * 1024)})
    assert len(bomb) < 10 * 1024
    assert _code(bomb) == "archive_too_large"
    many = _zip({"[Content_Types].xml": DOCX_TYPES} | {f"word/{i}.xml": b"" for i in range(5001)})
    assert _code(many) == "archive_too_large"


def test_a_real_pdf_passes_and_active_content_is_refused():
    check_pdf(_reportlab_pdf())
    check_pdf(_pdf(CATALOG, PAGES))
    js = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    for catalog, name in [
        (js, "/JS"),
        (b"<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>", "/Launch"),
        (b"<< /Type /Catalog /Names << /EmbeddedFiles 3 0 R >> >>", "/EmbeddedFiles"),
        (b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /JS (x) >> >>", "/JS"),  # #61 is 'a'
        (b"<< /Type /Catalog /AA << /O << /S /J#61va#53cript >> >> >>", "/JavaScript"),
        (b"<< /Type /Annot /Subtype /RichMedia >>", "/RichMedia"),
    ]:
        with pytest.raises(Rejected) as e:
            sniff(_pdf(catalog, PAGES))
        assert (e.value.code, e.value.detail) == ("pdf_active", name)


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    hidden = _object_stream(b"<< /S /JavaScript /JS (app.launchURL('http://x')) >>")
    with pytest.raises(Rejected) as e:
        check_pdf(_pdf(CATALOG, PAGES, hidden))
    assert e.value.code == "pdf_active"
    check_pdf(_pdf(CATALOG, PAGES, _object_stream(b"<< /Type /Font /Subtype /Type1 >>")))
    # An object stream the check cannot open is refused rather than passed unread.
    lzw = _stream(b"<< /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode >>", b"\x80\x0b\x60\x50")
    assert _code(_pdf(CATALOG, lzw)) == "pdf_unreadable"
    broken = _stream(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>", b"not deflate")
    assert _code(_pdf(CATALOG, broken)) == "pdf_unreadable"


def test_names_in_strings_and_stream_data_are_not_actions():
    # The words in a string, or bytes in an image, are not names: no false alarm.
    check_pdf(_pdf(b"<< /Type /Catalog /Title (Huong dan /JavaScript cho can bo) >>", PAGES))
    check_pdf(_pdf(CATALOG, _stream(b"<< /Type /XObject /Subtype /Image >>", b"\xff\x00/JS /Launch\x00\xff")))
    check_pdf(_pdf(b"<< /Type /Catalog >> % /JavaScript in a comment", PAGES))
    # …but a fake `stream` keyword inside a string cannot hide a real action from the check.
    trick = b"<< /Title (x stream\n) /OpenAction << /S /JavaScript /JS (1) >> /Note (endstream) >>"
    assert _code(_pdf(trick, PAGES)) == "pdf_active"


def test_polyglots_are_refused():
    assert _code(_pdf(CATALOG, PAGES) + _docx()) == "polyglot"  # a PDF that is also a zip
    assert _code(b"%PDF-1.4\n<html><script>alert(1)</script>\n" + _pdf(CATALOG)[9:]) == "polyglot"
    assert _code(b"%PD" + b"F" * 10) == "unsupported"


def test_display_and_download_names():
    assert display_name("C:\\Users\\an\\Giấy phép.pdf") == "Giấy phép.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("hoa-don\u202efdp.exe") == "hoa-donfdp.exe"  # no right-to-left override
    assert display_name("a\x00b\r\n.pdf") == "ab.pdf"
    assert display_name("   ") == display_name("...") == "tep"
    long = display_name("x" * 300 + ".docx")
    assert len(long) == 120 and long.endswith(".docx")
    assert display_name("Mật ong") == "Mật ong"  # NFC, Vietnamese kept
    assert download_name("bao-cao.exe", uploads.PDF) == "bao-cao.pdf"
    assert download_name("anh chup.PNG", uploads.JPEG) == "anh chup.jpg"
    assert download_name("", uploads.PDF) == "tep.pdf"


# --- What a reader sees: the structure through the xref table (issue 20, item 5) -------------------

PAGE_TREE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " + extra + b" >>"


def _active(data: bytes) -> str:
    with pytest.raises(Rejected) as e:
        check_pdf(data)
    assert e.value.code == "pdf_active"
    return e.value.detail


def test_javascript_behind_a_comment_on_the_same_line_is_found():
    """`% 1 0 obj << … /OpenAction 3 0 R >>`: a comment to a scan of the bytes, the catalog to a reader,
    which finds it by its offset in the xref table."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>"
    trick = _pdf(catalog, PAGES, b"<< /S /JavaScript /JS (app.alert(1)) >>", hidden=(1, 3))
    assert b"\n% 1 0 obj << /Type /Catalog" in trick
    uploads._scan_pdf(trick, streams=True)  # the byte scan alone lets it through
    assert _active(trick) == "/OpenAction"
    assert _code(trick) == "pdf_active"
    # The same with the script's name escaped and the action reached through a GoTo's /Next.
    goto = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [0 /Fit] /Next 3 0 R >> >>"
    assert _active(_pdf(goto, PAGES, b"<< /S /J#61vaScript /J#53 (1) >>", hidden=(1, 3))) == "/JS"


@pytest.mark.parametrize(
    ("objects", "detail"),
    [
        # Additional actions on a page (run when it is opened).
        ((CATALOG, PAGE_TREE, _page(b"/AA << /O << /S /JavaScript /JS (1) >> >>")), "/AA"),
        # A link annotation whose action is a script.
        (
            (
                CATALOG,
                PAGE_TREE,
                _page(b"/Annots [4 0 R]"),
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                b"/A << /S /JavaScript /JS (this.submitForm('http://x')) >> >>",
            ),
            "/JS",
        ),
        # …or launches a program, the action's type given through a reference.
        (
            (
                CATALOG,
                PAGE_TREE,
                _page(b"/Annots [4 0 R]"),
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S 5 0 R /F (cmd.exe) >> >>",
                b"/Launch",
            ),
            "/Launch",
        ),
        (
            (
                CATALOG,
                PAGE_TREE,
                _page(b"/Annots [4 0 R]"),
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                b"/A << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) >> >> >>",
            ),
            "/Launch",
        ),
        # Attachments: the document's name tree, and an annotation carrying a file.
        (
            (
                b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
                PAGES,
                b"<< /Names [] >>",
            ),
            "/EmbeddedFiles",
        ),
        (
            (
                CATALOG,
                PAGE_TREE,
                _page(b"/Annots [4 0 R]"),
                b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (a.exe) >>",
            ),
            "/FileAttachment",
        ),
        # An XFA form, and a form field with an action on a keystroke.
        ((b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 3 0 R >> >>", PAGES, b"[]"), "/XFA"),
        (
            (
                b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
                PAGES,
                b"<< /FT /Tx /T (a) /AA << /K 4 0 R >> >>",
                b"<< /S /ResetForm >>",
            ),
            "/AA",
        ),
        # A bookmark that runs a script when clicked.
        (
            (
                b"<< /Type /Catalog /Pages 2 0 R /Outlines 3 0 R >>",
                PAGES,
                b"<< /Type /Outlines /First 4 0 R /Last 4 0 R /Count 1 >>",
                b"<< /Title (Muc luc) /Parent 3 0 R /A << /S /JavaScript /JS (1) >> >>",
            ),
            "/JS",
        ),
        # The document-level script name tree.
        (
            (b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 3 0 R >> >>", PAGES, b"<< /Names [] >>"),
            "/JavaScript",
        ),
    ],
)
def test_active_content_anywhere_in_the_structure_is_refused(objects, detail):
    hidden = tuple(range(1, len(objects) + 1))  # every object behind a comment: only the xref finds them
    data = _pdf(*objects, hidden=hidden)
    uploads._scan_pdf(data, streams=True)  # nothing for the byte scan…
    assert _active(data) == detail  # …the structure has it


def test_opening_at_a_page_is_no_action():
    check_pdf(_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGE_TREE, _page()))
    check_pdf(
        _pdf(
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>",
            PAGE_TREE,
            _page(),
        )
    )
    named = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Named /N /Print >> >>"
    assert _active(_pdf(named, PAGE_TREE, _page())) == "/OpenAction"


def test_unreadable_encrypted_and_oversized_pdfs_are_refused(monkeypatch):
    assert _code(b"%PDF-1.4 test") == "pdf_unreadable"
    whole = _reportlab_pdf()
    assert _code(whole[: len(whole) // 2]) == "pdf_unreadable"  # cut off: no xref, no trailer
    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt="mat-khau")
    c.drawString(72, 720, "Bao mat")
    c.showPage()
    c.save()
    assert _code(out.getvalue()) == "pdf_encrypted"
    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 2)
    out = io.BytesIO()
    c = canvas.Canvas(out)
    for _ in range(3):
        c.drawString(72, 720, "Trang")
        c.showPage()
    c.save()
    assert _code(out.getvalue()) == "pdf_too_large"
    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 1000)
    check_pdf(out.getvalue())
    monkeypatch.setattr(uploads, "MAX_PDF_SECONDS", 0)  # the time budget spent: refused, not passed unread
    assert _code(out.getvalue()) == "pdf_too_large"


def test_the_refusal_says_what_was_found_and_what_to_do():
    from ocop.core import private
    from ocop.core.errors import OcopError

    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>"
    trick = _pdf(catalog, PAGES, b"<< /S /JavaScript /JS (app.alert(1)) >>", hidden=(1, 3))
    with pytest.raises(OcopError) as e:
        private.accept(trick, kind="evidence", field="file", name="giay-phep.pdf")
    assert e.value.code == "file_pdf_active" and "giay-phep.pdf" in e.value.message
    assert "/OpenAction" in e.value.message and "Save as PDF" in e.value.message
    for data, code in [(b"%PDF-1.4 test", "file_pdf_unreadable")]:
        with pytest.raises(OcopError) as e:
            private.accept(data, kind="evidence", field="file", name="a.pdf")
        assert e.value.code == code and "a.pdf" in e.value.message
    assert private.accept(_reportlab_pdf(), kind="evidence", field="file", name="a.pdf").type is uploads.PDF
