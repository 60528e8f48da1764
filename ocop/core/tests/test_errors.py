"""Errors of the pure modules: a stable code and params, a msgid translated where the message is read, and
no Django import in the modules that raise them."""

import subprocess
import sys

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from ocop.core import errors, ratelimit
from ocop.traceability import stampcode, stampkeys

PURE = [
    "ocop.core.errors",
    "ocop.core.codes",
    "ocop.core.textfold",
    "ocop.core.textclean",
    "ocop.core.workdays",
    "ocop.core.ratelimit",
    "ocop.core.uploads",
    "ocop.core.images",
    "ocop.core.vnmap",
    "ocop.registry.gtin",
    "ocop.evaluation.rubric",
    "ocop.evaluation.scoring",
    "ocop.evaluation.advisor",
    "ocop.traceability.stampcode",
    "ocop.traceability.stampkeys",
    "ocop.traceability.links",
    "ocop.traceability.places",
    "ocop.monitoring.checklist",
    "ocop.monitoring.effectiveness",
    "ocop.monitoring.priority",
    "ocop.accounts.totp",
    "ocop.catalogue.jsonld",
    "ocop.reporting.charts",
]


def test_the_pure_modules_import_nothing_from_django():
    probe = (
        f"import sys\nfor m in {PURE!r}: __import__(m)\n"
        "print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


@pytest.fixture
def english(monkeypatch):
    catalog = trans_real.translation("en")._catalog._catalogs[0]

    def add(msgid: str, text: str) -> None:
        monkeypatch.setitem(catalog, msgid, text)

    return add


def test_a_msgid_is_translated_when_read_not_when_raised(english):
    msgid = errors.gettext_noop("Bí mật của khóa «%(id)s» quá ngắn")
    english(msgid, "The secret of key «%(id)s» is too short")
    e = errors.OcopError("demo", msgid, params={"id": "k2"})  # raised under Vietnamese…
    with translation.override("en"):  # … read by an English user
        assert e.message == str(e) == "The secret of key «k2» is too short"
        assert e.as_dict() == {"code": "demo", "message": "The secret of key «k2» is too short"}
    assert e.message == "Bí mật của khóa «k2» quá ngắn"
    # A service's message, translated by the service itself, is left as it is (even with a % in it).
    assert errors.OcopError("demo", "100% xong").message == "100% xong"


def test_stamp_keys_say_a_code_and_params(english):
    with pytest.raises(stampkeys.StampKeyError) as e:
        stampkeys.keyring("k2:short", "", "")
    assert e.value.code == "stamp_key_short" and e.value.params == {"id": "k2", "min": stampkeys.MIN_SECRET}
    assert isinstance(e.value, ValueError)  # as before, for whoever catches ValueError
    english(e.value._message, "The secret of key «%(id)s» is too short: at least %(min)s characters.")
    with translation.override("en"):
        said = str(e.value)
    assert said == f"The secret of key «k2» is too short: at least {stampkeys.MIN_SECRET} characters."
    with pytest.raises(stampkeys.StampKeyError) as e:
        stampkeys.keyring("k2:" + "x" * 40, "", "k1")
    assert e.value.code == "stamp_keys_retired_unknown" and e.value.params == {"ids": "k1"}


def test_stamp_codes_and_rate_limit_settings_say_a_code_and_params():
    with pytest.raises(stampcode.CodeError) as e:
        stampcode.StampCodec(b"k" * 32).decode("abc")
    assert e.value.code == "stamp_code_malformed" and e.value.params == {"text": "ABC"}
    with pytest.raises(ratelimit.SettingError) as e:
        ratelimit.parse_limits("scna=5/10")
    assert e.value.code == "rate_limit_unknown" and e.value.params["name"] == "scna"
    with pytest.raises(ratelimit.SettingError) as e:
        ratelimit.parse_networks("nginx")
    assert e.value.code == "trusted_proxy_invalid" and e.value.params == {"item": "nginx"}
