"""Stamp key rotation: stamps printed under an older key keep reading genuine, new batches use the new
key, a retired key's stamps read «Cần lưu ý» and their producers are told, a forged code stays forged."""

import datetime
import importlib
import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ocop.core.errors import OcopError
from ocop.evaluation import services as evaluation
from ocop.monitoring import reminders
from ocop.monitoring.models import Reminder
from ocop.testing import PASSWORD
from ocop.traceability import checks, services, stampkeys
from ocop.traceability.links import path_of, stamp_url
from ocop.traceability.models import StampBatch
from ocop.traceability.stampcode import StampCodec

TODAY = timezone.localdate()
OLD = "old-secret-0123456789-0123456789-0123456789"
NEW = "new-secret-abcdefghij-abcdefghij-abcdefghij"


@pytest.fixture
def certified(lai_chau_product, settings):
    settings.OCOP_STAMP_KEY, settings.OCOP_STAMP_KEYS, settings.OCOP_STAMP_KEYS_RETIRED = OLD, "", ""
    lai_chau_product.gtin = "8936120300015"
    lai_chau_product.save()
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-KEY-1",
        star=4,
        decision_number="QĐ 1/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=30),
    )
    return lai_chau_product


def _issue(product, count=20, lot="L1"):
    b = services.stamps_issue(actor=None, product=product, count=count)
    services.stamps_activate(
        actor=None, batch=b, lot_code=lot, produced=TODAY - datetime.timedelta(days=3), first=1, last=count
    )
    return b


def _scan(client, url):
    r = client.get(path_of(url), HTTP_ACCEPT="application/json", HTTP_USER_AGENT="phone")
    return r.json()


def test_stamps_printed_before_a_rotation_still_read_genuine(client, certified, settings):
    old = _issue(certified)
    printed = list(services.batch_urls(old))  # what the print shop got, before the rotation
    assert old.key_id == "k1"  # OCOP_STAMP_KEY alone is key k1
    assert _scan(client, printed[0])["verdict"] == "genuine"

    settings.OCOP_STAMP_KEYS = f"k2:{NEW},k1:{OLD}"
    for url in (printed[0], printed[-1]):
        data = _scan(client, url)
        assert data["verdict"] == "genuine" and data["reasons"] == [], data
    assert list(services.batch_urls(old)) == printed  # reprints of the old batch: the same codes
    assert services.verify_index(old.start).verdict == "genuine"  # the shared-location re-check

    new = _issue(certified, lot="L2")
    assert new.key_id == "k2" and StampBatch.objects.get(pk=new.pk).key_id == "k2"
    url = next(services.batch_urls(new, 1))
    assert _scan(client, url)["verdict"] == "genuine"
    # The new batch's codes are the new key's: made with the old key (say it leaked), a code for a
    # position of the new batch has a right tag under k1 but k1 did not issue that position.
    forged = services.codec("k1").code(new.start)
    assert forged != services.batch_serial(new, 1)
    data = _scan(client, stamp_url(settings.OCOP_PUBLIC_URL, forged, certified.gtin, "L2"))
    assert data["verdict"] == "counterfeit" and data["reasons"] == ["bad_tag"]


def test_a_code_forged_under_an_unknown_key_is_counterfeit(client, certified, settings):
    b = _issue(certified)
    settings.OCOP_STAMP_KEYS = f"k2:{NEW},k1:{OLD}"
    attacker = StampCodec(b"a key the attacker made up")
    for n in range(b.count):
        data = _scan(client, f"{settings.OCOP_PUBLIC_URL}/t/{attacker.code(b.start + n)}")
        assert data["verdict"] == "counterfeit" and data["reasons"][0] in {"bad_tag", "unknown_serial"}
    # A key removed from the settings: its stamps can no longer be told from forgeries.
    url = next(services.batch_urls(b, 1))
    settings.OCOP_STAMP_KEYS = f"k2:{NEW}"
    assert _scan(client, url)["verdict"] == "counterfeit"


def test_a_retired_key_reads_warning_and_its_producers_are_told(
    client, certified, settings, producer_user, lai_chau_officer, son_la_officer
):
    old = _issue(certified, count=30)
    idle = services.stamps_issue(actor=None, product=certified, count=5)  # printed, not stuck on anything
    url = next(services.batch_urls(old, 1))
    settings.OCOP_STAMP_KEYS, settings.OCOP_STAMP_KEYS_RETIRED = f"k2:{NEW},k1:{OLD}", "k1"
    data = _scan(client, url)
    assert data["verdict"] == "warning" and data["reasons"] == ["key_retired"]
    assert "khóa bảo mật đã ngừng sử dụng" in data["explanations"][0]["message"]
    page = client.get(path_of(url)).content.decode()
    assert 'data-reason="key_retired"' in page and "Cần lưu ý" in page

    with pytest.raises(OcopError) as e:  # no more stamps of those batches go on products
        services.stamps_activate(actor=None, batch=idle, lot_code="L9", produced=TODAY)
    assert e.value.code == "stamp_key_retired"
    fresh = _issue(certified, lot="L3")  # the re-stamping
    assert fresh.key_id == "k2" and _scan(client, next(services.batch_urls(fresh, 1)))["verdict"] == "genuine"

    result = reminders.run(TODAY, mail=False)
    told = Reminder.objects.filter(kind=Reminder.Kind.RESTAMP)
    assert {r.user for r in told} == {producer_user, lai_chau_officer}  # not another province's office
    assert result.created == 2 and "«Chè Shan tuyết Tam Đường»" in told[0].message
    assert "2 đợt" in told[0].message and old.public_id in told[0].message
    assert reminders.run(TODAY, mail=False).created == 0  # told once

    client.login(username=producer_user.username, password=PASSWORD)
    listing = client.get(reverse("traceability:batch_list")).content.decode()
    assert 'data-reason="key_retired"' in listing and "cần dán tem mới" in listing
    detail = client.get(reverse("traceability:batch_detail", args=[old.public_id])).content.decode()
    assert 'data-reason="key_retired"' in detail
    detail = client.get(reverse("traceability:batch_detail", args=[fresh.public_id])).content.decode()
    assert 'data-reason="key_retired"' not in detail


def test_the_rotate_and_retire_commands_print_settings_never_store_them(certified, settings):
    old = _issue(certified)
    out, err = io.StringIO(), io.StringIO()
    call_command("stamps", "rotate-key", stdout=out, stderr=err)
    (line,) = out.getvalue().splitlines()
    name, _eq, value = line.partition("=")
    keys = stampkeys.parse_keys(value)
    assert name == "OCOP_STAMP_KEYS" and [k for k, _s in keys] == ["k2", "k1"] and keys[1][1] == OLD
    assert len(keys[0][1]) >= 48 and keys[0][1] not in err.getvalue()
    with pytest.raises(CommandError, match="đang phát hành"):
        call_command("stamps", "retire-key", "--key", "k1", stdout=io.StringIO(), stderr=io.StringIO())

    settings.OCOP_STAMP_KEYS = value  # the operator sets it and restarts
    assert services.batch_serial(old, 1) == StampCodec(OLD.encode()).code(old.start)
    out = io.StringIO()
    call_command("stamps", "retire-key", "--key", "k1", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "OCOP_STAMP_KEYS_RETIRED=k1"
    settings.OCOP_STAMP_KEYS_RETIRED = "k1"
    out = io.StringIO()
    call_command("stamps", "keys", "--json", stdout=out)
    assert json.loads(out.getvalue())["keys"] == [
        {"id": "k2", "status": "current", "batches": 0, "stamps": 0},
        {"id": "k1", "status": "retired", "batches": 1, "stamps": 20},
    ]
    out = io.StringIO()  # a leak: a new key, and the one in use retired at once
    call_command("stamps", "rotate-key", "--retire-current", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("OCOP_STAMP_KEYS=k3:") and lines[1] == "OCOP_STAMP_KEYS_RETIRED=k1,k2"


def test_batches_issued_before_key_ids_get_the_key_they_were_made_with(certified, settings):
    from django.apps import apps

    b = _issue(certified)
    migration = importlib.import_module("ocop.traceability.migrations.0003_stamp_batch_key_id")
    StampBatch.objects.update(key_id="")
    migration.legacy_key_id(apps, None)
    assert StampBatch.objects.get(pk=b.pk).key_id == "k1"
    settings.OCOP_STAMP_KEYS = f"main:{OLD}"  # the old secret already listed under its own id
    migration.legacy_key_id(apps, None)
    assert StampBatch.objects.get(pk=b.pk).key_id == "main"


@pytest.mark.parametrize(
    ("keys", "retired", "problem"),
    [
        ("k2", "", "phải có dạng"),
        ("K2:" + NEW, "", "phải có dạng"),
        ("k2:short", "", "quá ngắn"),
        (f"k2:{NEW},k2:{OLD}", "", "trùng"),
        (f"k2:{NEW},k1:{OLD}", "k2", "không thể ngừng dùng"),
        (f"k2:{NEW},k1:{OLD}", "k7", "không có trong OCOP_STAMP_KEYS"),
    ],
)
def test_bad_key_settings_are_refused_with_what_to_fix(settings, keys, retired, problem):
    settings.OCOP_STAMP_KEYS, settings.OCOP_STAMP_KEYS_RETIRED = keys, retired
    with pytest.raises(ImproperlyConfigured, match=problem):
        services.keyring()
    (error,) = checks.stamp_keys(None)  # `ocop check` says so before the first scan does
    assert error.id == "ocop.E010" and problem in error.msg


def test_key_ids_are_never_reused():
    assert stampkeys.next_id({"k1"}) == "k2"
    assert stampkeys.next_id({"k2", "k1", "main"}) == "k3"
    assert stampkeys.next_id({"main"}) == "k1"
