"""What an uploaded file really is, from its bytes — never its name or the browser's content type — and
whether it may be kept. Pure Python (zipfile, zlib, pypdf): imports nothing from Django.

Accepted, when the caller allows them: PDF without active content, JPEG, PNG and WebP (which the caller
re-encodes through core.images, so only pixels are kept), Word and Excel documents in Office Open XML
(.docx, .xlsx; a zip with [Content_Types].xml, no macros, ActiveX or embedded objects). HEIC is refused
with its own code: Pillow here cannot read it, so it could be neither checked nor re-encoded. Everything
else is refused: executables and scripts, HTML, SVG and other XML (script carriers), other archives, old
binary Office files, and polyglots that we can see (a PDF that is also a zip, markup in a PDF's header).
"""

import io
import re
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


@dataclass(frozen=True)
class FileType:
    ext: str
    content_type: str
    image: bool = False


PDF = FileType("pdf", "application/pdf")
JPEG = FileType("jpg", "image/jpeg", image=True)
PNG = FileType("png", "image/png", image=True)
WEBP = FileType("webp", "image/webp", image=True)
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

IMAGES = frozenset({JPEG, PNG, WEBP})
DOCUMENTS = frozenset({PDF, DOCX, XLSX}) | IMAGES
BY_CONTENT_TYPE = {t.content_type: t for t in DOCUMENTS}


class Rejected(ValueError):
    """`code` is stable (the caller turns it into a message); `detail` names what was found, if anything."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


# PDF names that run something or carry a file: scripts, launching programs, attachments, Flash.
PDF_ACTIVE = frozenset({"JS", "JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia"})
# What the structural check (pypdf) refuses in any dictionary reachable from the trailer. Keys: scripts
# (/JS, the /JavaScript name tree), additional actions run on events (/AA: opening a page, focusing a
# field…), attachments (/EmbeddedFiles name tree, a file specification's /EF streams), XFA forms (which
# carry scripts), Flash. Actions (/S): scripts, programs, data imported or media played from the file.
# Annotations (/Subtype): attachments, Flash.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/Rendition", "/RichMediaExecute", "/GoToE"}
)
PDF_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia"})
# Where a reader never looks for an action, and what is most of a file's objects: drawing (content streams,
# resources, fonts, images, annotations' appearances, a form's default resources), thumbnails, metadata,
# the tagged structure (one element per paragraph; the annotations it points to are reached from their
# page), and the links back up to a page's parent or an annotation's page (reached from the catalog).
# Skipped, so the walk costs a few objects per page (pypdf reads ~1,000 objects a second on a busy server).
PDF_INERT_KEYS = frozenset(
    {"/Contents", "/Resources", "/AP", "/DR", "/Thumb", "/Metadata", "/StructTreeRoot", "/Parent", "/P"}
)
MAX_PDF_PAGES = 1000  # a dossier's longest evidence (a test report, a business plan) is a few hundred
MAX_PDF_OBJECTS = 10_000  # dictionaries and arrays visited; 3 to 5 per page in real files
MAX_PDF_SECONDS = 10.0  # the walk's budget, checked between objects (a file's size bounds any one object)
MAX_OBJECT_STREAM = 32 * 1024 * 1024  # decompressed; real object streams are kilobytes
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNPACKED = 300 * 1024 * 1024  # a 20 MB workbook unpacks to ~200 MB at most; more is a zip bomb

_EXECUTABLE = (
    b"MZ",  # Windows PE, DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O fat binary, Java class
    b"#!",  # shell, Python, Perl… scripts
    b"\x00asm",  # WebAssembly
)
_OTHER_ARCHIVES = (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .msi: old binary Office and installers
# What makes a browser take bytes for HTML (its sniffing looks at the first 512 bytes).
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|svg|\?xml|object|embed|style|title|div|table|font|br|"
    rb"h1|a|b|p|!--)[\s>]",
    re.IGNORECASE,
)


def sniff(data: bytes, allowed: frozenset[FileType] = DOCUMENTS) -> FileType:
    """The file's type, checked for what it may carry. Raises Rejected with one of: empty, executable,
    markup, heic, old_office, archive, macros, archive_too_large, pdf_active, pdf_unreadable, pdf_encrypted,
    pdf_too_large, polyglot, unsupported, not_allowed (a known type the caller does not take here)."""
    if not data:
        raise Rejected("empty")
    head = data[:16]
    if head.startswith(_EXECUTABLE):
        raise Rejected("executable")
    kind = _magic(data)
    if kind is None:
        text = data[:1024].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
        if text.startswith(b"<") or _MARKUP.search(data[:1024]):
            raise Rejected("markup")
        if head.startswith(_OLE):
            raise Rejected("old_office")
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")) or head.startswith(_OTHER_ARCHIVES):
            raise Rejected("archive")
        raise Rejected("unsupported")
    if kind == "heic":
        raise Rejected("heic")
    if kind == "zip":
        kind = ooxml_type(data)
    if kind not in allowed:
        raise Rejected("not_allowed", kind.ext)
    if kind is PDF:
        check_pdf(data)
    return kind


def _magic(data: bytes) -> FileType | str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
        return "heic"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return None


# --- PDF -------------------------------------------------------------------------------------------

_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# What the tokenizer stops at: a string, a comment, an object's start, a stream's data.
_TOKEN = re.compile(rb"[(%]|(?<![A-Za-z])obj(?![A-Za-z])|(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_STRING_CHAR = re.compile(rb"[()\\]")
_EOL = re.compile(rb"[\r\n]")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)")
_END = re.compile(rb"\s*endstream")


def _names(chunk: bytes) -> set[str]:
    """PDF name tokens, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {
        _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)).decode("latin-1")
        for m in _NAME.finditer(chunk)
    }


def check_pdf(data: bytes) -> None:
    """Starts with %PDF- and has no active content (a name of PDF_ACTIVE), whether written plainly or
    inside a compressed object stream (where PDF 1.5+ writers put dictionaries). A small tokenizer skips
    strings, comments and stream data the way a reader does — text in a string is not a name, and an
    image's bytes would give false alarms — so a name cannot hide behind a fake `stream` in a string."""
    if not data.startswith(b"%PDF-"):
        raise Rejected("unsupported")
    if _MARKUP.search(data[:1024]):
        raise Rejected("polyglot", "html")
    _scan_pdf(data, streams=True)
    try:
        is_zip = zipfile.is_zipfile(io.BytesIO(data))
    except (OSError, ValueError):
        is_zip = False
    if is_zip:
        raise Rejected("polyglot", "zip")
    _walk_pdf(data)


def _walk_pdf(data: bytes) -> None:
    """What a reader sees: pypdf finds the objects through the xref table (or rebuilds it, as readers
    do), so an object that the byte scan took for a comment — `% 3 0 obj << /JS … >>`, reached by its
    offset — is read here. Every dictionary and array reachable from the trailer is visited once (the
    catalog's /OpenAction, /AA, /Names, /AcroForm and its fields, the pages, their annotations and
    actions, the outlines…) but for what sits under PDF_INERT_KEYS, and never the content of streams.
    Bounded in pages, objects and time; encrypted files and anything pypdf cannot read are refused."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Rejected("pdf_encrypted")
        trailer = reader.trailer
        if not isinstance(dict.get(trailer, "/Root"), IndirectObject | DictionaryObject):
            raise Rejected("pdf_unreadable")
        _walk_objects(trailer)
    except Rejected:
        raise
    except Exception:  # pypdf's errors, and whatever malformed input makes it raise: never passed unread
        raise Rejected("pdf_unreadable") from None


def _walk_objects(trailer: DictionaryObject) -> None:
    seen: set[tuple[int, int]] = set()
    stack: list = [trailer]
    visited = pages = 0
    deadline = time.monotonic() + MAX_PDF_SECONDS
    while stack:
        if time.monotonic() > deadline:
            raise Rejected("pdf_too_large", str(MAX_PDF_PAGES))
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            visited += 1
            items = list(dict.items(obj))  # raw values: references stay references, resolved once
            keys = {k for k, _ in items}
            found = keys & PDF_ACTIVE_KEYS
            if found:
                raise Rejected("pdf_active", sorted(found)[0])
            action, subtype = _value(obj, "/S"), _value(obj, "/Subtype")
            if action in PDF_ACTIVE_ACTIONS:
                raise Rejected("pdf_active", str(action))
            if subtype in PDF_ACTIVE_SUBTYPES:
                raise Rejected("pdf_active", str(subtype))
            if _value(obj, "/Type") == "/Page":
                pages += 1
            if "/OpenAction" in keys:
                _check_open_action(dict.get(obj, "/OpenAction"))
            stack.extend(v for k, v in items if k not in PDF_INERT_KEYS)
        elif isinstance(obj, ArrayObject):
            visited += 1
            stack.extend(list.__iter__(obj))
        if visited > MAX_PDF_OBJECTS or pages > MAX_PDF_PAGES:
            raise Rejected("pdf_too_large", str(MAX_PDF_PAGES))


def _value(obj: DictionaryObject, key: str):
    """A value as a reader takes it: through a reference (`/S 5 0 R`, with 5 being /Launch, is /Launch)."""
    value = dict.get(obj, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _check_open_action(value) -> None:
    """Opening at a page (a destination, or a /GoTo action) is what writers put there; any other action
    run on opening is refused, whatever it is."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, DictionaryObject) and _value(value, "/S") != "/GoTo":
        raise Rejected("pdf_active", "/OpenAction")


def _scan_pdf(data: bytes, *, streams: bool) -> None:
    pos, n = 0, len(data)
    budget = MAX_OBJECT_STREAM
    header: set[str] = set()  # names since the current object's `obj`: its dictionary, for a stream
    header_at = 0
    while pos < n:
        m = _TOKEN.search(data, pos)
        text = data[pos : m.start() if m else n]
        names = _names(text)
        _refuse_active(names)
        header |= names
        if m is None:
            break
        token = m.group()
        if token == b"(":
            pos = _string_end(data, m.end())
        elif token == b"%":
            eol = _EOL.search(data, m.end())
            pos = eol.end() if eol else n
        elif token == b"obj":
            header, header_at, pos = set(), m.end(), m.end()
        else:
            if not streams:  # an object stream holds no streams
                raise Rejected("pdf_unreadable")
            start = m.end()
            length = _LENGTH.search(data, header_at, m.start())
            end = _END.match(data, start + int(length.group(1))) if length else None
            if end is not None:
                body, pos = data[start : end.start()], end.end()
            else:
                stop = data.find(b"endstream", start)
                stop = n if stop < 0 else stop
                body, pos = data[start:stop], stop + len(b"endstream")
            if "ObjStm" in header:
                if "FlateDecode" not in header:
                    raise Rejected("pdf_unreadable")
                inflated = _inflate(body, budget)
                budget -= len(inflated)
                _scan_pdf(inflated, streams=False)
            header = set()


def _string_end(data: bytes, pos: int) -> int:
    """Just past the `)` closing a literal string opened before `pos` (nested brackets, escapes)."""
    depth = 1
    while depth:
        m = _STRING_CHAR.search(data, pos)
        if m is None:
            return len(data)
        c = m.group()
        pos = m.end() + (1 if c == b"\\" else 0)
        if c != b"\\":
            depth += 1 if c == b"(" else -1
    return pos


def _refuse_active(names: set[str]) -> None:
    found = names & PDF_ACTIVE
    if found:
        raise Rejected("pdf_active", "/" + sorted(found)[0])


def _inflate(raw: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, budget + 1)
    except zlib.error:
        raise Rejected("pdf_unreadable") from None
    if len(out) > budget:
        raise Rejected("pdf_unreadable")
    return out


# --- Office Open XML -------------------------------------------------------------------------------

_MAIN_PARTS = {
    "word/document.xml": (b"wordprocessingml.document.main+xml", DOCX),
    "xl/workbook.xml": (b"spreadsheetml.sheet.main+xml", XLSX),
}


def ooxml_type(data: bytes) -> FileType:
    """DOCX or XLSX: a zip whose [Content_Types].xml declares the document's main part. Macro-enabled
    files, ActiveX controls and embedded objects (which can carry programs) are refused, and so is any
    other zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Rejected("archive") from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_UNPACKED:
        raise Rejected("archive_too_large")
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names:
        raise Rejected("archive")
    for name in names:
        low = name.lower()
        if low.endswith("vbaproject.bin") or "/activex/" in low or "/embeddings/" in low:
            raise Rejected("macros", name)
    try:
        with archive.open("[Content_Types].xml") as f:
            types = f.read(1024 * 1024)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise Rejected("archive") from None
    if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
        raise Rejected("macros", "[Content_Types].xml")
    for part, (declared, kind) in _MAIN_PARTS.items():
        if part in names and declared in types:
            return kind
    raise Rejected("archive")


# --- Names -----------------------------------------------------------------------------------------


def display_name(name: str, limit: int = 120) -> str:
    """The uploaded name made safe to show and to offer as a download name: last path part only, no
    control or direction-override characters (U+202E hides '.exe'), NFC, at most `limit` characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ")
    name = " ".join(name.split()).strip(" .")
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 8 else ""
        name = stem[: limit - len(ext) - 1].rstrip(" .") + "." + ext if ext else name[:limit]
    return name or "tep"


def download_name(original: str, kind: FileType) -> str:
    """The display name with the sniffed extension instead of the uploaded one (a renamed .exe stays
    refused; an image re-encoded to JPEG is offered as .jpg)."""
    stem = display_name(original)
    if "." in stem:
        stem = stem.rsplit(".", 1)[0] or stem
    return f"{stem}.{kind.ext}"
