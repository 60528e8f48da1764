"""Traceability services: every write (lots, events, stamp batches, activations, scans, alerts) goes
through here, whether it comes from a web page, the API or the CLI."""

import datetime
import functools
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core import bounds, throttle
from ocop.core.audit import audit_entry
from ocop.core.errors import NotFound, OcopError, PermissionDenied
from ocop.evaluation.models import Certificate
from ocop.registry.models import Product

from . import cards, places, scanlog, stampkeys
from .links import LOT_RE, Link, LinkError, parse_path, stamp_url
from .models import Activation, Lot, ScanAlert, ScanEvent, StampBatch, StampCounter, TraceEvent
from .stampcode import SPACE, CodeError, Decoded, StampCodec, display, normalize
from .stampkeys import Keyring, StampKey

STAMP_ROLES = {Role.PRODUCER, Role.PROVINCE, Role.NATIONAL}
ALERT_ROLES = {Role.PROVINCE, Role.NATIONAL, Role.INSPECTOR}  # who closes scan alerts
LIVE_STATUSES = {"valid", "expiring", "grace"}


@functools.cache
def _keyring(keys: str, legacy: str, retired: str) -> Keyring:
    try:
        return stampkeys.keyring(keys, legacy, retired)
    except stampkeys.StampKeyError as e:
        raise ImproperlyConfigured(str(e)) from None


def keyring() -> Keyring:
    """The configured stamp keys (built once per settings value)."""
    return _keyring(settings.OCOP_STAMP_KEYS, settings.OCOP_STAMP_KEY, settings.OCOP_STAMP_KEYS_RETIRED)


def codec(key_id: str | None = None) -> StampCodec:
    """The codec of a key: the current one (which issues new batches) by default."""
    ring = keyring()
    key = ring.current if key_id is None else ring.get(key_id)
    if key is None:
        raise OcopError(
            "stamp_key_missing",
            _(
                "Khóa «%s» đã phát hành đợt tem này không còn trong cấu hình hệ thống: không tính được mã "
                "tem. Liên hệ quản trị."
            )
            % key_id,
        )
    return key.codec


# --- who may do what ---------------------------------------------------------------------------------


def _check_product(actor, product: Product) -> None:
    """Stamps and lots are the producer's own business, and the provincial office's (None = system)."""
    if actor is None:
        return
    p = profile_of(actor)
    if p is None or p.role not in STAMP_ROLES:
        raise PermissionDenied("forbidden", _("Bạn không có quyền quản lý tem, lô của sản phẩm này."))
    if not Product.objects.visible_to(actor).filter(pk=product.pk).exists():
        raise NotFound("not_found", _("Không tìm thấy sản phẩm, hoặc sản phẩm không thuộc phạm vi của bạn."))


def _require_live_certificate(product: Product, today: datetime.date) -> Certificate:
    """The product's certificate, locked until the transaction ends: a revocation waits for the stamps
    being issued or activated on it, and those that come after it are refused."""
    cert = Certificate.objects.select_for_update().speaking_for(product)
    status = cert.status(today) if cert else None
    if status not in LIVE_STATUSES:
        why = {
            None: _("sản phẩm chưa có giấy chứng nhận OCOP"),
            "revoked": _("giấy chứng nhận đã bị thu hồi"),
            "expired": _("giấy chứng nhận đã hết hiệu lực"),
        }[status]
        raise OcopError(
            "certificate_not_valid",
            _(
                "Không thể phát hành hoặc kích hoạt tem: %s. Chỉ sản phẩm có giấy chứng nhận còn hiệu lực "
                "mới được dùng tem OCOP."
            )
            % why,
        )
    return cert


# --- lots and their story ----------------------------------------------------------------------------


def _clean_lot_code(code: str) -> str:
    code = (code or "").strip()
    if not LOT_RE.match(code):
        raise OcopError(
            "lot_code_invalid",
            _("Mã lô «%s» không hợp lệ: 1–20 ký tự gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.")
            % code,
            field="lot",
        )
    return code


# No lot of an OCOP product is older than this (the programme began in 2018; a stamp is stuck on goods being
# sold): an earlier date is a typing slip (1900-01-01 is a spreadsheet's empty date).
EARLIEST_PRODUCED = datetime.date(2000, 1, 1)


def _check_dates(produced: datetime.date, expires: datetime.date | None, today: datetime.date) -> None:
    if produced > today:
        raise OcopError("produced_in_future", _("Ngày sản xuất không thể sau hôm nay."), field="produced")
    if produced < EARLIEST_PRODUCED:
        raise OcopError(
            "produced_too_early",
            _("Ngày sản xuất %(date)s không hợp lệ: hãy ghi ngày từ %(first)s đến hôm nay.")
            % {"date": f"{produced:%d/%m/%Y}", "first": f"{EARLIEST_PRODUCED:%d/%m/%Y}"},
            field="produced",
        )
    if expires is not None and expires <= produced:
        raise OcopError("expires_before_produced", _("Hạn sử dụng phải sau ngày sản xuất."), field="expires")


@transaction.atomic
def lot_create(
    *,
    actor,
    product: Product,
    code: str,
    produced: datetime.date,
    expires: datetime.date | None = None,
    quantity: int | None = None,
) -> Lot:
    _check_product(actor, product)
    code = _clean_lot_code(code)
    _check_dates(produced, expires, timezone.localdate())
    if quantity is not None and quantity < 1:
        raise OcopError("quantity_invalid", _("Số lượng phải là số nguyên dương."), field="quantity")
    exists = OcopError("lot_exists", _("Sản phẩm này đã có lô «%s».") % code, field="lot")
    if Lot.objects.filter(product=product, code=code).exists():
        raise exists
    try:
        with transaction.atomic():  # two writers racing for one code: the constraint decides
            lot = Lot.objects.create(
                product=product,
                code=code,
                produced=produced,
                expires=expires,
                quantity=quantity,
                created_by=actor,
            )
    except IntegrityError:
        raise exists from None
    audit_entry(
        lot,
        actor=actor,
        action="lot.create",
        after={"product": product.name, "code": code, "produced": produced, "expires": expires},
    )
    return lot


@transaction.atomic
def trace_event_add(
    *, actor, lot: Lot, kind: str, occurred_on: datetime.date, place: str, actor_name: str, note: str = ""
) -> TraceEvent:
    """Add a step (harvest, processing, packing…) to a lot's story, with its audit entry."""
    lot = Lot.objects.select_for_update(of=("self",)).select_related("product").get(pk=lot.pk)
    _check_product(actor, lot.product)
    if kind not in TraceEvent.Kind.values:
        raise OcopError("kind_invalid", _("Công đoạn không hợp lệ."), field="kind")
    if occurred_on > timezone.localdate():
        raise OcopError("date_in_future", _("Ngày của sự kiện không thể sau hôm nay."), field="occurred_on")
    if occurred_on < EARLIEST_PRODUCED:
        raise OcopError(
            "date_too_early",
            _("Ngày của sự kiện phải từ %(first)s đến hôm nay.") % {"first": f"{EARLIEST_PRODUCED:%d/%m/%Y}"},
            field="occurred_on",
        )
    place = bounds.clean(TraceEvent, "place", place)
    actor_name = bounds.clean(TraceEvent, "actor", actor_name, field="actor_name")
    note = bounds.clean(TraceEvent, "note", note)
    if not place or not actor_name:
        raise OcopError(
            "event_incomplete", _("Cần ghi rõ địa điểm và người, đơn vị thực hiện."), field="place"
        )
    event = TraceEvent.objects.create(
        lot=lot, kind=kind, occurred_on=occurred_on, place=place, actor=actor_name, note=note
    )
    audit_entry(
        lot,
        actor=actor,
        action="lot.event",
        after={"kind": kind, "occurred_on": occurred_on, "place": event.place, "actor": event.actor},
    )
    return event


# --- stamps --------------------------------------------------------------------------------------------


@transaction.atomic
def stamps_issue(*, actor, product: Product, count: int) -> StampBatch:
    """Reserve `count` consecutive positions of the global sequence: one row, whatever the count."""
    _check_product(actor, product)
    limit = settings.OCOP_STAMP_BATCH_MAX
    if not isinstance(count, int) or not 1 <= count <= limit:
        raise OcopError(
            "count_invalid",
            _("Số tem mỗi đợt phải từ 1 đến %(max)s.") % {"max": f"{limit:,}".replace(",", ".")},
            field="count",
        )
    _require_live_certificate(product, timezone.localdate())
    counter, _created = StampCounter.objects.select_for_update().get_or_create(pk=1)
    start = counter.next_index
    if start + count > SPACE:
        raise OcopError("stamp_space_exhausted", _("Hết dải mã tem của hệ thống; liên hệ quản trị."))
    counter.next_index = start + count
    counter.save(update_fields=["next_index"])
    key_id = keyring().current.id
    batch = StampBatch.objects.create(
        product=product, start=start, count=count, key_id=key_id, created_by=actor
    )
    audit_entry(
        batch,
        actor=actor,
        action="stamps.issue",
        after={"product": product.name, "count": count, "key": key_id},
    )
    return batch


def batch_serial(batch: StampBatch, number: int) -> str:
    """The code of stamp `number` (1-based) of the batch."""
    return codec(batch.key_id).code(batch.start + number - 1)


def retired_key_ids() -> list[str]:
    return [k.id for k in keyring().keys if k.retired]


def key_retired(batch: StampBatch) -> bool:
    """The batch was issued under a key since retired: its stamps read «Cần lưu ý», re-stamp."""
    key = keyring().get(batch.key_id)
    return key is None or key.retired


@transaction.atomic
def stamps_activate(
    *,
    actor,
    batch: StampBatch,
    lot_code: str,
    produced: datetime.date,
    expires: datetime.date | None = None,
    first: int | None = None,
    last: int | None = None,
) -> Activation:
    """Stick stamps first … last of a batch on a lot (created if it does not exist yet). Ranges never
    overlap: a stamp belongs to one lot for ever."""
    product = batch.product
    _check_product(actor, product)
    today = timezone.localdate()
    _require_live_certificate(product, today)
    if key_retired(batch):
        raise OcopError(
            "stamp_key_retired",
            _(
                "Đợt tem %s được phát hành bằng khóa đã ngừng sử dụng: tem của đợt này báo «Cần lưu ý» khi "
                "quét. Hãy phát hành đợt tem mới và dán tem mới."
            )
            % batch.public_id,
        )
    first = 1 if first is None else first
    last = batch.count if last is None else last
    if not (1 <= first <= last <= batch.count):
        raise OcopError(
            "range_invalid",
            _("Dải tem không hợp lệ: cần 1 ≤ từ ≤ đến ≤ %(n)s (số tem của đợt).") % {"n": batch.count},
            field="first",
        )
    code = _clean_lot_code(lot_code)
    StampBatch.objects.select_for_update().filter(pk=batch.pk).first()  # one activation at a time
    clash = batch.activations.filter(first__lte=last, last__gte=first).select_related("lot").first()
    if clash:
        raise OcopError(
            "range_taken",
            _("Tem số %(a)s–%(b)s của đợt này đã kích hoạt cho lô «%(lot)s»; chọn dải khác.")
            % {"a": clash.first, "b": clash.last, "lot": clash.lot.code},
            field="first",
        )
    lot = Lot.objects.filter(product=product, code=code).first()
    if lot is None:
        lot = lot_create(actor=actor, product=product, code=code, produced=produced, expires=expires)
    elif lot.produced != produced or (expires and lot.expires != expires):
        raise OcopError(
            "lot_dates_differ",
            _("Lô «%(lot)s» đã có ngày sản xuất %(p)s; kiểm tra lại mã lô hoặc ngày.")
            % {"lot": code, "p": lot.produced.strftime("%d/%m/%Y")},
            field="produced",
        )
    activation = Activation.objects.create(batch=batch, lot=lot, first=first, last=last, created_by=actor)
    audit_entry(
        batch, actor=actor, action="stamps.activate", after={"lot": code, "first": first, "last": last}
    )
    return activation


def batch_stamps(
    batch: StampBatch, limit: int | None = None, first: int = 1
) -> Iterator[tuple[int, str, str]]:
    """(number, code, URL) for each stamp in order, computed on the fly: nothing is stored per stamp.
    The lot is in the URL of stamps already activated."""
    n = batch.count if limit is None else max(0, min(limit, batch.count))
    base, gtin = settings.OCOP_PUBLIC_URL, batch.product.gtin
    ranges = [(a.first, a.last, a.lot.code) for a in batch.activations.select_related("lot")] if gtin else []
    c = codec(batch.key_id)
    for number in range(max(1, first), n + 1):
        code = c.code(batch.start + number - 1)
        lot = next((lot for a, b, lot in ranges if a <= number <= b), "")
        yield number, code, stamp_url(base, code, gtin, lot)


def batch_urls(batch: StampBatch, limit: int | None = None) -> Iterator[str]:
    return (url for _n, _code, url in batch_stamps(batch, limit))


def batch_stats(batch: StampBatch) -> dict:
    activated = sum(a.last - a.first + 1 for a in batch.activations.all())
    return {"count": batch.count, "activated": activated, "idle": batch.count - activated}


# --- scanning ------------------------------------------------------------------------------------------

REASONS = {
    "malformed": gettext_lazy("Đường dẫn không phải mã tem OCOP: mã bị sai hoặc không đầy đủ."),
    "unknown_serial": gettext_lazy("Mã tem không có trong hệ thống: tem không do cơ quan OCOP phát hành."),
    "bad_tag": gettext_lazy("Mã kiểm tra của tem không khớp: tem đã bị sửa hoặc làm giả."),
    "gtin_mismatch": gettext_lazy("Mã vạch sản phẩm trên tem không khớp với sản phẩm được cấp tem."),
    "lot_mismatch": gettext_lazy("Mã lô trên tem không khớp với lô mà tem được kích hoạt."),
    "not_activated": gettext_lazy(
        "Tem chưa được kích hoạt cho lô sản xuất nào: chưa rõ sản phẩm thuộc lô nào, ngày sản xuất nào."
    ),
    "certificate_missing": gettext_lazy("Sản phẩm chưa có giấy chứng nhận OCOP."),
    "certificate_expired": gettext_lazy("Giấy chứng nhận OCOP của sản phẩm đã hết hiệu lực."),
    "certificate_revoked": gettext_lazy("Giấy chứng nhận OCOP của sản phẩm đã bị thu hồi."),
    "lot_expired": gettext_lazy("Lô sản phẩm này đã quá hạn sử dụng."),
    "key_retired": gettext_lazy(
        "Tem thật nhưng thuộc đợt phát hành bằng khóa bảo mật đã ngừng sử dụng; nhà sản xuất đã được "
        "yêu cầu dán tem mới. Hãy mua hàng có tem mới hoặc hỏi người bán."
    ),
    "suspicious_scans": gettext_lazy(
        "Tem này đã được quét bởi nhiều thiết bị khác nhau hoặc ở nhiều tỉnh: có thể tem bị sao chép."
    ),
}
COUNTERFEIT = {"malformed", "unknown_serial", "bad_tag", "gtin_mismatch", "lot_mismatch"}


@dataclass
class Verdict:
    code: str  # the stamp code as read (normalised), or the raw text when unreadable
    reasons: list[str] = field(default_factory=list)
    index: int | None = None
    number: int | None = None  # 1-based position in the batch
    batch: StampBatch | None = None
    activation: Activation | None = None
    certificate: Certificate | None = None
    certificate_status: str | None = None
    card: "cards.Card | None" = None  # what the scan page shows about the batch (shared, read-only)
    others_scanned: bool | None = None  # other devices or a shared place in the rules' window (scans only)

    @property
    def verdict(self) -> str:
        if COUNTERFEIT & set(self.reasons):
            return "counterfeit"
        return "warning" if self.reasons else "genuine"

    @property
    def product(self) -> Product | None:
        return self.batch.product if self.batch else None

    @property
    def lot(self) -> Lot | None:
        return self.activation.lot if self.activation else None

    @property
    def genuine_code(self) -> bool:
        return self.batch is not None and not (COUNTERFEIT & set(self.reasons))

    def messages(self) -> list[dict]:
        return [{"code": r, "message": str(REASONS[r])} for r in self.reasons]


def verify(
    path: str, today: datetime.date | None = None, scanner: tuple[str, datetime.datetime] | None = None
) -> Verdict:
    """Read a stamp URL path and say what it is, without recording anything. A scan passes `scanner`
    (fingerprint, start of the rules' window) to learn at once whether others scanned the stamp."""
    today = today or timezone.localdate()
    try:
        link: Link = parse_path(path)
    except LinkError:
        return Verdict(code=path[:40], reasons=["malformed"])
    keys = keyring().keys
    try:
        decoded = keys[0].codec.decode(link.code)
    except CodeError:
        return Verdict(code=link.code[:40], reasons=["malformed"])
    v = Verdict(code=display(normalize(link.code)), index=decoded.index)
    key, decoded, found, refused = _issuer(keys, link.code, decoded, scanner)
    v.index = decoded.index
    if key is None:
        v.reasons.append(refused)
        return v
    v.card, v.others_scanned = cards.card(found.batch_id, found.version), found.others_scanned
    v.batch, v.number = v.card.batch, decoded.index - found.start + 1
    if key.retired:
        v.reasons.append("key_retired")
    product = v.batch.product
    if link.gtin and link.gtin != product.gtin.zfill(14):
        v.reasons.append("gtin_mismatch")
    v.activation = v.card.activation(v.number)
    if link.lot and (v.activation is None or v.activation.lot.code != link.lot):
        v.reasons.append("lot_mismatch")
    if v.activation is None:
        v.reasons.append("not_activated")
    v.certificate = v.card.certificate
    v.certificate_status = v.certificate.status(today) if v.certificate else None
    if v.certificate_status is None:
        v.reasons.append("certificate_missing")
    elif v.certificate_status in ("expired", "revoked"):
        v.reasons.append(f"certificate_{v.certificate_status}")
    if v.activation and v.activation.lot.expires and v.activation.lot.expires < today:
        v.reasons.append("lot_expired")
    return v


def _issuer(
    keys: tuple[StampKey, ...], code: str, first: Decoded, scanner: tuple[str, datetime.datetime] | None
) -> tuple[StampKey | None, Decoded, "cards.Located | None", str]:
    """The key a code was issued under: its tag matches under the key AND its position lies in a batch
    issued under that key (a leaked, retired key must not vouch for positions issued under another).
    (key, decoded, batch found, "") or (None, decoded, None, reason). A genuine code of the current key
    costs one decode and one query, as with a single key; a counterfeit one decode and at most one batch
    lookup per key, to tell a tampered stamp ("bad_tag") from a made-up one ("unknown_serial")."""
    tried: list[tuple[Decoded, cards.Located | None]] = []
    for i, key in enumerate(keys):
        decoded = first if i == 0 else key.codec.decode(code)
        found = None
        if decoded.tag_ok and decoded.index >= 0:
            found = cards.locate(decoded.index, scanner)
            if _holds(found, decoded.index) and found.key_id == key.id:
                return key, decoded, found, ""
        tried.append((decoded, found))
    for decoded, found in tried:
        if decoded.index < 0:
            continue
        if found is None and not decoded.tag_ok:
            found = cards.locate(decoded.index)
        if _holds(found, decoded.index):
            # A position some batch holds, with a tag that is not the one its key gives: altered or forged.
            return None, decoded, None, "bad_tag"
    return None, first, None, "unknown_serial"


def _holds(found: "cards.Located | None", index: int) -> bool:
    return found is not None and index < found.start + found.count


# Who scanned, as the copied-stamp rules count devices (the decision, written down in docs/security.md):
#
# - A fingerprint is two keyed hashes of 8 characters: the client's network — the /24 of an IPv4 address,
#   the /64 of an IPv6 one, as ocop.core.throttle.client_address reads it behind trusted proxies — then the
#   device: a random first-party token that the scan page keeps in a long-lived cookie (ocop/traceability/
#   public.py). Neither the address nor the token is stored.
# - Devices are counted per network: every scan from one network counts as one device, whatever cookies
#   and browsers it shows. The browser's User-Agent is not part of the identity at all (anyone can change
#   it), and a phone that refuses or clears the cookie gets a new token on each scan, which only adds
#   devices inside its own network. So one person on one line cannot multiply themselves, while phones of
#   the same model on different networks are told apart. A household or a shop checking its delivery on
#   one Wi-Fi is not a copy, and is counted once.
# - Networks where the same token was seen are one device: a phone scanning at the shop on mobile data,
#   then at home on Wi-Fi. A token can only merge networks, never split one, so a forged cookie gains an
#   attacker nothing.
# - What this leaves: someone with addresses in many networks (VPNs, many SIM cards) still counts as many
#   devices. An alert asks the province to look, it proves nothing by itself.
NO_DEVICE = "-" * 8  # scans recorded without a device token (the demo, scripts)


def network_of(address: str) -> str:
    """The network a client address belongs to: the /24 of an IPv4 address; IPv6 addresses arrive as their
    /64 already (client_address); anything else is kept as it is."""
    if ":" not in address and address.count(".") == 3:
        return address.rpartition(".")[0] + ".0/24"
    return address


def fingerprint(address: str, device: str = "") -> str:
    """A keyed hash of who scanned (network, then device token): tells devices apart without keeping
    their address or their token."""
    mac = _fingerprint_mac(settings.OCOP_STAMP_KEY)
    net = mac.copy()
    net.update(b"n|" + network_of(address).encode())
    if not device:
        return net.hexdigest()[:8] + NO_DEVICE
    dev = mac.copy()
    dev.update(b"d|" + device.encode())
    return net.hexdigest()[:8] + dev.hexdigest()[:8]


def count_devices(fingerprints: set[str]) -> int:
    """Distinct devices among a stamp's scan fingerprints: one per network, networks that saw the same
    device token joined into one (see the note above)."""
    parent: dict[str, str] = {}

    def root(net: str) -> str:
        while parent.setdefault(net, net) != net:
            parent[net] = parent[parent[net]]
            net = parent[net]
        return net

    first_network: dict[str, str] = {}
    for fp in fingerprints:
        net, device = fp[:8], fp[8:]
        here = root(net)
        if device and device != NO_DEVICE:
            parent[here] = root(first_network.setdefault(device, net))
    return sum(1 for net in list(parent) if root(net) == net)


@functools.cache
def _fingerprint_mac(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def scan(
    path: str, *, address: str, device: str = "", now: datetime.datetime | None = None
) -> tuple[Verdict, scanlog.ScanRow]:
    """A consumer's scan: verify, check the copied-stamp rules for a genuine code (counting this scan),
    and log it — one row with the final verdict, written behind the response (see scanlog). `address` is
    the client's (ocop.core.throttle.client_address), `device` the token of the device cookie."""
    now = now or timezone.now()
    fp = fingerprint(address, device)
    v = verify(path, today=timezone.localdate(now), scanner=(fp, now - RULES_WINDOW))
    if v.genuine_code and _check_rules(v, now, current=fp):
        v.reasons.append("suspicious_scans")
    product = v.product
    row = scanlog.ScanRow(
        scanned_at=now,
        stamp=v.index if v.batch else None,
        batch_ref=v.batch.pk if v.batch else None,
        product_ref=product.pk if product else None,
        province_ref=product.commune.province_id if product else None,
        verdict=v.verdict,
        reasons=",".join(v.reasons),
        fingerprint=fp,
    )
    scanlog.buffer.add(row)
    return v, row


RULES_WINDOW = datetime.timedelta(days=30)  # the longest window of the copied-stamp rules


def _check_rules(v: Verdict, now: datetime.datetime, current: str | None = None) -> bool:
    """Count distinct devices (24 h, 7 days; count_devices) and provinces (30 days) that scanned this stamp,
    counting the device scanning now (`current`, not logged yet); raise or refresh an alert for each rule
    reached. One query over the (stamp, scanned_at) index: the stamp's fingerprints, one row each."""
    rules = settings.OCOP_SCAN_RULES
    if v.others_scanned is False and min(rules["burst_24h"], rules["many_7d"]) > 1 and rules["provinces"] > 0:
        # The usual case — nobody but this device scanned the stamp in the window, from no known place —
        # cannot reach any rule (the scan's own lookup said so): spare the distinct counts.
        return False
    adapt = connection.ops.adapt_datetimefield_value
    month = adapt(now - RULES_WINDOW)
    table = connection.ops.quote_name(ScanEvent._meta.db_table)
    day, week = adapt(now - datetime.timedelta(hours=24)), adapt(now - datetime.timedelta(days=7))
    sql = (
        "SELECT fingerprint, MAX(CASE WHEN scanned_at >= %s THEN 1 ELSE 0 END),"
        " MAX(CASE WHEN scanned_at >= %s THEN 1 ELSE 0 END), place_province"
        f" FROM {table} WHERE stamp = %s AND scanned_at >= %s GROUP BY fingerprint, place_province"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, week, v.index, month])
        rows = cursor.fetchall()
    seen_24h = {fp for fp, in_day, _w, _p in rows if in_day}
    seen_7d = {fp for fp, _d, in_week, _p in rows if in_week}
    provinces = len({p for *_r, p in rows if p is not None})
    if current is not None:  # this scan's device counts once, whether or not it scanned before
        seen_24h.add(current)
        seen_7d.add(current)
    devices_24h, devices_7d = count_devices(seen_24h), count_devices(seen_7d)
    reached = {
        ScanAlert.Rule.BURST: (devices_24h, rules["burst_24h"]),
        ScanAlert.Rule.MANY: (devices_7d, rules["many_7d"]),
        ScanAlert.Rule.PROVINCES: (provinces, rules["provinces"]),
    }
    hit = False
    for rule, (value, threshold) in reached.items():
        if value >= threshold:
            hit = True
            _raise_alert(v, rule, value, now)
    return hit


def _raise_alert(v: Verdict, rule: str, value: int, now: datetime.datetime) -> None:
    product = v.product
    updated = ScanAlert.objects.filter(stamp=v.index, rule=rule, status=ScanAlert.Status.OPEN).update(
        scans=value, last_seen=now
    )
    if updated:
        return
    try:
        with transaction.atomic():
            ScanAlert.objects.create(
                product=product,
                province_id=product.commune.province_id,
                stamp=v.index,
                code=v.code,
                rule=rule,
                scans=value,
                first_seen=now,
                last_seen=now,
                detail=_("Tem số %(n)s của đợt %(b)s") % {"n": v.number, "b": v.batch.public_id},
            )
    except IntegrityError:  # raised by a concurrent scan a moment ago
        ScanAlert.objects.filter(stamp=v.index, rule=rule, status=ScanAlert.Status.OPEN).update(
            scans=value, last_seen=now
        )


def scan_locate(
    stamp: int, scanned_at: datetime.datetime, fingerprint: str, lat: float, lon: float
) -> int | None:
    """The consumer shared where they are: keep it coarse (0.1°, province) and re-check the rules."""
    point = places.coarse(lat, lon)
    if point is None:
        raise OcopError("place_invalid", _("Vị trí không hợp lệ hoặc ở ngoài Việt Nam."))
    province = places.province_at(*point)
    if scanlog.buffer.pending():
        scanlog.buffer.flush()  # the scan may still wait in this server's buffer
    found = ScanEvent.objects.filter(stamp=stamp, scanned_at=scanned_at, fingerprint=fingerprint).update(
        lat=point[0], lon=point[1], place_province=province
    )
    if not found:
        raise NotFound("not_found", _("Không tìm thấy lượt quét."))
    v = verify_index(stamp)
    if v is not None:
        _check_rules(v, timezone.now())
    return province


def verify_index(index: int) -> Verdict | None:
    """The verdict of the stamp at a position, as its own key prints it (None if no batch holds it)."""
    if not 0 <= index < SPACE:
        return None
    found = cards.locate(index)
    key = keyring().get(found.key_id) if _holds(found, index) else None
    return verify("/t/" + key.codec.code(index)) if key else None


def fake_report(path: str, *, note: str, contact: str = "", address: str = "", device: str = "") -> ScanAlert:
    """A consumer reports a suspected fake from the scan page. About a genuine stamp, it lands in the
    province's alert list and on its inspection watchlist; the same device (`address` and `device` as
    for a scan: one per network, or the same device token) reporting the stamp again refreshes its report
    rather than adding one, and a stamp takes at most the `report_stamp` rate limit of new reports. A code
    that is no genuine stamp (unreadable, unknown, forged tag, another product's GTIN or lot) vouches for
    no producer, whoever it names: the report goes to the national list with no product."""
    note = (note or "").strip()
    if not note:
        raise OcopError(
            "note_required", _("Hãy mô tả ngắn điều bạn thấy nghi ngờ (nơi mua, bao bì…)."), field="note"
        )
    v = verify(path)
    product = v.product if v.genuine_code else None
    now = timezone.now()
    fp = fingerprint(address, device)
    contact_label = _("liên hệ")
    detail = note[:400] + (f" — {contact_label}: {contact.strip()[:80]}" if contact.strip() else "")
    with transaction.atomic():
        if product is not None:
            same_device = Q(fingerprint__startswith=fp[:8])
            if not fp.endswith(NO_DEVICE):
                same_device |= Q(fingerprint__endswith=fp[8:])
            earlier = (
                ScanAlert.objects.select_for_update()
                .filter(same_device, rule=ScanAlert.Rule.REPORT, status=ScanAlert.Status.OPEN, stamp=v.index)
                .first()
            )
            if earlier is not None:
                earlier.last_seen = now
                earlier.save(update_fields=["last_seen"])
                return earlier
            wait = throttle.take_wait("report_stamp", f"s:{v.index}")
            if wait:
                raise OcopError(
                    "rate_limited",
                    _(throttle.REPORT_STAMP_MESSAGE),
                    details={"limit": "report_stamp", "retry_after": wait},
                )
        return ScanAlert.objects.create(
            product=product,
            province_id=product.commune.province_id if product else None,
            stamp=v.index if product else None,
            code=v.code[:40],
            rule=ScanAlert.Rule.REPORT,
            scans=0,
            detail=detail,
            first_seen=now,
            last_seen=now,
            fingerprint=fp,
        )


@transaction.atomic
def alert_close(*, actor, alert: ScanAlert, note: str) -> ScanAlert:
    """Close an open alert with what was done about it (ScanAlert.TRANSITIONS: open → closed, once)."""
    if not ScanAlert.objects.visible_to(actor).filter(pk=alert.pk).exists():
        raise NotFound("not_found", _("Không tìm thấy cảnh báo."))
    p = profile_of(actor)
    if p is None or p.role not in ALERT_ROLES:
        raise PermissionDenied("forbidden", _("Chỉ cơ quan OCOP, thanh tra mới xử lý cảnh báo."))
    if not note.strip():
        raise OcopError("note_required", _("Ghi kết quả xử lý trước khi đóng cảnh báo."), field="note")
    # Locked and read again: of two officers closing it at once, the second is told, not written over.
    alert.refresh_from_db(from_queryset=ScanAlert.objects.select_for_update())
    if ScanAlert.Status.CLOSED not in ScanAlert.TRANSITIONS[alert.status]:
        raise OcopError(
            "alert_closed",
            _("Cảnh báo này đã được xử lý và đóng trước đó; tải lại danh sách cảnh báo."),
        )
    alert.status, alert.closed_by, alert.closed_note = ScanAlert.Status.CLOSED, actor, note.strip()[:500]
    alert.save(update_fields=["status", "closed_by", "closed_note"])
    audit_entry(alert, actor=actor, action="alert.close", after={"note": alert.closed_note})
    return alert
