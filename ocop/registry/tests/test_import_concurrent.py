"""Imports at the same time: one producer per tax code, one product per code, a constraint violation is a
message and never a stack trace, and an import that committed never reports a failure."""

import importlib
import json
import threading

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import connection

from ocop.core.errors import OcopError
from ocop.registry import importing, services
from ocop.registry.importing import import_file
from ocop.registry.models import Producer, Product
from ocop.registry.tests.test_import import GOOD, xlsx
from ocop.testing import BROWSER_DB, ensure_reference_data

# The same producer by tax code on two rows, one without a tax code (matched by name and commune, which no
# constraint guards), evaluation years (codes T-X-STT-YYYY are generated).
ROWS = [list(r) for r in GOOD]
ROWS[0][6] = ROWS[1][6] = "5600123456"
ROWS[2][6] = ""
# Nothing but names: only the import's lock keeps two of them from creating everything twice.
NAMES_ONLY = [[*r[:6], "", "", "", "", "", ""] for r in GOOD]


# --- the tax code is unique ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tax_code_belongs_to_one_producer(client, national, lai_chau_producer, son_la_commune):
    with pytest.raises(OcopError) as e:
        services.producer_create(
            actor=None,
            name="HTX Khác",
            type="htx",
            commune=son_la_commune,
            tax_code=lai_chau_producer.tax_code,
        )
    assert e.value.code == "tax_code_taken" and e.value.field == "tax_code"
    client.force_login(national)
    r = client.post(
        "/api/v1/producers",
        json.dumps(
            {"name": "HTX Khác", "type": "htx", "commune_code": son_la_commune.code, "tax_code": "6200123456"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "tax_code_taken"
    other = services.producer_create(actor=None, name="HTX Khác", type="htx", commune=son_la_commune)
    with pytest.raises(OcopError) as e:
        services.producer_update(actor=national, producer=other, tax_code="6200123456")
    assert e.value.code == "tax_code_taken"
    assert Producer.objects.filter(tax_code="6200123456").count() == 1
    # Producers without a tax code are many.
    services.producer_create(actor=None, name="Hộ A", type="ho_kinh_doanh", commune=son_la_commune)
    assert Producer.objects.filter(tax_code="").count() == 2


@pytest.mark.django_db
def test_edit_form_says_the_tax_code_is_taken(client, lai_chau_officer, lai_chau_producer, lai_chau_commune):
    other = services.producer_create(actor=None, name="HTX B", type="htx", commune=lai_chau_commune)
    client.force_login(lai_chau_officer)
    r = client.post(
        f"/quan-ly/chu-the/{other.public_id}/sua/",
        {"name": "HTX B", "type": "htx", "tax_code": "6200123456", "commune": lai_chau_commune.code},
    )
    assert r.status_code == 200 and "mỗi chủ thể một mã số thuế" in r.content.decode()
    assert Producer.objects.get(pk=other.pk).tax_code == ""


@pytest.mark.django_db
def test_migration_lists_the_tax_codes_held_twice(lai_chau_producer, son_la_commune):
    migration = importlib.import_module("ocop.registry.migrations.0005_producer_tax_code_unique")
    with (
        connection.cursor() as cursor
    ):  # as a database from before the constraint (rolled back with the test)
        cursor.execute("DROP INDEX uniq_producer_tax_code")
    twin = Producer.objects.bulk_create(
        [Producer(name="HTX Trùng", type="htx", commune=son_la_commune, tax_code=lai_chau_producer.tax_code)]
    )[0]
    lines = migration.tax_code_duplicates(Producer)
    assert lines == [
        f"6200123456: {lai_chau_producer.public_id} «HTX Chè Tam Đường» (Xã Bình Lư); "
        f"{twin.public_id} «HTX Trùng» ({son_la_commune.name})"
    ]
    from django.apps import apps

    with pytest.raises(CommandError) as e:
        migration.check_tax_codes(apps, None)
    assert "mỗi mã số thuế một chủ thể" in str(e.value) and "6200123456" in str(e.value)


# --- a constraint violation during the write ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_code_taken_meanwhile_is_a_message_not_a_stack_trace(monkeypatch):
    assert import_file("ds.xlsx", xlsx(ROWS[:1])).ok  # 11-…-001-2024
    # Another writer's product codes are not seen (as if made between the read and the write): every try
    # generates 001 again and meets the unique code.
    monkeypatch.setattr(importing, "_sequences", lambda communes: {})
    again = [list(ROWS[0])]
    again[0][1] = "Mật ong hoa ban rừng"
    before = Product.objects.count()
    result = import_file("ds.xlsx", xlsx(again))
    assert not result.ok
    assert "một người dùng khác vừa ghi chủ thể hoặc sản phẩm trùng" in result.errors[0]
    assert (result.products_created, Product.objects.count()) == (0, before)


@pytest.mark.django_db
def test_a_code_taken_meanwhile_is_retried_once_reading_again(monkeypatch):
    assert import_file("ds.xlsx", xlsx(ROWS[:1])).ok
    real, calls = importing._sequences, []

    def stale_once(communes):
        calls.append(1)
        return {} if len(calls) == 1 else real(communes)

    monkeypatch.setattr(importing, "_sequences", stale_once)
    again = [list(ROWS[0])]
    again[0][1] = "Mật ong hoa ban rừng"
    result = import_file("ds.xlsx", xlsx(again))
    assert result.ok, result.errors
    assert result.products_created == 1 and len(calls) == 2
    assert Product.objects.get(name="Mật ong hoa ban rừng").code.endswith("-002-2024")


# --- the web import: committed means success ----------------------------------------------------------------


@pytest.mark.django_db
def test_committed_web_import_reports_success_even_if_the_session_cannot_be_saved(
    client, national, monkeypatch
):
    client.force_login(national)
    r = client.post("/quan-ly/nhap/", {"file": SimpleUploadedFile("ds.xlsx", xlsx(ROWS))})
    token = r.context["token"]

    def locked(self, must_create=False):  # SQLite's "database is locked" while another import writes
        raise UpdateError

    monkeypatch.setattr(SessionStore, "save", locked)
    r = client.post("/quan-ly/nhap/", {"token": token})
    assert r.status_code == 302 and Product.objects.count() == 3
    monkeypatch.undo()
    # The token was used: a second confirmation imports nothing and says the session is over.
    r = client.post("/quan-ly/nhap/", {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn" in r.content.decode()
    assert Product.objects.count() == 3


# --- two imports at once (PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE) -----------------------


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite serialises writers; the concurrency case is exercised on PostgreSQL",
)
@BROWSER_DB  # committed for real, so that each thread sees the other's writes; the flush keeps geo units
@pytest.mark.parametrize("rows", [ROWS, NAMES_ONLY], ids=["tax-codes-and-years", "names-only"])
def test_two_imports_of_the_same_file_at_once_write_it_once(rows):
    ensure_reference_data()  # the product sets, if an earlier transactional test flushed them
    data = xlsx(rows)
    start = threading.Barrier(2)
    results, crashes = [], []

    def go():
        try:
            start.wait()
            results.append(import_file("ds.xlsx", data))
        except Exception as e:  # the test reports it
            crashes.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert crashes == []
    assert all(r.ok for r in results), [r.errors for r in results]
    assert sorted(r.products_created for r in results) == [0, 3]
    assert Producer.objects.count() == 2 and Product.objects.count() == 3
    codes = list(Product.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == (2 if rows is ROWS else 0)
