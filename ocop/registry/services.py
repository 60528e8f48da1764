"""Every write to the registry goes through these functions: web UI, API, CLI and imports alike."""

import datetime
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import can_create, can_record_recognition, profile_of, require_edit
from ocop.core import bounds
from ocop.core.audit import audit_entry, snapshot
from ocop.core.errors import OcopError, PermissionDenied
from ocop.core.textclean import clean_line
from ocop.geo.models import Commune

from .gtin import is_valid_gtin
from .models import EcommerceLink, Photo, Platform, Producer, Product, ProductSet, rendition_name

PRODUCER_FIELDS = {
    "name",
    "type",
    "tax_code",
    "legal_rep",
    "rep_female",
    "rep_ethnic_minority",
    "rep_disabled",
    "local_labour_share",
    "commune",
    "address_detail",
    "phone",
    "email",
    "website",
}
PRODUCT_FIELDS = {
    "name",
    "product_set",
    "producer",
    "commune",
    "description",
    "gtin",
    "standards",
    "certifications",
    "ip_titles",
    "price",
    "package",
    "star",
    "decision_number",
    "decision_date",
    "year",
    "code",
}
CODE_RE = re.compile(r"^(\d{2})-(\d{5})-(\d{3,})-(\d{4})$")
# A recognition: recorded only by the provincial office or the national level (can_record_recognition), and
# taken from the certificate while one is in force. The product code carries the evaluation year.
RECOGNITION_FIELDS = ("star", "decision_number", "decision_date", "year", "code")
CERTIFIED_FIELDS = ("star", "decision_number", "decision_date", "year")
# The national OCOP programme began in 2018 (QĐ 490/QĐ-TTg of 7/5/2018): no recognition is older. One rule
# for the form, the API, the import and the CLI.
FIRST_YEAR = 2018


def recognition_year_ok(year: int) -> bool:
    """An evaluation year from FIRST_YEAR to this year."""
    return FIRST_YEAR <= year <= timezone.localdate().year


def decision_date_ok(day: datetime.date) -> bool:
    """A decision signed from FIRST_YEAR on and not after today."""
    return datetime.date(FIRST_YEAR, 1, 1) <= day <= timezone.localdate()


def check_region(user, *, commune: Commune, producer: Producer | None = None) -> None:
    """A user may only place records inside their own region (the write side of visible_to)."""
    if user is None:  # the system itself: CLI commands and the demo loader
        return
    p = profile_of(user)
    if p is None or not can_create(user):
        raise PermissionDenied("forbidden", _("Bạn không có quyền tạo hoặc sửa hồ sơ."))
    if p.role == Role.PROVINCE and commune.province_id != p.province_id:
        raise PermissionDenied(
            "out_of_region",
            # str(commune) is "Xã Mường Giôn, Tỉnh Sơn La": its name already says Xã or Phường.
            _("%(commune)s không thuộc tỉnh bạn quản lý: hãy chọn một xã, phường của %(province)s.")
            % {"commune": commune, "province": p.province},
        )
    if p.role == Role.COMMUNE and commune.pk != p.commune_id:
        raise PermissionDenied("out_of_region", _("Bạn chỉ được ghi hồ sơ của xã mình quản lý."))
    if p.role == Role.PRODUCER and (producer is None or producer.pk != p.producer_id):
        raise PermissionDenied("out_of_region", _("Bạn chỉ được ghi hồ sơ của chủ thể mình."))
    # A producer places its records in the province it is registered in (`producer` as it is before this
    # write); a move to another province is the national level's (producer_update).
    if p.role == Role.PRODUCER and commune.province_id != producer.commune.province_id:
        raise PermissionDenied(
            "out_of_region",
            _(
                "%(commune)s không thuộc %(province)s, nơi chủ thể đăng ký: chủ thể chỉ chọn được xã, phường "
                "trong tỉnh mình. Chuyển sang tỉnh khác do cơ quan OCOP trung ương thực hiện."
            )
            % {"commune": commune, "province": producer.commune.province},
        )


def _clean_producer(data: dict[str, Any]) -> None:
    if "name" in data:
        data["name"] = bounds.clean(
            Producer,
            "name",
            data["name"],
            required=_("Tên chủ thể không được để trống hoặc chỉ gồm ký tự vô hình."),
        )
    bounds.clean_fields(Producer, data)
    if data.get("phone"):
        bounds.check_phone(data["phone"])
    if data.get("tax_code"):
        data["tax_code"] = str(data["tax_code"]).strip()
        if not re.fullmatch(r"[0-9][0-9-]{5,19}", data["tax_code"]):
            raise OcopError(
                "tax_code_invalid",
                _("Mã số thuế «%(code)s» không hợp lệ: chỉ gồm chữ số (10 hoặc 13 số, có thể có dấu -).")
                % {"code": data["tax_code"]},
                field="tax_code",
            )
    share = data.get("local_labour_share")
    if share is not None and not 0 <= int(share) <= 100:
        raise OcopError(
            "share_invalid", _("Tỷ lệ lao động địa phương phải từ 0 đến 100."), field="local_labour_share"
        )


def _tax_code_free(tax_code: str, producer: Producer | None = None) -> None:
    """One producer per tax code (the uniq_producer_tax_code constraint): say so before the database does."""
    if not tax_code:
        return
    clash = Producer.objects.filter(tax_code=tax_code)
    if producer is not None:
        clash = clash.exclude(pk=producer.pk)
    if clash.exists():
        raise _tax_code_taken(tax_code)


def _tax_code_taken(tax_code: str) -> OcopError:
    return OcopError(
        "tax_code_taken",
        _(
            "Mã số thuế «%(code)s» đã là của một chủ thể khác: mỗi chủ thể một mã số thuế. Hãy kiểm tra lại "
            "mã số; nếu đó chính là chủ thể này, hãy sửa hồ sơ đã có thay vì tạo mới."
        )
        % {"code": tax_code},
        field="tax_code",
    )


def _save_producer(producer: Producer) -> None:
    try:
        with transaction.atomic():  # a savepoint: a concurrent writer of the same tax code loses cleanly
            producer.save()
    except IntegrityError:
        if (
            producer.tax_code
            and Producer.objects.filter(tax_code=producer.tax_code).exclude(pk=producer.pk).exists()
        ):
            raise _tax_code_taken(producer.tax_code) from None
        raise


@transaction.atomic
def producer_create(*, actor, **data: Any) -> Producer:
    """Register a producer (chủ thể) on a commune of today's map."""
    unknown = set(data) - PRODUCER_FIELDS
    if unknown:
        raise OcopError("unknown_fields", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    _clean_producer(data)
    check_region(actor, commune=data["commune"])
    _tax_code_free(data.get("tax_code", ""))
    producer = Producer(**data)
    producer.refresh_search()
    _save_producer(producer)
    audit_entry(producer, actor=actor, action="producer.create", before={}, after=snapshot(producer))
    return producer


# Dossiers in these states sit with a province's office, advisory team or council: the producer's products
# cannot leave for another province until the round has decided (or the dossier is still a draft).
_DOSSIER_AT_PROVINCE = ("submitted", "returned", "forwarded", "review", "more_evidence", "in_round", "scored")


@transaction.atomic
def producer_update(*, actor, producer: Producer, **data: Any) -> Producer:
    """Change a producer. A new commune is checked like any write (check_region): a commune officer keeps it
    in their commune, a provincial office and the producer itself within the province. A move to another
    province is a transfer: the national level only, audited as `producer.transfer`. The producer's products
    registered in its old commune move with it, so that one office keeps the producer and its products."""
    unknown = set(data) - PRODUCER_FIELDS
    if unknown:
        raise OcopError("unknown_fields", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    producer = Producer.objects.select_for_update().select_related("commune__province").get(pk=producer.pk)
    require_edit(actor, producer)
    _clean_producer(data)
    if data.get("tax_code"):
        _tax_code_free(data["tax_code"], producer)
    old_commune = producer.commune
    moving = "commune" in data and data["commune"].pk != old_commune.pk
    transfer = moving and data["commune"].province_id != old_commune.province_id
    if transfer:
        _check_transfer(actor, producer, data["commune"])
    if "commune" in data:
        check_region(actor, commune=data["commune"], producer=producer)
    before = snapshot(producer)
    for k, v in data.items():
        setattr(producer, k, v)
    producer.refresh_search()
    _save_producer(producer)
    after = snapshot(producer)
    if before == after:
        return producer
    followers = []
    if moving:
        for product in producer.products.select_for_update().filter(commune=old_commune):
            was = snapshot(product, ["commune"])
            product.commune = producer.commune
            product.save(update_fields=["commune", "updated_at"])  # post_save: listings, statistics
            audit_entry(
                product,
                actor=actor,
                action="product.transfer" if transfer else "product.update",
                before=was,
                after=snapshot(product, ["commune"]),
                note=_("Theo chủ thể %(name)s.") % {"name": producer.name},
            )
            followers.append(product.public_id)
    note = ""
    if transfer:
        note = _("Chuyển từ %(old)s sang %(new)s; %(n)s sản phẩm chuyển theo.") % {
            "old": old_commune.province,
            "new": producer.commune.province,
            "n": len(followers),
        }
    audit_entry(
        producer,
        actor=actor,
        action="producer.transfer" if transfer else "producer.update",
        before=before,
        after=after,
        note=note,
    )
    for product in producer.products.all():
        product.producer = producer
        product.refresh_search()
        Product.objects.filter(pk=product.pk).update(search_folded=product.search_folded)
    return producer


def _check_transfer(actor, producer: Producer, commune: Commune) -> None:
    """A producer moving to another province changes which province's office answers for it and its
    products: the national level decides, never the province it leaves or the producer itself."""
    p = profile_of(actor) if actor is not None else None
    if actor is not None and (p is None or p.role != Role.NATIONAL):
        raise PermissionDenied(
            "transfer_national_only",
            _(
                "Chủ thể đang đăng ký ở %(old)s: chuyển sang %(new)s là chuyển tỉnh, do cơ quan OCOP trung "
                "ương thực hiện. Hãy đề nghị cấp trung ương chuyển hồ sơ; ở đây chỉ chọn được xã, phường "
                "trong %(old)s."
            )
            % {"old": producer.commune.province, "new": commune.province},
            field="commune",
        )
    from ocop.evaluation.models import Dossier

    busy = Dossier.objects.filter(
        product__producer=producer, product__commune=producer.commune, state__in=_DOSSIER_AT_PROVINCE
    ).select_related("product")
    if busy:
        raise OcopError(
            "transfer_dossier_open",
            _(
                "Chưa chuyển tỉnh được: hồ sơ đánh giá của sản phẩm %(products)s đang được %(old)s xử lý. "
                "Hãy chờ hội đồng đánh giá xong (hoặc rút hồ sơ) rồi chuyển."
            )
            % {"products": ", ".join(f"«{d.product.name}»" for d in busy), "old": producer.commune.province},
            field="commune",
        )


def next_product_code(*, commune: Commune, year: int) -> str:
    """T-X-STT-YYYY (QĐ 26/2026 score sheets): province code - commune code - sequence kept by the commune -
    evaluation year."""
    prefix = f"{commune.province_id:02d}-{commune.code:05d}-"
    suffix = f"-{year}"
    last = Product.objects.filter(code__startswith=prefix, code__endswith=suffix).aggregate(m=Max("code"))[
        "m"
    ]
    seq = int(last.split("-")[2]) + 1 if last else 1
    return f"{prefix}{seq:03d}{suffix}"


def _clean_product(data: dict[str, Any], product: Product | None = None) -> None:
    """Check and tidy the values. The year and the decision date are checked when they are set or changed: an
    older record keeps what it says until someone changes it."""
    if "name" in data:
        data["name"] = bounds.clean(
            Product,
            "name",
            data["name"],
            required=_("Tên sản phẩm không được để trống hoặc chỉ gồm ký tự vô hình."),
        )
    gtin = clean_line(data.get("gtin")).replace(" ", "")  # spaces allowed in, before the length check
    if gtin:
        if not is_valid_gtin(gtin):
            raise OcopError(
                "gtin_invalid",
                _(
                    "Mã GTIN «%(gtin)s» không hợp lệ: cần 8, 12, 13 hoặc 14 chữ số với số kiểm tra đúng "
                    "(mã Việt Nam thường bắt đầu bằng 893)."
                )
                % {"gtin": gtin},
                field="gtin",
            )
        data["gtin"] = gtin
    bounds.clean_fields(Product, data)
    star = data.get("star")
    if star is not None and star not in (1, 2, 3, 4, 5):
        raise OcopError("star_invalid", _("Số sao phải từ 1 đến 5."), field="star")

    def changed(name):
        return data.get(name) is not None and (product is None or data[name] != getattr(product, name))

    year = data.get("year")
    if changed("year") and not recognition_year_ok(year):
        raise OcopError(
            "year_invalid",
            _(
                "Năm đánh giá %(year)s không hợp lệ: hãy ghi năm từ %(first)s (năm bắt đầu Chương trình "
                "OCOP) đến %(last)s."
            )
            % {"year": year, "first": FIRST_YEAR, "last": timezone.localdate().year},
            field="year",
        )
    day = data.get("decision_date")
    if changed("decision_date") and not decision_date_ok(day):
        if day > timezone.localdate():
            raise OcopError(
                "decision_date_future",
                _("Ngày quyết định %(date)s ở sau hôm nay: hãy ghi ngày đã ký quyết định, không sau hôm nay.")
                % {"date": f"{day:%d/%m/%Y}"},
                field="decision_date",
            )
        raise OcopError(
            "decision_date_invalid",
            _(
                "Ngày quyết định %(date)s trước năm %(first)s, năm bắt đầu Chương trình OCOP: hãy kiểm tra "
                "lại ngày."
            )
            % {"date": f"{day:%d/%m/%Y}", "first": FIRST_YEAR},
            field="decision_date",
        )
    code = data.get("code")
    if code:
        if not CODE_RE.match(code):
            raise OcopError(
                "code_invalid",
                _("Mã số sản phẩm «%(code)s» không đúng dạng T-X-STT-YYYY, ví dụ 12-03430-001-2026.")
                % {"code": code},
                field="code",
            )
    elif "code" in data:
        data["code"] = None


_UNSET = {"star": None, "decision_number": "", "decision_date": None, "year": None, "code": None}


def certificate_in_force(product: Product):
    """The certificate that speaks for the product (evaluation's Certificate), when it is in force."""
    from ocop.evaluation.models import Certificate

    cert = Certificate.objects.speaking_for(product)
    if cert is None or cert.status(timezone.localdate()) not in ("valid", "expiring", "grace"):
        return None
    return cert


def _check_recognition(actor, data: dict[str, Any], product: Product | None = None) -> None:
    """Refuse a recognition recorded or changed by someone who may not, or by hand over a certificate."""
    now = {f: getattr(product, f) for f in RECOGNITION_FIELDS} if product is not None else _UNSET
    changed = [f for f in RECOGNITION_FIELDS if f in data and data[f] != now[f]]
    if not changed:
        return
    if not can_record_recognition(actor):
        raise PermissionDenied(
            "recognition_forbidden",
            _(
                "Chỉ cơ quan OCOP cấp tỉnh hoặc cấp trung ương được ghi kết quả công nhận (số sao, số và "
                "ngày quyết định, năm đánh giá, mã số sản phẩm). Hãy để trống các trường này: kết quả được "
                "ghi sau khi hội đồng đánh giá sản phẩm."
            ),
            field=changed[0],
        )
    certified = [f for f in changed if f in CERTIFIED_FIELDS]
    cert = certificate_in_force(product) if product is not None and certified else None
    if cert is not None:
        raise OcopError(
            "recognition_certified",
            _(
                "Sản phẩm có giấy chứng nhận OCOP %(number)s (%(star)s sao, quyết định %(decision)s) còn "
                "hiệu lực: số sao, quyết định và năm đánh giá lấy theo giấy chứng nhận, không sửa tay được. "
                "Muốn đổi hạng, hãy đánh giá lại sản phẩm; nếu giấy chứng nhận sai, hãy thu hồi giấy đó."
            )
            % {"number": cert.number, "star": cert.star, "decision": cert.decision_number},
            field=certified[0],
        )


@transaction.atomic
def product_create(*, actor, **data: Any) -> Product:
    """Register a product of a producer, with its product set and commune (defaults to the producer's)."""
    unknown = set(data) - PRODUCT_FIELDS
    if unknown:
        raise OcopError("unknown_fields", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    data.setdefault("commune", data["producer"].commune)
    _clean_product(data)
    check_region(actor, commune=data["commune"], producer=data["producer"])
    _check_recognition(actor, data)
    if not data.get("code") and data.get("year"):
        data["code"] = next_product_code(commune=data["commune"], year=data["year"])
    product = Product(**data)
    product.refresh_search()
    product.save()
    audit_entry(product, actor=actor, action="product.create", before={}, after=snapshot(product))
    return product


@transaction.atomic
def product_update(*, actor, product: Product, **data: Any) -> Product:
    unknown = set(data) - PRODUCT_FIELDS
    if unknown:
        raise OcopError("unknown_fields", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    product = Product.objects.select_for_update().select_related("producer").get(pk=product.pk)
    require_edit(actor, product)
    _clean_product(data, product)
    if "commune" in data or "producer" in data:
        check_region(
            actor,
            commune=data.get("commune", product.commune),
            producer=data.get("producer", product.producer),
        )
    _check_recognition(actor, data, product)
    before = snapshot(product)
    for k, v in data.items():
        setattr(product, k, v)
    product.refresh_search()
    product.save()
    after = snapshot(product)
    if before != after:
        audit_entry(product, actor=actor, action="product.update", before=before, after=after)
    return product


def current_sets() -> dict[int, ProductSet]:
    return {s.number: s for s in ProductSet.objects.filter(taxonomy__current=True).select_related("group")}


def taxonomy_load(apps=None) -> int:
    """Load the classification versions of taxonomy_data into the tables (idempotent)."""
    from .taxonomy_data import CURRENT, TAXONOMIES

    get = (lambda n: apps.get_model("registry", n)) if apps else None
    if get is None:
        from . import models as m

        get = lambda n: getattr(m, n)  # noqa: E731
    TaxonomyM, SectorM, GroupM, SetM = (get(n) for n in ("Taxonomy", "Sector", "ProductGroup", "ProductSet"))
    created = 0
    for code, tx in TAXONOMIES.items():
        taxonomy, new = TaxonomyM.objects.get_or_create(
            code=code, defaults={"title": tx["title"], "current": code == CURRENT}
        )
        if not new:
            continue
        for s in tx["sectors"]:
            sector = SectorM.objects.create(taxonomy=taxonomy, code=s["code"], name=s["name"])
            for g in s["groups"]:
                group = GroupM.objects.create(sector=sector, code=g["code"], name=g["name"])
                for ps in g["sets"]:
                    SetM.objects.create(
                        taxonomy=taxonomy,
                        group=group,
                        number=ps["number"],
                        name=ps["name"],
                        scope=ps.get("scope", ""),
                    )
                    created += 1
    return created


# --- photos and e-commerce links (what the public catalogue shows) ----------------------------------------

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTOS = 12


@transaction.atomic
def photo_add(*, actor, product: Product, data: bytes, caption: str = "") -> Photo:
    """Re-encode an uploaded photo into the sizes of core.images (the bytes decide, not the name) and keep
    them; the stored `image` is the largest, the smaller ones sit beside it (Photo.rendition)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from ocop.core import images, private
    from ocop.core.codes import random_code

    require_edit(actor, product)
    if len(data) > MAX_PHOTO_BYTES:
        raise OcopError("photo_too_large", _("Ảnh tối đa 15 MB."), field="image")
    if product.photos.count() >= MAX_PHOTOS:
        raise OcopError("photo_limit", _("Mỗi sản phẩm tối đa %d ảnh: hãy xoá bớt ảnh cũ.") % MAX_PHOTOS)
    try:
        sizes = images.renditions(data, max_pixels=private.max_photo_pixels())
    except images.ImageRejected as e:
        message = (
            private.too_large_message(e)
            if e.code == "too_large"
            else _("Tệp không phải ảnh đọc được: hãy chọn ảnh JPEG, PNG hoặc WebP.")
        )
        raise OcopError(f"photo_{e.code}", message, field="image") from None
    stem = f"products/{product.public_id}/{random_code(8).lower()}"
    largest = max(sizes)
    name = default_storage.save(f"{stem}.jpg", ContentFile(sizes[largest]))
    for size, blob in sizes.items():
        if size != largest:
            default_storage.save(rendition_name(name, size), ContentFile(blob))
    position = (product.photos.aggregate(m=Max("position"))["m"] or 0) + 1
    photo = Photo.objects.create(
        product=product, image=name, caption=clean_line(caption)[:200], position=position
    )
    audit_entry(
        product, actor=actor, action="product.photo_add", after={"photo": name, "caption": photo.caption}
    )
    return photo


@transaction.atomic
def photo_delete(*, actor, photo: Photo) -> None:
    from django.core.files.storage import default_storage

    from ocop.core import images

    require_edit(actor, photo.product)
    name = photo.image.name
    photo.delete()
    audit_entry(photo.product, actor=actor, action="product.photo_delete", before={"photo": name})

    def remove():
        for n in [name] + [rendition_name(name, s) for s in images.SIZES]:
            default_storage.delete(n)

    transaction.on_commit(remove)


@transaction.atomic
def ecommerce_link_save(
    *, actor, product: Product, platform: str, url: str, last_checked=None, link: EcommerceLink | None = None
) -> EcommerceLink:
    """Add or change one of the product's shop links (Postmart, Voso, Shopee…) and the day it was checked."""
    require_edit(actor, product)
    if platform not in Platform.values:
        raise OcopError("platform_invalid", _("Sàn không có trong danh sách."), field="platform")
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")):
        raise OcopError("url_invalid", _("Đường dẫn phải bắt đầu bằng https://"), field="url")
    clash = EcommerceLink.objects.filter(product=product, url=url)
    if link is not None:
        clash = clash.exclude(pk=link.pk)
    if clash.exists():
        raise OcopError("link_duplicate", _("Sản phẩm đã có đường dẫn này."), field="url")
    before = None if link is None else {"platform": link.platform, "url": link.url}
    link = link or EcommerceLink(product=product)
    link.platform, link.url, link.last_checked = platform, url, last_checked
    link.save()
    audit_entry(
        product,
        actor=actor,
        action="product.link_save",
        before=before,
        after={
            "platform": platform,
            "url": url,
            "last_checked": last_checked.isoformat() if last_checked else None,
        },
    )
    return link


@transaction.atomic
def ecommerce_link_delete(*, actor, link: EcommerceLink) -> None:
    require_edit(actor, link.product)
    link.delete()
    audit_entry(link.product, actor=actor, action="product.link_delete", before={"url": link.url})
