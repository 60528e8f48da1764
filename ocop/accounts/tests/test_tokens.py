"""API keys: created once and stored hashed, read/write scopes, the owner's region, expiry and revocation,
the "Khóa API" page and `ocop tokens`."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from ocop.accounts import services
from ocop.accounts.models import ApiToken
from ocop.core.errors import OcopError
from ocop.core.models import AuditEntry

IN_30_DAYS = timezone.localdate() + datetime.timedelta(days=30)


def _token(owner, scopes=("read",), **kw):
    return services.token_create(
        actor=owner, owner=owner, name="Cổng dữ liệu tỉnh", scopes=list(scopes), expires_on=IN_30_DAYS, **kw
    )[1]


def _get(client, url, key):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_key_is_shown_once_and_stored_hashed(lai_chau_officer):
    token, key = services.token_create(
        actor=lai_chau_officer, owner=lai_chau_officer, name="Cổng", scopes=["read"], expires_on=IN_30_DAYS
    )
    prefix, secret = key.split("_", 2)[1:]
    assert key.startswith("ocop_") and token.prefix == prefix and len(secret) >= 40
    row = ApiToken.objects.get(pk=token.pk)
    assert secret not in row.secret_hash and len(row.secret_hash) == 64
    assert AuditEntry.objects.filter(action="accounts.token_create", object_id=str(token.pk)).count() == 1


def test_a_read_key_reads_only_its_owners_province(
    client, lai_chau_officer, lai_chau_product, son_la_product
):
    key = _token(lai_chau_officer)
    r = _get(client, "/api/v1/products", key)
    assert r.status_code == 200
    names = json.dumps(r.json(), ensure_ascii=False)
    assert lai_chau_product.name in names and son_la_product.name not in names
    assert _get(client, f"/api/v1/products/{lai_chau_product.public_id}", key).status_code == 200
    assert _get(client, f"/api/v1/products/{son_la_product.public_id}", key).status_code == 404
    assert ApiToken.objects.get().last_used_at is not None


def test_a_read_key_cannot_write(client, lai_chau_officer, lai_chau_commune):
    key = _token(lai_chau_officer)
    r = client.post(
        "/api/v1/producers",
        {"name": "HTX Mới", "type": "htx", "commune_code": lai_chau_commune.code},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 403 and r.json()["code"] == "token_scope"
    assert "không có quyền" in r.json()["message"]


def test_a_write_key_writes_without_csrf_as_its_owner(lai_chau_officer, lai_chau_commune):
    key = _token(lai_chau_officer, scopes=("read", "write"))
    client = Client(enforce_csrf_checks=True)
    r = client.post(
        "/api/v1/producers",
        {"name": "HTX Mới", "type": "htx", "commune_code": lai_chau_commune.code},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 201, r.content
    entry = AuditEntry.objects.filter(object_type="registry.producer").latest("at")
    assert entry.actor == lai_chau_officer


def test_a_write_key_cannot_write_in_another_province(client, lai_chau_officer, son_la_commune):
    key = _token(lai_chau_officer, scopes=("read", "write"))
    r = client.post(
        "/api/v1/producers",
        {"name": "HTX Sơn La", "type": "htx", "commune_code": son_la_commune.code},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code in (403, 404)


def test_session_still_works_and_still_needs_csrf_to_write(lai_chau_officer, lai_chau_commune):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lai_chau_officer)
    assert client.get("/api/v1/products").status_code == 200
    r = client.post(
        "/api/v1/producers",
        {"name": "HTX Mới", "type": "htx", "commune_code": lai_chau_commune.code},
        content_type="application/json",
    )
    assert r.status_code in (401, 403)


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda key: key[:-2] + ("aa" if not key.endswith("aa") else "bb"), "token_invalid"),
        (lambda key: "ocop_ZZZZZZZZ_" + key.split("_", 2)[2], "token_invalid"),
        (lambda key: "khong-phai-khoa", "token_invalid"),
        (lambda key: "", "token_invalid"),
    ],
)
def test_wrong_keys_get_401(client, lai_chau_officer, mangle, code):
    r = _get(client, "/api/v1/products", mangle(_token(lai_chau_officer)))
    assert r.status_code == 401
    assert r.json()["code"] == code and "Khóa API không đúng" in r.json()["message"]


def test_expired_key_gets_401(client, lai_chau_officer):
    key = _token(lai_chau_officer)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    r = _get(client, "/api/v1/products", key)
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    assert "hết hạn" in r.json()["message"]


def test_revoked_key_gets_401(client, lai_chau_officer):
    key = _token(lai_chau_officer)
    services.token_revoke(actor=lai_chau_officer, token=ApiToken.objects.get())
    r = _get(client, "/api/v1/products", key)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert AuditEntry.objects.filter(action="accounts.token_revoke").count() == 1


def test_a_deactivated_owner_disables_the_key(client, lai_chau_officer):
    key = _token(lai_chau_officer)
    lai_chau_officer.is_active = False
    lai_chau_officer.save()
    assert _get(client, "/api/v1/products", key).status_code == 401


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"name": " "}, "name_required"),
        ({"scopes": []}, "scopes_invalid"),
        ({"scopes": ["admin"]}, "scopes_invalid"),
        ({"expires_on": timezone.localdate()}, "expiry_invalid"),
        ({"expires_on": timezone.localdate() + datetime.timedelta(days=366)}, "expiry_invalid"),
    ],
)
def test_token_create_rules(lai_chau_officer, kw, code):
    args = {"name": "Cổng", "scopes": ["read"], "expires_on": IN_30_DAYS} | kw
    with pytest.raises(OcopError) as exc:
        services.token_create(actor=lai_chau_officer, owner=lai_chau_officer, **args)
    assert exc.value.code == code


def test_one_year_is_the_longest(lai_chau_officer):
    services.token_create(
        actor=None,
        owner=lai_chau_officer,
        name="Cổng",
        scopes=["read"],
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
    )


def test_nobody_else_revokes_or_creates_for_me(lai_chau_officer, son_la_officer):
    _token(lai_chau_officer)
    with pytest.raises(OcopError) as exc:
        services.token_revoke(actor=son_la_officer, token=ApiToken.objects.get())
    assert exc.value.code == "forbidden"
    with pytest.raises(OcopError):
        services.token_create(
            actor=son_la_officer, owner=lai_chau_officer, name="x", scopes=["read"], expires_on=IN_30_DAYS
        )


def test_tokens_page_creates_lists_and_revokes(client, lai_chau_officer, son_la_officer):
    client.force_login(lai_chau_officer)
    r = client.post(
        "/tai-khoan/khoa-api/",
        {"name": "Cổng dữ liệu", "scopes": ["read"], "expires_on": IN_30_DAYS.strftime("%d/%m/%Y")},
    )
    page = r.content.decode()
    key = ApiToken.objects.get()
    shown = page.split('id="new-token"', 1)[1].split("</code>", 1)[0]
    assert f"ocop_{key.prefix}_" in shown
    assert (
        client.get("/api/v1/products", HTTP_AUTHORIZATION="Bearer " + shown.rsplit(">", 1)[1]).status_code
        == 200
    )
    assert f"ocop_{key.prefix}_" not in client.get("/tai-khoan/khoa-api/").content.decode().split("<table")[0]
    # A key of someone else cannot be revoked through the page.
    other = _token(son_la_officer)
    other_prefix = other.split("_")[1]
    assert client.post(f"/tai-khoan/khoa-api/{other_prefix}/thu-hoi/").status_code == 404
    assert client.post(f"/tai-khoan/khoa-api/{key.prefix}/thu-hoi/").status_code == 302
    assert ApiToken.objects.get(pk=key.pk).revoked_at is not None
    assert ApiToken.objects.get(prefix=other_prefix).revoked_at is None


def test_tokens_page_refuses_a_bad_expiry(client, lai_chau_officer):
    client.force_login(lai_chau_officer)
    late = timezone.localdate() + datetime.timedelta(days=400)
    r = client.post("/tai-khoan/khoa-api/", {"name": "x", "scopes": ["read"], "expires_on": late.isoformat()})
    assert "không quá một năm" in r.content.decode() and not ApiToken.objects.exists()


def test_tokens_page_needs_a_login(client, db):
    assert client.get("/tai-khoan/khoa-api/").status_code == 302


def test_cli_create_list_revoke(lai_chau_officer, capsys):
    call_command(
        "tokens", "create", "--user", "laichau", "--name", "Kho dữ liệu", "--scopes", "read,write", "--json"
    )
    created = json.loads(capsys.readouterr().out)
    assert created["scopes"] == ["read", "write"] and created["token"].startswith(
        f"ocop_{created['prefix']}_"
    )
    call_command("tokens", "list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert [t["prefix"] for t in listed] == [created["prefix"]] and "token" not in listed[0]
    call_command("tokens", "revoke", created["token"])
    assert "Đã thu hồi" in capsys.readouterr().out
    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(CommandError):
        call_command("tokens", "revoke", created["prefix"])  # already revoked
    with pytest.raises(CommandError):
        call_command("tokens", "create", "--user", "laichau", "--name", "x", "--days", "400")
    with pytest.raises(CommandError):
        call_command("tokens", "create", "--user", "khongcoai", "--name", "x")


def test_admin_shows_keys_without_their_hash(client, national, lai_chau_officer):
    national.is_staff = national.is_superuser = True
    national.save()
    _token(lai_chau_officer)
    token = ApiToken.objects.get()
    client.force_login(national)
    page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in page and token.secret_hash not in page


@pytest.mark.parametrize("prefix", ["ABC%00DEFG", "x" * 5000, "abcdefgh"])
def test_revoke_url_with_a_malformed_prefix_is_refused(client, lai_chau_officer, prefix):
    client.force_login(lai_chau_officer)
    # 400: a NUL byte in a path may be refused before the view (another middleware); never a 500.
    assert client.post(f"/tai-khoan/khoa-api/{prefix}/thu-hoi/").status_code in (400, 404)
