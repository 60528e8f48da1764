"""API keys from the command line (the same services as the "Khóa API" page).

ocop tokens create --user USERNAME --name NAME [--scopes read,write] [--days 90] [--json]
ocop tokens list [--user USERNAME] [--json]
ocop tokens revoke PREFIX
"""

import datetime
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ocop.accounts import services
from ocop.accounts.models import ApiToken
from ocop.core.errors import OcopError


class Command(BaseCommand):
    help = "Khóa API cho hệ thống tích hợp: tạo, liệt kê, thu hồi."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("create", help="Tạo khóa (in ra một lần duy nhất)")
        p.add_argument(
            "--user", required=True, help="Tên đăng nhập của chủ khóa (khóa dùng địa bàn của người này)"
        )
        p.add_argument("--name", required=True)
        p.add_argument("--scopes", default="read", help="read, write hoặc read,write")
        p.add_argument("--days", type=int, default=90, help="Số ngày hiệu lực (tối đa 365)")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("list", help="Liệt kê khóa (không bao giờ in bí mật)")
        p.add_argument("--user")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("revoke", help="Thu hồi khóa theo tiền tố")
        p.add_argument("prefix", help="Tiền tố 8 ký tự, hoặc cả khóa ocop_XXXXXXXX_…")

    def handle(self, action, **opts):
        try:
            return getattr(self, f"_{action}")(**opts)
        except OcopError as e:
            raise CommandError(e.message, returncode=2) from None

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có người dùng «%(u)s».") % {"u": username}, returncode=2)
        return user

    def _create(self, user, name, scopes, days, json, **opts):
        owner = self._user(user)
        token, key = services.token_create(
            actor=None,
            owner=owner,
            name=name,
            scopes=[s.strip() for s in scopes.split(",") if s.strip()],
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
        )
        if json:
            self._json({**self._row(token), "token": key})
        else:
            self.stdout.write(key)
            self.stderr.write(
                _("Khóa «%(name)s» của %(user)s, hết hạn %(date)s. Chép ngay: khóa không được in lại.")
                % {
                    "name": token.name,
                    "user": owner.username,
                    "date": f"{timezone.localtime(token.expires_at):%d/%m/%Y}",
                }
            )

    def _list(self, user, json, **opts):
        rows = ApiToken.objects.select_related("owner").order_by("owner__username", "-created_at")
        if user:
            rows = rows.filter(owner=self._user(user))
        data = [self._row(t) for t in rows]
        if json:
            self._json(data)
            return
        for r in data:
            state = (
                _("đã thu hồi")
                if r["revoked_at"]
                else (pgettext("key state", "hết hạn") if r["expired"] else _("còn hiệu lực"))
            )
            self.stdout.write(
                f"ocop_{r['prefix']}_…  {r['owner']:<16} {','.join(r['scopes']):<11} {r['expires_at'][:10]}  "
                f"{state}  {r['name']}"
            )

    def _revoke(self, prefix, **opts):
        parts = prefix.strip().split("_")
        key = parts[1] if len(parts) >= 2 and parts[0] == "ocop" else prefix.strip()
        token = ApiToken.objects.filter(prefix=key.upper()).first()
        if token is None:
            raise CommandError(_("Không có khóa tiền tố «%(p)s».") % {"p": key}, returncode=2)
        services.token_revoke(actor=None, token=token)
        self.stdout.write(
            _("Đã thu hồi khóa «%(name)s» (ocop_%(p)s_…).") % {"name": token.name, "p": token.prefix}
        )

    @staticmethod
    def _row(t: ApiToken) -> dict:
        return {
            "prefix": t.prefix,
            "name": t.name,
            "owner": t.owner.username,
            "scopes": t.scopes,
            "created_at": t.created_at.isoformat(),
            "expires_at": timezone.localtime(t.expires_at).isoformat(),
            "expired": t.expires_at <= timezone.now(),
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        }

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
