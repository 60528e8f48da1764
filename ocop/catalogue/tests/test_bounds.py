"""Issue 20, item 16 in the catalogue: a fair's texts are tidied and bounded by the service (the public page
printed whatever length it was given)."""

import datetime

import pytest
from django.utils import timezone

from ocop.catalogue import services
from ocop.catalogue.models import Fair
from ocop.core.errors import OcopError
from ocop.geo.models import Province

TODAY = timezone.localdate()


@pytest.mark.django_db
def test_fair_texts_are_tidied_and_bounded(lai_chau_officer):
    data = {
        "name": "Hội chợ\u200b OCOP Lai Châu",
        "province": Province.objects.get(pk=12),
        "venue": "Quảng trường\u00a0 Nhân dân",
        "starts_on": TODAY,
        "ends_on": TODAY + datetime.timedelta(days=3),
    }
    with pytest.raises(OcopError) as e:
        services.fair_save(actor=lai_chau_officer, **data, description="Đặc sản. " * 400_000)
    assert e.value.code == "too_long" and e.value.field == "description"
    with pytest.raises(OcopError) as e:
        services.fair_save(actor=lai_chau_officer, **{**data, "venue": "\u200b\ufeff"})
    assert e.value.code == "fair_incomplete"
    assert not Fair.objects.exists()
    fair = services.fair_save(actor=lai_chau_officer, **data, description="Dòng một\r\n\u200bDòng hai")
    assert (fair.name, fair.venue) == ("Hội chợ OCOP Lai Châu", "Quảng trường Nhân dân")
    assert fair.description == "Dòng một\nDòng hai"
