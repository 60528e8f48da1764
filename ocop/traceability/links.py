"""What the QR of a stamp encodes, and reading it back. Pure Python (biip for GS1).

With a GTIN: a GS1 Digital Link URI on our host, keys in canonical order —
    https://HOST/01/{GTIN-14}[/10/{lot}]/21/{code}
where {code} is the 14-character stamp code, whose last six characters are the keyed tag (so the URI stays
plain GS1 and any GS1 resolver can read it). The lot is present once the stamp's range is activated.
Without a GTIN: the short link https://HOST/t/{code}.
"""

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from ocop.registry.gtin import is_valid_gtin

# Lot codes: GS1 AI (10) allows up to 20 characters of CSET 82; we keep the URL-safe part of it.
LOT_RE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")


class LinkError(ValueError):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Link:
    code: str
    gtin: str = ""
    lot: str = ""


def stamp_url(base: str, code: str, gtin: str = "", lot: str = "") -> str:
    base = base.rstrip("/")
    if not gtin:
        return f"{base}/t/{code}"
    lot_part = f"/10/{quote(lot, safe='')}" if lot else ""
    return f"{base}/01/{gtin.zfill(14)}{lot_part}/21/{code}"


def parse_path(path: str) -> Link:
    """Read the path of a scanned URL (/t/CODE or a GS1 Digital Link). Raises LinkError with a code:
    not_a_stamp_link, bad_gtin, non_canonical, missing_serial."""
    path = "/" + path.strip().lstrip("/").split("?", 1)[0].split("#", 1)[0]
    if path.startswith("/t/"):
        code = unquote(path[3:]).strip("/")
        # A decoded %00 reached PostgreSQL (which refuses NUL in text) through a consumer's fake report.
        if not code or "/" in code or not code.isprintable():
            raise LinkError("not_a_stamp_link")
        return Link(code=code)
    if not path.startswith("/01/"):
        raise LinkError("not_a_stamp_link")
    m = _CANONICAL_TAIL.match(path)
    if m:  # the form we print: biip checks the product and lot part once per process, not per stamp
        gtin, lot = _product_part(m[1])
        return Link(code=m[2], gtin=gtin, lot=lot)
    return _parse_gs1(path)


# Our own links end in /21/{stamp code}; the code itself is checked by the stamp codec.
_CANONICAL_TAIL = re.compile(r"^(/01/[^/]+(?:/10/[^/]+)?)/21/([A-Za-z0-9]{1,20})$")


@functools.lru_cache(maxsize=4096)
def _product_part(prefix: str) -> tuple[str, str]:
    link = _parse_gs1(prefix + "/21/0")
    return link.gtin, link.lot


def _parse_gs1(path: str) -> Link:
    try:
        uri = GS1DigitalLinkURI.parse("https://host" + path)
    except (ParseError, ValueError) as exc:
        raise LinkError("non_canonical", str(exc)) from exc
    values = {es.ai.ai: es.value for es in uri.element_strings}
    gtin = values.get("01", "")
    if not is_valid_gtin(gtin):
        raise LinkError("bad_gtin", gtin)
    if "21" not in values:
        raise LinkError("missing_serial")
    return Link(code=values["21"], gtin=gtin, lot=values.get("10", ""))


def path_of(url: str) -> str:
    """The path of a full URL a marketplace sends us (scheme and host ignored)."""
    m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*(/.*)?$", url.strip())
    return (m.group(1) or "/") if m else url.strip()
