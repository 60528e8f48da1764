from collections import Counter

import pytest

from ocop.registry.demo import generated_rows, load_demo
from ocop.registry.models import Producer, Product


@pytest.mark.slow  # the whole generated programme
@pytest.mark.django_db
def test_demo_loads_seed_and_generated_products_in_the_national_mix():
    result = load_demo("small")
    assert result is not None and result.errors == []
    assert Product.objects.filter(name="Mật ong hoa ban", producer__name="HTX Ong mật Điện Biên").exists()
    assert Product.objects.filter(name__icontains="Trà cây cao cổ thụ Tủa Chùa").exists()
    products = Product.objects.count()
    assert products >= 600
    stars = Counter(Product.objects.values_list("star", flat=True))
    assert (
        0.65 < stars[3] / products < 0.85 and 0.15 < stars[4] / products < 0.30 and stars[5] < products * 0.02
    )
    assert 1.6 < products / Producer.objects.count() < 2.3
    assert Product.objects.values("commune__province").distinct().count() == 34
    # Loading again adds nothing.
    assert load_demo("small") is None
    assert Product.objects.count() == products


@pytest.mark.django_db
def test_generated_rows_are_deterministic():
    assert generated_rows(50) == generated_rows(50)
