"""The public side of a stamp: the scan page (the URL in the QR), its JSON twin, the consumer's report of
a suspected fake, the shared location, and the manual check by typing a code. No login, no session."""

import dataclasses
import datetime
import html
import re
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ocop.core import throttle
from ocop.core.errors import OcopError
from ocop.core.http import same_site_path

from . import services
from .stampcode import normalize

SIGNER = signing.TimestampSigner(salt="ocop.scan")
LOCATION_MAX_AGE = 3600  # a location may be shared within an hour of the scan


def _wants_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


# The device token (services.fingerprint): random, first-party, set by the first scan and kept for the
# longest a browser allows a cookie (400 days). Only this site reads it: HttpOnly, SameSite=Lax, Secure
# over HTTPS. No consent banner is needed for it: it serves the stamp check the consumer asked for.
DEVICE_COOKIE = "ocop_thiet_bi"
DEVICE_MAX_AGE = 400 * 24 * 3600
_DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _device(request) -> tuple[str, bool]:
    """The device token of the request's cookie, or a new one (True: to be set on the response)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if _DEVICE_RE.fullmatch(token):
        return token, False
    return secrets.token_urlsafe(16), True


def _keep_device(request, response, token: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def verdict_json(v: services.Verdict, today: datetime.date | None = None) -> dict:
    product, cert, lot = v.product, v.certificate, v.lot
    return {
        "verdict": v.verdict,
        "reasons": list(v.reasons),
        "explanations": v.messages(),
        "stamp": {"code": v.code, "number": v.number, "batch": v.batch.public_id} if v.batch else None,
        "product": (
            {
                "code": product.code,
                "name": product.name,
                "star": cert.star if cert else product.star,
                "gtin": product.gtin or None,
                "producer": product.producer.name,
                "commune": product.commune.name,
                "province": product.commune.province.name,
            }
            if product
            else None
        ),
        "certificate": (
            {
                "number": cert.number,
                "star": cert.star,
                "score": float(cert.score) if cert.score is not None else None,
                # What the certificate vouches for, as at the decision (the product may be renamed since).
                "product_name": cert.product_name,
                "product_code": cert.product_code or None,
                "producer": cert.producer_name,
                "producer_address": cert.producer_address,
                "place": cert.place,
                "product_set": (
                    {"number": cert.set_number, "name": cert.set_name} if cert.set_number else None
                ),
                "status": v.certificate_status,
                "issued_on": cert.issued_on.isoformat(),
                "valid_until": cert.valid_until.isoformat(),
                "revoked_on": cert.revoked_on.isoformat() if cert.revoked_on else None,
                "url": settings.OCOP_PUBLIC_URL + reverse("certificate", args=[cert.number]),
            }
            if cert
            else None
        ),
        "lot": (
            {
                "code": lot.code,
                "produced": lot.produced.isoformat(),
                "expires": lot.expires.isoformat() if lot.expires else None,
                "events": [
                    {
                        "kind": e.kind,
                        "date": e.occurred_on.isoformat(),
                        "place": e.place,
                        "actor": e.actor,
                        "note": e.note,
                    }
                    for e in lot.events.all()
                ],
            }
            if lot
            else None
        ),
    }


def scan(request, path: str = ""):
    """GET /t/CODE or /01/GTIN/10/LOT/21/CODE: the verdict in one glance, or JSON for machines."""
    path = request.path
    device, new_device = _device(request)
    v, row = services.scan(path, address=throttle.client_address(request), device=device)
    status = 404 if v.reasons == ["malformed"] else 200
    if _wants_json(request):
        response = JsonResponse(verdict_json(v), status=status, json_dumps_params={"ensure_ascii": False})
    else:
        token = SIGNER.sign(f"{row.stamp}|{row.scanned_at.isoformat()}|{row.fingerprint}") if v.batch else ""
        response = HttpResponse(_page(request, v, token, path), status=status)
    if new_device:
        _keep_device(request, response, device)
    return response


# The scan page is the same for every stamp of an activated range, verdict and language except for a few
# per-request values. It is rendered once with these markers in their place (letters and digits only, so
# HTML and JS escaping leave them intact; random per process, so no product text can contain them) and each
# scan replaces them with its own escaped values: a template render costs more than the rest of a scan.
_MARK = "ocop" + secrets.token_hex(8)
_HOLES = {name: f"{_MARK}{name}" for name in ("code", "number", "token", "path", "next")}
_HOLE_RE = re.compile(_MARK + "(code|number|token|path|next)")
_bare_pages: dict[tuple, list[str]] = {}  # pages without a batch: a few reasons × languages


def _page(request, v: services.Verdict, token: str, path: str) -> str:
    key = (v.activation.pk if v.activation else None, tuple(v.reasons), get_language())
    pages = v.card.pages if v.card else _bare_pages
    parts = pages.get(key)
    if parts is None:
        # Text and hole names alternate (text, name, text, … text): a scan fills the odd places and joins,
        # instead of searching the whole page for the markers again.
        parts = _HOLE_RE.split(render_to_string("traceability/scan.html", _page_context(v)))
        pages[key] = parts
    values = {
        "code": html.escape(v.code),
        "number": str(v.number or ""),
        "token": html.escape(token),
        "path": html.escape(path),
        "next": quote(request.get_full_path(), safe="/"),
    }
    filled = parts.copy()
    for i in range(1, len(filled), 2):
        filled[i] = values[filled[i]]
    return "".join(filled)


def _page_context(v: services.Verdict) -> dict:
    marked = dataclasses.replace(v, code=_HOLES["code"], number=_HOLES["number"] if v.number else None)
    context = {
        "v": marked,
        "product": v.product,
        "token": _HOLES["token"],
        "path": _HOLES["path"],
        "next_path": _HOLES["next"],
    }
    if v.product:
        cert, lot = v.certificate, v.lot
        context |= {
            "certificate": cert,
            "star": cert.star if cert else v.product.star,
            "lot": lot,
            "events": list(lot.events.all()) if lot else [],
            "photo": v.card.photo,
            "links": v.card.links,
        }
    return context


@csrf_exempt  # a consumer's phone has no session; the signed token ties the location to one scan
@require_POST
def locate(request):
    try:
        stamp, when, fp = SIGNER.unsign(request.POST.get("token", ""), max_age=LOCATION_MAX_AGE).split("|")
        lat, lon = float(request.POST.get("lat", "")), float(request.POST.get("lon", ""))
        province = services.scan_locate(int(stamp), datetime.datetime.fromisoformat(when), fp, lat, lon)
    except (signing.BadSignature, ValueError):
        return JsonResponse({"code": "invalid", "message": _("Vị trí không hợp lệ.")}, status=400)
    except OcopError as e:
        return JsonResponse(e.as_dict(), status=e.status)
    return JsonResponse({"ok": True, "province": province})


@csrf_exempt  # reachable from any phone that scanned a stamp; no account, nothing but a report is written
@require_POST
def report(request):
    path = request.POST.get("path", "")[:300]
    # The way back is a link on the page: only a path of this site, never another site or a scheme.
    back = same_site_path(path, reverse("stamp_check"))
    try:
        services.fake_report(
            path,
            note=request.POST.get("note", "")[:1000],
            contact=request.POST.get("contact", ""),
            address=throttle.client_address(request),
            device=_device(request)[0],
        )
    except OcopError as e:
        if e.code == "rate_limited":
            return throttle.too_many(request, e.details["limit"], e.details["retry_after"])
        return render(
            request, "traceability/report_done.html", {"error": e.message, "back": back}, status=400
        )
    return render(request, "traceability/report_done.html", {"back": back})


def check(request):
    """Kiểm tra tem: type the code printed under the QR."""
    code = request.GET.get("ma", "")
    if code:
        clean = normalize(code)
        if clean and clean.isalnum():
            return HttpResponseRedirect(reverse("stamp_scan", kwargs={"path": clean}))
        return render(request, "traceability/check.html", {"code": code, "error": True}, status=400)
    return render(request, "traceability/check.html", {})
