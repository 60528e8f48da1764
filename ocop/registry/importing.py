"""Spreadsheet import of the product lists provinces keep (XLSX or CSV).

parse (row by row, within limits: registry.tabular) → validate every row (row-numbered Vietnamese messages)
→ build in memory → one short transaction → audit. A file with any bad row changes nothing.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import can_record_recognition, outside_area, profile_of
from ocop.core import versions
from ocop.core.audit import audit_entry, snapshot
from ocop.core.bounds import phone_problem
from ocop.core.errors import OcopError
from ocop.core.textclean import clean_line
from ocop.core.textfold import fold_words
from ocop.geo.services import GeoIndex

from .gtin import is_valid_gtin
from .models import Producer, ProducerType, Product
from .services import (
    CERTIFIED_FIELDS,
    CODE_RE,
    FIRST_YEAR,
    certificate_in_force,
    current_sets,
    decision_date_ok,
    recognition_year_ok,
)
from .signals import products_changed
from .tabular import grouped, open_table
from .tabular import read_table as read_table  # where the benchmarks and older callers find it

# Row errors listed in full; past these only counted. A file of a million bad rows answered a 470 MB page.
MAX_ERRORS = 200

# Canonical column → folded header aliases. Matching ignores case, diacritics and punctuation.
COLUMNS: dict[str, tuple[str, ...]] = {
    "product_name": ("ten san pham", "san pham", "ten sp", "ten san pham ocop"),
    "producer_name": (
        "ten chu the",
        "chu the",
        "ten chu the ocop",
        "chu the ocop",
        "ten co so",
        "don vi",
        "ten chu the san xuat",
        "ten htx doanh nghiep",
        "chu the san xuat",
    ),
    "producer_type": ("loai hinh chu the", "loai hinh", "hinh thuc to chuc", "loai hinh to chuc"),
    "address": ("dia chi", "dia chi chu the", "dia chi san xuat", "dia ban"),
    "product_set": ("bo san pham", "bo sp", "so bo san pham", "bo"),
    "tax_code": ("ma so thue", "mst", "ma so doanh nghiep", "so dang ky kinh doanh", "ma so dkkd"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt"),
    "gtin": ("gtin", "ma gtin", "ma vach", "ma so ma vach"),
    "star": ("so sao", "hang sao", "xep hang", "hang", "sao", "ket qua xep hang"),
    "decision_number": ("so quyet dinh", "so qd", "quyet dinh", "quyet dinh cong nhan"),
    "decision_date": ("ngay quyet dinh", "ngay qd", "ngay cong nhan", "ngay ban hanh"),
    "year": ("nam", "nam danh gia", "nam cong nhan"),
    "legal_rep": ("nguoi dai dien", "dai dien phap luat", "nguoi dai dien theo phap luat"),
}
REQUIRED = ("product_name", "producer_name", "producer_type", "address", "product_set")
LABELS = {
    "product_name": "Tên sản phẩm",
    "producer_name": "Tên chủ thể",
    "producer_type": "Loại hình chủ thể",
    "address": "Địa chỉ",
    "product_set": "Bộ sản phẩm",
    "tax_code": "Mã số thuế",
    "phone": "Điện thoại",
    "gtin": "GTIN",
    "star": "Số sao",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "year": "Năm",
    "legal_rep": "Người đại diện",
}
TEMPLATE_HEADERS = [LABELS[k] for k in COLUMNS]
TEMPLATE_EXAMPLE = [
    "Mật ong hoa ban",
    "HTX Ong mật Điện Biên",
    "Hợp tác xã",
    "Xã Mường Phăng, huyện Điện Biên, tỉnh Điện Biên",
    "4",
    "5600123456",
    "0912345678",
    "",
    "4",
    "1234/QĐ-UBND",
    "15/11/2024",
    "2024",
    "Lò Văn Minh",
]

_TYPE_WORDS: list[tuple[str, str]] = [
    ("to hop tac", ProducerType.THT),
    ("tht", ProducerType.THT),
    ("hop tac xa", ProducerType.HTX),
    ("htx", ProducerType.HTX),
    ("trang trai", ProducerType.TRANG_TRAI),
    ("hiep hoi", ProducerType.HOI),
    ("trung tam", ProducerType.HOI),
    ("hoi", ProducerType.HOI),
    ("doanh nghiep", ProducerType.DOANH_NGHIEP),
    ("cong ty", ProducerType.DOANH_NGHIEP),
    ("cty", ProducerType.DOANH_NGHIEP),
    ("dnnvv", ProducerType.DOANH_NGHIEP),
    ("dn", ProducerType.DOANH_NGHIEP),
    ("ho kinh doanh", ProducerType.HO_KINH_DOANH),
    ("ho san xuat", ProducerType.HO_KINH_DOANH),
    ("ho gia dinh", ProducerType.HO_KINH_DOANH),
    ("hkd", ProducerType.HO_KINH_DOANH),
    ("co so", ProducerType.HO_KINH_DOANH),
    ("ho", ProducerType.HO_KINH_DOANH),
]
_STAR_RE = re.compile(r"^\s*([1-5])\s*(sao|\*|★)?\s*$", re.IGNORECASE)


class ErrorList(list):
    """Row errors: the first MAX_ERRORS kept, the rest only counted in `more`."""

    more = 0

    def append(self, message: str) -> None:
        if len(self) < MAX_ERRORS:
            super().append(message)
        else:
            self.more += 1


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    errors_more: int = 0  # errors past the first MAX_ERRORS, not listed
    producers_created: int = 0
    producers_matched: int = 0
    products_created: int = 0
    products_updated: int = 0
    legacy_addresses: int = 0
    dry_run: bool = False
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.errors_more

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_more

    def more_errors(self) -> str:
        """«… và N lỗi khác» under the listed errors, or ""."""
        return _("… và %(n)s lỗi khác.") % {"n": grouped(self.errors_more)} if self.errors_more else ""

    def _cap_errors(self) -> None:
        if len(self.errors) > MAX_ERRORS:
            self.errors_more += len(self.errors) - MAX_ERRORS
            self.errors = self.errors[:MAX_ERRORS]

    def summary(self) -> str:
        return _(
            "%(rows)s dòng: %(pc)s chủ thể mới, %(pm)s chủ thể đã có; %(nc)s sản phẩm mới, %(nu)s sản phẩm "
            "cập nhật; %(legacy)s địa chỉ theo địa giới cũ đã chuyển sang xã mới."
        ) % {
            "rows": self.rows,
            "pc": self.producers_created,
            "pm": self.producers_matched,
            "nc": self.products_created,
            "nu": self.products_updated,
            "legacy": self.legacy_addresses,
        }


def match_headers(header: list) -> dict[str, int]:
    alias = {a: key for key, aliases in COLUMNS.items() for a in aliases}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = alias.get(fold_words(str(cell or "")))
        if key and key not in found:
            found[key] = i
    missing = [LABELS[k] for k in REQUIRED if k not in found]
    if missing:
        raise OcopError(
            "columns_missing",
            _(
                "Thiếu cột bắt buộc: %(missing)s. Dòng tiêu đề (dòng 1) cần có: %(required)s. "
                "Có thể tải tệp mẫu để đối chiếu."
            )
            % {"missing": ", ".join(missing), "required": ", ".join(LABELS[k] for k in REQUIRED)},
        )
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(value)  # one line, no invisible characters (a name of zero-width spaces is empty)


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", _text(value))
    if not m:
        raise ValueError
    d, mth, y = (int(x) for x in m.groups())
    return datetime.date(y, mth, d)


def parse_producer_type(value: str) -> str | None:
    folded = fold_words(value)
    for words, kind in _TYPE_WORDS:
        if folded == words or folded.startswith(words + " "):
            return kind
    return None


@dataclass(slots=True)  # one per good row, all held until the write: slots keep them small
class _Row:
    number: int
    product_name: str
    producer_name: str
    producer_type: str
    commune: object
    detail: str
    product_set: object
    tax_code: str = ""
    phone: str = ""
    gtin: str = ""
    star: int | None = None
    decision_number: str = ""
    decision_date: datetime.date | None = None
    year: int | None = None
    legal_rep: str = ""
    legacy: bool = False


def validate(
    rows: Iterable[list],
    *,
    actor=None,
    progress: Callable[[int], None] | None = None,
    geo: GeoIndex | None = None,
) -> tuple[list[_Row], list[str]]:
    """Check every row (a list or a stream, header first). Returns the parsed rows and the messages
    "Dòng N: …" for the bad ones (the first MAX_ERRORS of them; ErrorList.more counts the rest)."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise OcopError("file_empty", _("Tệp không có dữ liệu: dòng 1 phải là tiêu đề cột."))
    cols = match_headers(header)
    geo = geo or GeoIndex()
    sets = current_sets()
    set_by_name = {fold_words(s.name): s for s in sets.values()}
    profile = profile_of(actor) if actor is not None else None
    may_recognise = can_record_recognition(actor)
    this_year = timezone.localdate().year
    good: list[_Row] = []
    errors = ErrorList()
    for n, raw in enumerate(rows, start=2):
        if progress:
            progress(1)
        cell = {k: (raw[i] if i < len(raw) else None) for k, i in cols.items()}
        if all(_text(v) == "" for v in cell.values()):
            continue
        problems: list[str] = []

        def get(k, cell=cell):
            return _text(cell.get(k))

        for k in REQUIRED:
            if not get(k):
                problems.append(_("thiếu «%(col)s»") % {"col": LABELS[k]})
        ptype = parse_producer_type(get("producer_type")) if get("producer_type") else None
        if get("producer_type") and ptype is None:
            problems.append(
                _(
                    "loại hình chủ thể «%(v)s» không rõ (cần: Hợp tác xã, Tổ hợp tác, Doanh nghiệp, "
                    "Trang trại, Hộ kinh doanh, Hội)"
                )
                % {"v": get("producer_type")}
            )
        pset = None
        if get("product_set"):
            v = get("product_set")
            m = re.fullmatch(r"(?:bo\s*)?(\d{1,2})(?:\s.*)?", fold_words(v))
            pset = sets.get(int(m.group(1))) if m else set_by_name.get(fold_words(v))
            if pset is None:
                problems.append(
                    _("bộ sản phẩm «%(v)s» không có (cần số 1–26 hoặc tên bộ theo QĐ 26/2026)") % {"v": v}
                )
        commune = detail = None
        legacy = False
        if get("address"):
            try:
                resolved = geo.resolve(get("address"))
                commune, detail, legacy = resolved.commune, resolved.detail, resolved.legacy
            except OcopError as e:
                problems.append(e.message)
        if commune is not None and profile is not None and profile.role != Role.NATIONAL:
            outside = (
                (profile.role == Role.PROVINCE and commune.province_id != profile.province_id)
                or (profile.role == Role.COMMUNE and commune.pk != profile.commune_id)
                or profile.role not in (Role.PROVINCE, Role.COMMUNE)
            )
            if outside:
                problems.append(
                    _("địa chỉ thuộc %(where)s, ngoài địa bàn tài khoản được nhập") % {"where": commune}
                )
        row = _Row(n, get("product_name"), get("producer_name"), ptype or "", commune, detail or "", pset)
        row.tax_code = get("tax_code").replace(" ", "")
        if row.tax_code and not re.fullmatch(r"[0-9][0-9-]{5,19}", row.tax_code):
            problems.append(_("mã số thuế «%(v)s» không hợp lệ (chỉ gồm chữ số)") % {"v": row.tax_code})
        row.phone = get("phone")
        problems += filter(None, [phone_problem(row.phone)])
        row.legal_rep = get("legal_rep")[:150]
        row.gtin = get("gtin").replace(" ", "")
        if row.gtin and not is_valid_gtin(row.gtin):
            problems.append(
                _("GTIN «%(v)s» sai (cần 8/12/13/14 chữ số với số kiểm tra đúng)") % {"v": row.gtin}
            )
        if get("star"):
            m = _STAR_RE.match(get("star"))
            stars = get("star").count("★")
            if m:
                row.star = int(m.group(1))
            elif 1 <= stars <= 5 and set(get("star")) == {"★"}:
                row.star = stars
            else:
                problems.append(_("số sao «%(v)s» không hợp lệ (cần 1 đến 5)") % {"v": get("star")})
        if get("decision_date"):
            try:
                row.decision_date = parse_date(cell["decision_date"])
                if not decision_date_ok(row.decision_date):
                    raise ValueError
            except ValueError:
                problems.append(
                    _(
                        "ngày quyết định «%(v)s» không hợp lệ (cần dd/mm/yyyy, từ năm %(first)s, không sau "
                        "hôm nay)"
                    )
                    % {"v": get("decision_date"), "first": FIRST_YEAR}
                )
        row.decision_number = get("decision_number")[:60]
        if get("year"):
            if re.fullmatch(r"\d{4}", get("year")) and recognition_year_ok(int(get("year"))):
                row.year = int(get("year"))
            else:
                problems.append(
                    _("năm «%(v)s» không hợp lệ (cần 4 chữ số, từ %(first)s đến %(last)s)")
                    % {"v": get("year"), "first": FIRST_YEAR, "last": this_year}
                )
        elif row.decision_date:
            row.year = row.decision_date.year
        if not may_recognise and any(get(k) for k in ("star", "decision_number", "decision_date", "year")):
            problems.append(
                _(
                    "chỉ cơ quan OCOP cấp tỉnh hoặc cấp trung ương được ghi số sao, quyết định, năm "
                    "đánh giá: hãy để trống các cột đó"
                )
            )
        if len(row.product_name) > 255 or len(row.producer_name) > 255:
            problems.append(_("tên dài quá 255 ký tự"))
        if problems:
            errors.append(_("Dòng %(n)s: %(what)s.") % {"n": n, "what": "; ".join(problems)})
        else:
            row.legacy = legacy
            good.append(row)
    return good, errors


def _producer_key(name: str, commune_code: int, tax_code: str) -> tuple:
    return ("tax", tax_code) if tax_code else ("name", fold_words(name), commune_code)


class _Counted(Iterator):
    def __init__(self, rows: Iterable[list]):
        self._rows, self.count = iter(rows), 0

    def __next__(self) -> list:
        row = next(self._rows)
        self.count += 1
        return row


def import_rows(
    rows: Iterable[list],
    *,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate all rows (a list, or a Table read on demand; header first); if every row is good (and not
    dry_run), write them in one transaction."""
    result = ImportResult(dry_run=dry_run)
    counted = _Counted(rows)
    good, errors = validate(counted, actor=actor, progress=progress)
    result.rows = max(counted.count - 1, 0)
    result.errors, result.errors_more = list(errors), errors.more
    result.legacy_addresses = sum(1 for r in good if r.legacy)
    result.preview = [
        {
            "row": r.number,
            "product": r.product_name,
            "producer": r.producer_name,
            "commune": f"{r.commune.name}, {r.commune.province.name}",
            "set": r.product_set.number,
            "star": r.star,
        }
        for r in good[:20]
    ]
    if not result.ok:
        return result
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                _write_in_chunks(good, result, actor)
                if dry_run or result.errors:  # a row refused while writing: nothing of the file stays
                    transaction.set_rollback(True)
            break
        except IntegrityError:
            # Another writer (a form, the API) created the same tax code or product code between our read
            # and our write: nothing of ours was written. Once more, reading again, matches what it made.
            result.producers_created = result.producers_matched = 0
            result.products_created = result.products_updated = 0
            if attempt == 2:
                result.errors = [
                    _(
                        "Không ghi gì: trong lúc nhập, một người dùng khác vừa ghi chủ thể hoặc sản phẩm "
                        "trùng mã số thuế hoặc mã số sản phẩm với tệp này. Hãy nhập lại tệp sau ít phút: "
                        "chủ thể, sản phẩm đã có sẽ được đối chiếu và cập nhật, không tạo trùng."
                    )
                ]
    result._cap_errors()
    return result


# pg_advisory_xact_lock(namespace, province): the two-integer form keeps these locks apart from any other.
_IMPORT_LOCK = 20260620  # any fixed number


def _lock_provinces(provinces: Iterable[int]) -> None:
    """Imports that touch one province run one after the other, until the first commits: two imports of
    the same file would otherwise both miss the other's new producers and create them twice. PostgreSQL
    only: on SQLite the write transaction (BEGIN IMMEDIATE) already serialises writers. Taken in order, so
    two imports never wait for each other crosswise."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for code in sorted(provinces):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, code])


# Rows written per call of _write in a large file: the model instances and audit entries of one chunk at a
# time, not of 200,000 rows (the transaction is still one).
WRITE_CHUNK = 5000


def _row_number(message: str) -> int:
    m = re.search(r"\d+", message)  # "Dòng 12: …"
    return int(m.group()) if m else 0


def _write_in_chunks(good: list[_Row], result: ImportResult, actor) -> None:
    """_write, a chunk at a time for a large file. Rows are grouped by commune (a stable sort: product codes
    are numbered in file order within a commune as before), so each chunk's lookup of existing producers
    and products covers few communes; records made by an earlier chunk are found in the database like
    any existing one. The counts are those of one _write over all rows."""
    if len(good) <= WRITE_CHUNK:
        _write(good, result, actor)
        return
    # Every province the file touches is locked at once, in order, before the first chunk (each chunk's
    # _write asks again for its own: an advisory lock the transaction holds is granted at once).
    taxes = {r.tax_code for r in good if r.tax_code}
    _lock_provinces(
        {r.commune.province_id for r in good}
        | set(Producer.objects.filter(tax_code__in=taxes).values_list("commune__province_id", flat=True))
    )
    keys = {_producer_key(r.producer_name, r.commune.pk, r.tax_code) for r in good}
    good.sort(key=lambda r: r.commune.pk)
    refused: list[str] = []
    for start in range(0, len(good), WRITE_CHUNK):
        part = ImportResult()
        _write(good[start : start + WRITE_CHUNK], part, actor)
        refused += part.errors
        result.producers_created += part.producers_created
        result.products_created += part.products_created
        result.products_updated += part.products_updated
    result.producers_matched = len(keys) - result.producers_created
    if refused:  # as _write does for one chunk: the rows refused, nothing counted (all rolled back)
        refused.sort(key=_row_number)
        result.errors = refused
        result.producers_created = result.producers_matched = 0
        result.products_created = result.products_updated = 0


def _write(good: list[_Row], result: ImportResult, actor) -> None:
    communes = {r.commune.pk for r in good}
    taxes = {r.tax_code for r in good if r.tax_code}
    producers_qs = Producer.objects.select_related("commune__province")
    _lock_provinces(
        {r.commune.province_id for r in good}
        | set(Producer.objects.filter(tax_code__in=taxes).values_list("commune__province_id", flat=True))
    )
    # Everything below reads after the lock: what a concurrent import of these provinces wrote is there.
    existing: dict[tuple, Producer] = {}
    for p in producers_qs.filter(tax_code__in=taxes):
        existing[("tax", p.tax_code)] = p
    for p in producers_qs.filter(commune_id__in=communes):
        existing.setdefault(("name", fold_words(p.name), p.commune_id), p)
        if p.tax_code:
            existing.setdefault(("tax", p.tax_code), p)

    new_producers: dict[tuple, Producer] = {}
    for r in good:
        key = _producer_key(r.producer_name, r.commune.pk, r.tax_code)
        if key in existing or key in new_producers:
            continue
        alt = ("name", fold_words(r.producer_name), r.commune.pk)
        if r.tax_code and alt in existing and not existing[alt].tax_code:
            existing[key] = existing[alt]
            continue
        p = Producer(
            name=r.producer_name,
            type=r.producer_type,
            tax_code=r.tax_code,
            commune=r.commune,
            address_detail=r.detail[:255],
            phone=r.phone,
            legal_rep=r.legal_rep,
        )
        p.refresh_search()
        new_producers[key] = p
    Producer.objects.bulk_create(new_producers.values(), batch_size=1000)
    result.producers_created = len(new_producers)
    matched_keys = {_producer_key(r.producer_name, r.commune.pk, r.tax_code) for r in good} - set(
        new_producers
    )
    result.producers_matched = len(matched_keys)
    producers = {**existing, **new_producers}

    # Existing products of these producers, matched by folded name: updated, not duplicated.
    by_name: dict[tuple, Product] = {}
    for prod in Product.objects.filter(producer__in=[p.pk for p in producers.values()]).select_related(
        "commune__province"
    ):
        by_name[(prod.producer_id, fold_words(prod.name))] = prod
    # Every record a row matches lies in the importer's area, by the check the forms and the API use: a
    # tax code of another province's producer must not hand its products to this file.
    known = {p.pk for p in existing.values()}
    matched_producers = {p.pk: p for _r, p in _pairs(good, producers) if p.pk in known}
    foreign_producers = {p.pk for p in outside_area(actor, matched_producers.values())}
    keys = {(p.pk, fold_words(r.product_name)) for r, p in _pairs(good, producers)}
    matched_products = [by_name[k] for k in keys if k in by_name]
    foreign_products = {p.pk for p in outside_area(actor, matched_products)}
    seq = _sequences(communes)
    audit = []
    refused: list[str] = []
    to_create: list[Product] = []
    to_update: list[Product] = []
    for r, producer in _pairs(good, producers):
        if producer.pk in foreign_producers:
            refused.append(_foreign_producer(r, producer))
            continue
        key = (producer.pk, fold_words(r.product_name))
        prod = by_name.get(key)
        if prod is not None and prod.pk in foreign_products:
            refused.append(
                _("Dòng %(n)s: sản phẩm «%(name)s» đã có ở %(where)s, ngoài địa bàn của bạn.")
                % {"n": r.number, "name": prod.name, "where": prod.commune}
            )
            continue
        if prod is not None:
            changes = [f for f in CERTIFIED_FIELDS if getattr(r, f) not in (None, "", getattr(prod, f))]
            cert = certificate_in_force(prod) if changes else None
            if cert is not None:  # the same rule as services.product_update
                refused.append(
                    _(
                        "Dòng %(n)s: sản phẩm «%(name)s» có giấy chứng nhận OCOP %(number)s (%(star)s "
                        "sao) còn hiệu lực: số sao, quyết định, năm đánh giá theo giấy chứng nhận; hãy để "
                        "trống các cột đó hoặc ghi đúng như giấy chứng nhận."
                    )
                    % {"n": r.number, "name": prod.name, "number": cert.number, "star": cert.star}
                )
                continue
            before = snapshot(prod)
            for f in ("star", "decision_number", "decision_date", "year", "gtin"):
                v = getattr(r, f)
                if v not in (None, ""):
                    setattr(prod, f, v)
            prod.product_set = r.product_set
            after = snapshot(prod)
            if before != after:
                to_update.append(prod)
                audit.append(
                    audit_entry(
                        prod,
                        actor=actor,
                        action="product.import_update",
                        before=before,
                        after=after,
                        save=False,
                    )
                )
            continue
        prod = Product(
            name=r.product_name,
            product_set=r.product_set,
            producer=producer,
            commune=r.commune,
            gtin=r.gtin,
            star=r.star,
            decision_number=r.decision_number,
            decision_date=r.decision_date,
            year=r.year,
        )
        if r.year:
            k = (r.commune.pk, r.year)
            seq[k] = seq.get(k, 0) + 1
            prod.code = f"{r.commune.province_id:02d}-{r.commune.pk:05d}-{seq[k]:03d}-{r.year}"
        prod.refresh_search()
        by_name[key] = prod
        to_create.append(prod)
    if refused:
        result.errors = refused
        result.producers_created = result.producers_matched = 0
        return
    Product.objects.bulk_create(to_create, batch_size=1000)
    Product.objects.bulk_update(
        to_update,
        ["star", "decision_number", "decision_date", "year", "gtin", "product_set"],
        batch_size=1000,
    )
    if to_update:
        versions.bump()  # bulk_update sends no signals; stamps and pages of these products must re-read
    products_changed.send(sender=Product, product_ids=[p.pk for p in to_create + to_update])
    result.products_created, result.products_updated = len(to_create), len(to_update)
    for p in new_producers.values():
        audit.append(audit_entry(p, actor=actor, action="producer.import", after=snapshot(p), save=False))
    for p in to_create:
        audit.append(audit_entry(p, actor=actor, action="product.import", after=snapshot(p), save=False))
    from ocop.core.models import AuditEntry

    AuditEntry.objects.bulk_create(audit, batch_size=2000)


def _pairs(good: list[_Row], producers: dict[tuple, Producer]):
    """Each row with the producer it matched or will create."""
    for r in good:
        yield r, producers[_producer_key(r.producer_name, r.commune.pk, r.tax_code)]


def _foreign_producer(r: _Row, producer: Producer) -> str:
    if r.tax_code and producer.tax_code == r.tax_code:
        return _(
            "Dòng %(n)s: mã số thuế %(tax)s thuộc chủ thể ở %(where)s, ngoài địa bàn của bạn: hãy kiểm tra "
            "lại mã số thuế; nếu chủ thể đã chuyển về địa bàn của bạn, cơ quan OCOP trung ương chuyển hồ sơ "
            "của chủ thể trước."
        ) % {"n": r.number, "tax": r.tax_code, "where": producer.commune}
    return _("Dòng %(n)s: chủ thể «%(name)s» ở %(where)s, ngoài địa bàn của bạn.") % {
        "n": r.number,
        "name": producer.name,
        "where": producer.commune,
    }


def _sequences(communes: Iterable[int]) -> dict[tuple, int]:
    out: dict[tuple, int] = {}
    for code in Product.objects.filter(commune_id__in=communes, code__isnull=False).values_list(
        "code", flat=True
    ):
        m = CODE_RE.match(code)
        if m:
            k = (int(m.group(2)), int(m.group(4)))
            out[k] = max(out.get(k, 0), int(m.group(3)))
    return out


def import_file(name: str, data: bytes, **kwargs) -> ImportResult:
    """Read an .xlsx or .csv file row by row (within the limits of registry.tabular) and import it."""
    return import_rows(open_table(name, data), **kwargs)
