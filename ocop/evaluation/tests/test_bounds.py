"""Issue 20, item 16 in evaluation: the commune's report and reasons, the advisory team's requests are tidied
and bounded by the services (a blank of zero-width characters counted as written)."""

import datetime

import pytest

from ocop.core.errors import OcopError
from ocop.evaluation import services
from ocop.evaluation.models import State
from ocop.evaluation.rubric import load_sheet

pytestmark = pytest.mark.django_db
BLANK = "\u200b\u200d\ufeff"


def submitted(product, producer_user):
    d = services.dossier_create(actor=producer_user, product=product)
    sheet = load_sheet(product.product_set.number)
    services.self_assessment_save(
        actor=producer_user, dossier=d, answers={c.code: c.max for c in sheet.criteria}
    )
    services.dossier_submit(actor=producer_user, dossier=d, today=datetime.date(2026, 11, 23))
    return d


def test_commune_report_and_advisory_request_are_bounded(
    lai_chau_product, producer_user, commune_officer, lai_chau_officer
):
    d = submitted(lai_chau_product, producer_user)
    report = {
        "raw_materials": "Chè cổ thụ",
        "labour": "35 lao động",
        "idea": "Truyền thống",
        "identity": BLANK,
    }
    with pytest.raises(OcopError) as e:
        services.commune_screen(actor=commune_officer, dossier=d, forward=True, report=report)
    assert e.value.code == "commune_report_incomplete"
    with pytest.raises(OcopError) as e:
        services.commune_screen(
            actor=commune_officer, dossier=d, forward=True, report={**report, "identity": "x" * 2001}
        )
    assert e.value.code == "too_long" and e.value.field == "identity"
    with pytest.raises(OcopError) as e:
        services.commune_screen(actor=commune_officer, dossier=d, forward=False, report={}, note=BLANK)
    assert e.value.code == "note_required"
    d.refresh_from_db()
    assert d.state == State.SUBMITTED
    services.commune_screen(
        actor=commune_officer, dossier=d, forward=True, report={**report, "identity": "Văn hóa\u200b Dao"}
    )
    d.refresh_from_db()
    assert d.commune_report["identity"] == "Văn hóa Dao"
    services.province_intake(actor=lai_chau_officer, dossier=d)
    with pytest.raises(OcopError) as e:
        services.advisory_request(actor=lai_chau_officer, dossier=d, text=BLANK)
    assert e.value.code == "note_required"
    with pytest.raises(OcopError) as e:
        services.advisory_request(actor=lai_chau_officer, dossier=d, text="Bổ sung. " * 400_000)
    assert e.value.code == "too_long"
    assert not d.reviews.exists()
