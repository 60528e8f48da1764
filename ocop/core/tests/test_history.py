"""The history pages read like the rest of the site: actions and fields by name, choice labels, Có/Không,
dd/mm/yyyy dates, a stored dict as its labelled items — not the raw keys and values the audit log keeps."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from ocop.core import history
from ocop.core.audit import audit_event
from ocop.evaluation.models import Dossier
from ocop.evaluation.tests.test_workflow import to_review
from ocop.registry import services as registry
from ocop.reporting import services as reporting
from ocop.reporting.models import Outcome

SOURCE = Path(__file__).resolve().parents[2]


def history_section(html: str) -> str:
    start = html.index("Lịch sử thay đổi")
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_producer_history_shows_labels_not_keys(client, lai_chau_producer, lai_chau_officer):
    registry.producer_update(
        actor=lai_chau_officer, producer=lai_chau_producer, type="ho_kinh_doanh", rep_female=True
    )
    reporting.outcome_save(
        actor=lai_chau_officer,
        producer=lai_chau_producer,
        year=2024,
        revenue=1200,
        jobs=12,
        avg_income=Decimal("5.5"),
    )
    client.force_login(lai_chau_officer)
    page = history_section(client.get(f"/quan-ly/chu-the/{lai_chau_producer.public_id}/").content.decode())
    assert "<td>Báo cáo kết quả sản xuất, kinh doanh</td>" in page
    for label in (
        "Năm",
        "Doanh thu (triệu đồng)",
        "Số lao động",
        "Thu nhập bình quân (triệu đồng/người/tháng)",
    ):
        assert f"<b>{label}</b>" in page
    assert "<b>Thu nhập bình quân (triệu đồng/người/tháng)</b>: 5,5" in page
    assert (
        "<b>Loại hình chủ thể</b>: <s>Hợp tác xã</s> → Hộ sản xuất, hộ gia đình có đăng ký kinh doanh" in page
    )
    assert "<b>Đại diện là nữ</b>: <s>Không</s> → Có" in page
    for raw in ("outcome.save", "Year", "Revenue", "Jobs", "Avg_income", "ho_kinh_doanh", "True", "False"):
        assert raw not in page, raw
    assert not re.search(r"<s>htx</s>|: htx<", page)


@pytest.mark.django_db
def test_dossier_history_shows_states_kind_report_and_dates(
    client, lai_chau_product, producer_user, commune_officer, lai_chau_officer
):
    dossier, _sheet = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    client.force_login(lai_chau_officer)
    page = history_section(client.get(f"/quan-ly/danh-gia/ho-so/{dossier.public_id}/").content.decode())
    assert "<b>Loại đăng ký</b>: Đánh giá lần đầu" in page
    assert "<b>Trạng thái</b>: <s>Đang soạn</s> → Đã nộp, chờ xã rà soát" in page
    assert "<s>Đã nộp, chờ xã rà soát</s> → Xã đã chuyển lên tỉnh" in page
    assert "<s>Xã đã chuyển lên tỉnh</s> → Tổ tư vấn đang xem xét" in page
    # Mẫu 03 as its four labelled items, with nothing struck out before (the report was empty).
    assert '<b>Báo cáo của xã (Mẫu 03)</b>: <ul class="changes">' in page
    assert "<li>Nguồn nguyên liệu địa phương: Chè Shan tuyết cổ thụ tại xã</li>" in page
    assert "<li>Sử dụng lao động địa phương: 35 lao động địa phương</li>" in page
    assert "<li>Nguồn gốc ý tưởng sản phẩm: Sản phẩm truyền thống</li>" in page
    assert "<li>Bản sắc, văn hóa địa phương: Văn hóa người Dao</li>" in page
    submitted = timezone.localtime(Dossier.objects.get(pk=dossier.pk).submitted_at)
    assert f"<b>Ngày nộp</b>: {submitted:%d/%m/%Y %H:%M}</div>" in page
    assert "<b>Hạn xã rà soát</b>: 14/12/2026</div>" in page
    for raw in ("draft", "submitted", "forwarded", "review", ">first", "raw_materials", "{", "<s>{}</s>"):
        assert raw not in page, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)


@pytest.mark.django_db
@pytest.mark.django_db
def test_keys_read_in_the_models_order_whatever_order_the_database_keeps():
    """PostgreSQL's jsonb sorts an object's keys by length ("jobs" before "revenue"): shown in the order the
    model declares its fields, on both databases."""
    entry = audit_event(
        actor=None,
        action="outcome.save",
        object_type="registry.producer",
        object_id="X",
        object_repr="X",
        before={},
        after={"avg_income": "5.5", "jobs": 3, "revenue": 10, "year": 2024},
    )
    entry.refresh_from_db()
    with translation.override("vi"):
        labels = [row.label for row in entry.change_rows()]
    fields = [f.name for f in Outcome._meta.fields if f.name in ("avg_income", "jobs", "revenue", "year")]
    assert labels == [str(Outcome._meta.get_field(n).verbose_name) for n in fields]


def test_history_in_english(client, lai_chau_producer, lai_chau_officer):
    reporting.outcome_save(actor=lai_chau_officer, producer=lai_chau_producer, year=2024, revenue=10, jobs=3)
    client.force_login(lai_chau_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/quan-ly/chu-the/{lai_chau_producer.public_id}/").content.decode()
    page = page[page.index('<table class="history">') :]
    assert "<td>Report production and business results</td>" in page
    assert "<b>Revenue (million VND)</b>: 10</div><div><b>Number of workers</b>: 3</div>" in page
    assert "<b>Producer type</b>: Cooperative</div>" in page
    assert "<b>Representative is a woman</b>: No</div>" in page


def _actions_in_source() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        found.update(re.findall(r'else "([a-z_]+\.[a-z_]+)"', text))
        if "def _move(" in text:  # evaluation: _move(dossier, actor, "step", …) → "dossier.step"
            found.update(f"dossier.{v}" for v in re.findall(r'_move\([^,]+, actor, "([a-z_]+)"', text))
    return found


def test_every_audited_action_has_a_label():
    actions = _actions_in_source()
    assert {"outcome.save", "dossier.forward", "stamps.issue", "accounts.lockout"} <= actions
    assert [a for a in sorted(actions) if history.action_label(a) == a] == []


def test_a_verb_shared_by_name_only_gets_its_own_label():
    with translation.override("vi"):
        assert history.action_label("certificate.issue") == "Cấp giấy chứng nhận"
        assert history.action_label("stamps.issue") == "Phát hành tem"
        assert history.action_label("round.close") == "Khóa đợt"
        assert history.action_label("alert.close") == "Xử lý cảnh báo tem"
        assert history.action_label("inspection.record") == "Ghi nhận kết quả kiểm tra"
        assert history.action_label("something.unknown") == "something.unknown"


def test_values_as_people_read_them():
    with translation.override("vi"):
        assert history.show(True) == "Có" and history.show(False) == "Không"
        assert history.show("2026-12-14") == "14/12/2026"
        assert history.show("2026-12-06T22:47:49.430587+00:00") == "07/12/2026 05:47"  # Hà Nội time
        assert history.show(["a", "", "b"]) == "a, b"
        assert (
            history.show({"labour": "35 người", "x_y": 2}) == "Sử dụng lao động địa phương: 35 người; X y: 2"
        )
        assert history.show("") is None and history.show({}) is None and history.show(None) is None
        assert history.show(0) == "0"
    with translation.override("en"):
        assert history.show(True) == "Yes"


@pytest.mark.django_db
def test_a_text_field_that_looks_like_a_date_is_left_as_typed():
    from ocop.registry.models import Producer

    name = Producer._meta.get_field("name")
    assert history.show("2026-01-02", name) == "2026-01-02"


@pytest.mark.django_db
def test_a_big_dict_is_counted_and_a_small_one_lists_only_what_changed():
    entry = audit_event(
        actor=None,
        action="dossier.forward",
        object_type="evaluation.dossier",
        object_id="X",
        object_repr="X",
        before={"commune_report": {"idea": "cũ", "labour": "20"}, "self_answers": {}},
        after={
            "commune_report": {"idea": "mới", "labour": "20"},
            "self_answers": {str(i): 1 for i in range(9)},
        },
    )
    with translation.override("vi"):
        answers, report = entry.change_rows()  # in the model's order: self_answers is declared first
    assert report.label == "báo cáo của xã (Mẫu 03)"
    assert [(i.label, i.before, i.after) for i in report.items] == [
        ("Nguồn gốc ý tưởng sản phẩm", "cũ", "mới")
    ]
    assert (answers.label, answers.after, answers.items) == ("tự đánh giá", "9 mục thay đổi", [])
