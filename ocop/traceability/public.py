"""The public side of a stamp: the scan page (the URL in the QR), its JSON twin, the consumer's report of
a suspected fake, the shared location, and the manual check by typing a code. No login, no session."""

import datetime

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ocop.core.errors import OcopError

from . import services
from .stampcode import normalize

SIGNER = signing.TimestampSigner(salt="ocop.scan")
LOCATION_MAX_AGE = 3600  # a location may be shared within an hour of the scan


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _client(request) -> tuple[str, str]:
    return request.META.get("REMOTE_ADDR", ""), request.headers.get("User-Agent", "")[:300]


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
    address, agent = _client(request)
    v, event = services.scan(path, address=address, user_agent=agent)
    status = 404 if v.reasons == ["malformed"] else 200
    if _wants_json(request):
        return JsonResponse(verdict_json(v), status=status, json_dumps_params={"ensure_ascii": False})
    product = v.product
    context = {
        "v": v,
        "product": product,
        "lot": v.lot,
        "events": list(v.lot.events.all()) if v.lot else [],
        "photo": product.photos.first() if product else None,
        "links": list(product.ecommerce_links.all()) if product else [],
        "star": (v.certificate.star if v.certificate else product.star) if product else None,
        "token": SIGNER.sign(f"{event.pk}|{event.scanned_at.isoformat()}"),
        "path": path,
    }
    return render(request, "traceability/scan.html", context, status=status)


@csrf_exempt  # a consumer's phone has no session; the signed token ties the location to one scan
@require_POST
def locate(request):
    try:
        event_id, when = SIGNER.unsign(request.POST.get("token", ""), max_age=LOCATION_MAX_AGE).split("|", 1)
        lat, lon = float(request.POST.get("lat", "")), float(request.POST.get("lon", ""))
        province = services.scan_locate(int(event_id), datetime.datetime.fromisoformat(when), lat, lon)
    except (signing.BadSignature, ValueError):
        return JsonResponse({"code": "invalid", "message": _("Vị trí không hợp lệ.")}, status=400)
    except OcopError as e:
        return JsonResponse(e.as_dict(), status=e.status)
    return JsonResponse({"ok": True, "province": province})


@csrf_exempt  # reachable from any phone that scanned a stamp; no account, nothing but a report is written
@require_POST
def report(request):
    path = request.POST.get("path", "")[:300]
    # The way back is a link on the page: only a path of this site, never a scheme such as javascript:.
    back = path if path.startswith("/") and not path.startswith("//") else reverse("stamp_check")
    try:
        services.fake_report(
            path, note=request.POST.get("note", "")[:1000], contact=request.POST.get("contact", "")
        )
    except OcopError as e:
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
