"""Evaluation and ranking (QĐ 26/2026): dossiers, rounds and councils, members' score sheets, decisions and
certificates. State changes happen only in services.py, each with an audit entry."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core import uploads
from ocop.core.codes import random_code
from ocop.core.private import private_storage
from ocop.registry.models import RegionQuerySet

from .rubric import CURRENT


def _public_id() -> str:
    return random_code(10)


class Kind(models.TextChoices):
    FIRST = "first", _("Đánh giá lần đầu")
    UPGRADE = "upgrade", _("Nâng hạng")
    REEVALUATION = "reevaluation", _("Đánh giá lại")


class State(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp, chờ xã rà soát")
    RETURNED = "returned", _("Xã trả lại để bổ sung")
    FORWARDED = "forwarded", _("Xã đã chuyển lên tỉnh")
    REVIEW = "review", _("Tổ tư vấn đang xem xét")
    MORE_EVIDENCE = "more_evidence", _("Cần bổ sung minh chứng")
    IN_ROUND = "in_round", _("Trong đợt đánh giá")
    SCORED = "scored", _("Hội đồng đã chấm")
    CENTRAL = "central", _("Chuyển Trung ương")
    RECOGNISED = "recognised", _("Đã công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không đạt")


# The dossier workflow in one table: each step (audited as "dossier.<step>") with the states it starts from
# and the state it leads to. services._move makes no other move; services._lock_for checks a step first.
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED),
    "resubmit": (frozenset({State.MORE_EVIDENCE}), State.REVIEW),
    "forward": (frozenset({State.SUBMITTED}), State.FORWARDED),
    "return": (frozenset({State.SUBMITTED}), State.RETURNED),
    "intake": (frozenset({State.FORWARDED}), State.REVIEW),
    "request_evidence": (frozenset({State.REVIEW}), State.MORE_EVIDENCE),
    "assign": (frozenset({State.REVIEW, State.CENTRAL}), State.IN_ROUND),
    "scored": (frozenset({State.IN_ROUND}), State.SCORED),
    "recognised": (frozenset({State.SCORED}), State.RECOGNISED),
    "not_recognised": (frozenset({State.SCORED}), State.NOT_RECOGNISED),
    "forward_central": (frozenset({State.SCORED}), State.CENTRAL),
}
# The same table read from each state: where a dossier may go next.
TRANSITIONS: dict[str, frozenset[str]] = {
    state: frozenset(to for starts, to in STEPS.values() if state in starts) for state in State.values
}
# The states in which the producer still edits the dossier (self-assessment, evidence) and may file it.
EDITABLE = (State.DRAFT, State.RETURNED, State.MORE_EVIDENCE)
# The states a dossier ends in (no move out of them; recognised first, reporting.sql relies on the order).
# Before them a dossier is open: a product has at most one open dossier (the constraint on Dossier).
DECIDED = (State.RECOGNISED, State.NOT_RECOGNISED)


class DossierQuerySet(RegionQuerySet):
    scope_paths = {
        "province": "product__commune__province_id",
        "commune": "product__commune_id",
        "producer": "product__producer_id",
        "council": "round__seats__user_id",
    }

    def visible_to(self, user):
        return super().visible_to(user).distinct()


class Round(models.Model):
    """Đợt đánh giá: at least two a year per province; the central round ranks 5★ candidates."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        CENTRAL = "central", _("Trung ương")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang nhận hồ sơ")
        SCORING = "scoring", _("Đang chấm")
        CLOSED = "closed", _("Đã khóa kết quả")

    # A round's steps: the first dossier assigned starts the scoring; closing stores the results for good.
    TRANSITIONS = {
        Status.OPEN: frozenset({Status.SCORING, Status.CLOSED}),
        Status.SCORING: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
    }

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    name = models.CharField(_("tên đợt"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, default=Level.PROVINCE)
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT
    )
    intake_deadline = models.DateField(_("hạn nhận hồ sơ"))
    scoring_deadline = models.DateField(_("hạn hoàn thành đánh giá"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    max_spread = models.DecimalField(
        _("chênh lệch tối đa giữa các thành viên (điểm)"), max_digits=5, decimal_places=2, default=10
    )
    quorum = models.DecimalField(
        _("tỷ lệ thành viên tối thiểu"), max_digits=3, decimal_places=2, default=0.75
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-scoring_deadline", "-id"]

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A council member in a round (the council is set up per round)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thành viên"),
        on_delete=models.PROTECT,
        related_name="council_seats",
    )
    chair = models.BooleanField(_("chủ tịch hội đồng"), default=False)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="uniq_seat")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.round}"


class Dossier(models.Model):
    """Hồ sơ đăng ký đánh giá (Mẫu 01) with the self-assessment (Mẫu 02) and its evidence."""

    public_id = models.CharField(
        _("mã hồ sơ"), max_length=12, unique=True, default=_public_id, editable=False
    )
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="dossiers"
    )
    kind = models.CharField(_("loại đăng ký"), max_length=15, choices=Kind.choices, default=Kind.FIRST)
    rubric = models.CharField(_("bộ tiêu chí"), max_length=20, default=CURRENT)
    set_number = models.PositiveSmallIntegerField(_("bộ sản phẩm"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.DRAFT)
    self_answers = models.JSONField(_("tự đánh giá"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    commune_due = models.DateField(_("hạn xã rà soát"), null=True, blank=True)
    # Re-evaluation is done within 45 days of intake, by the members' written opinions (their sheets);
    # the council meets only when the opinions diverge (the spread rule).
    decision_due = models.DateField(_("hạn hoàn thành đánh giá lại"), null=True, blank=True)
    # Mẫu 03: the commune's four items and its opinion.
    commune_report = models.JSONField(_("báo cáo của xã (Mẫu 03)"), default=dict, blank=True)
    round = models.ForeignKey(
        Round,
        verbose_name=_("đợt đánh giá"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    result = models.JSONField(_("kết quả chấm"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # A double submit must not open two dossiers for one product (services.dossier_create).
            models.UniqueConstraint(
                fields=["product"],
                condition=~models.Q(state__in=[s.value for s in DECIDED]),
                name="one_open_dossier_per_product",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} · {self.product}"


class Evidence(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(_("tiêu chí"), max_length=20)
    # Outside the web root, under a random name with the extension read from the bytes (core.private).
    file = models.FileField(
        _("tệp minh chứng"), storage=private_storage, upload_to="evidence/", max_length=200
    )
    name = models.CharField(_("tên tệp tải lên"), max_length=200, blank=True)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return f"{self.criterion}: {self.name or self.file.name}"

    @property
    def download_name(self) -> str:
        kind = uploads.BY_CONTENT_TYPE.get(self.content_type)
        return uploads.download_name(self.name, kind) if kind else uploads.display_name(self.name)


class Review(models.Model):
    """Advisory team notes: requests for more evidence, site visits."""

    class Type(models.TextChoices):
        REQUEST = "request", _("Yêu cầu bổ sung minh chứng")
        SITE_VISIT = "site_visit", _("Ghi chép khảo sát thực tế")
        NOTE = "note", _("Nhận xét")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reviews")
    type = models.CharField(_("loại"), max_length=12, choices=Type.choices)
    criterion = models.CharField(_("tiêu chí"), max_length=20, blank=True)
    text = models.TextField(_("nội dung"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.text[:40]}"


class ScoreSheet(models.Model):
    """One council member's sheet for one dossier. Hidden from other members until the round closes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets"
    )
    answers = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=6, decimal_places=2)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "member"], name="uniq_sheet_per_member")]

    def __str__(self) -> str:
        return f"{self.member} · {self.dossier_id}: {self.total}"


class CertificateQuerySet(RegionQuerySet):
    scope_paths = {
        "province": "product__commune__province_id",
        "commune": "product__commune_id",
        "producer": "product__producer_id",
    }

    def speaking_for(self, product) -> "Certificate | None":
        """The certificate that speaks for the product now: the latest by validity, revoked ones included
        (a revoked certificate must still show as revoked, not fall back to an older one)."""
        return self.filter(product=product).order_by("-valid_until", "-id").first()


VALIDITY_MONTHS = 36
EXPIRING_DAYS = 180  # the re-evaluation window opens 180 days before expiry
# QĐ 26/2026 Điều 12 (transition): a certificate issued before 22/5/2026 whose product missed the
# re-evaluation window stays in force until the re-evaluation is resolved, at most 180 days past expiry.
TRANSITION_ISSUED_BEFORE = datetime.date(2026, 5, 22)
GRACE_DAYS = 180


class Certificate(models.Model):
    class Ground(models.TextChoices):
        # QĐ 26/2026 Điều 9: grounds for revocation.
        A = "a", _("(a) Thông tin không trung thực, giả mạo")
        B = "b", _("(b) Không còn đáp ứng tiêu chí")
        C = "c", _("(c) Vi phạm quy định về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ, nhãn")
        D = "d", _("(d) Sử dụng sai nhãn hiệu chứng nhận OCOP")
        DD = "dd", _("(đ) Không còn sản xuất")
        E = "e", _("(e) Kết luận khác của cơ quan có thẩm quyền")

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    number = models.CharField(_("số giấy chứng nhận"), max_length=40, unique=True)
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="certificates"
    )
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    star = models.PositiveSmallIntegerField(_("số sao"))
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issued_on = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(_("có hiệu lực đến"))
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_ground = models.CharField(
        _("căn cứ thu hồi"), max_length=2, choices=Ground.choices, blank=True
    )
    revocation_decision = models.CharField(_("quyết định thu hồi"), max_length=120, blank=True)
    # What the certificate vouches for, as it stood at the decision (with star and score above): renaming the
    # product or moving the producer later changes none of it. Filled by the services that issue and record
    # certificates (snapshot_of); older rows were filled from the data of the day (migration 0004).
    product_name = models.CharField(_("tên sản phẩm được công nhận"), max_length=255, blank=True)
    product_code = models.CharField(_("mã số sản phẩm khi công nhận"), max_length=40, blank=True)
    producer_name = models.CharField(_("chủ thể khi công nhận"), max_length=255, blank=True)
    producer_address = models.CharField(_("địa chỉ chủ thể khi công nhận"), max_length=500, blank=True)
    place = models.CharField(_("nơi sản xuất (xã, tỉnh) khi công nhận"), max_length=255, blank=True)
    set_number = models.PositiveSmallIntegerField(_("bộ sản phẩm số"), null=True, blank=True)
    set_name = models.CharField(_("bộ sản phẩm"), max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.star}★)"

    @property
    def renamed_to(self) -> str:
        """The product's name today when it differs from the certified one ("" otherwise)."""
        current = self.product.name
        return current if self.product_name and current != self.product_name else ""

    def status(self, today: datetime.date | None = None, reevaluating: bool | None = None) -> str:
        """valid / expiring / expired / grace / revoked. `reevaluating` (a re-evaluation dossier of the
        product is under way) is looked up when not given; lists pass it to spare a query per row."""
        today = today or datetime.date.today()
        if self.revoked_on:
            return "revoked"
        if today > self.valid_until:
            in_grace = (
                self.issued_on < TRANSITION_ISSUED_BEFORE
                and (today - self.valid_until).days <= GRACE_DAYS
                and (
                    reevaluating
                    if reevaluating is not None
                    else self.product_id in reevaluating_products([self.product_id])
                )
            )
            return "grace" if in_grace else "expired"
        if (self.valid_until - today).days <= EXPIRING_DAYS:
            return "expiring"
        return "valid"


def snapshot_of(product, product_set=None) -> dict:
    """The certificate's snapshot fields from the product as it is now (`product_set`: the set it was
    evaluated under, when not the product's own). Migration 0004 repeats it for the certificates before."""
    product_set = product_set or product.product_set
    producer, commune = product.producer, product.commune
    home = producer.commune
    address = [producer.address_detail, home.name, home.province.name]
    return {
        "product_name": product.name,
        "product_code": product.code or "",
        "producer_name": producer.name,
        "producer_address": ", ".join(a for a in address if a)[:500],
        "place": f"{commune.name}, {commune.province.name}",
        "set_number": product_set.number,
        "set_name": product_set.name,
    }


def reevaluations_under_way():
    """Re-evaluation dossiers not yet recognised or refused (they keep a certificate in its grace)."""
    return Dossier.objects.filter(kind=Kind.REEVALUATION).exclude(state__in=DECIDED)


def reevaluating_products(product_ids=None) -> set[int]:
    """Products with a re-evaluation dossier under way."""
    dossiers = reevaluations_under_way()
    if product_ids is not None:
        dossiers = dossiers.filter(product_id__in=product_ids)
    return set(dossiers.values_list("product_id", flat=True))
