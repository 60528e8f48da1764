"""PDF label sheets for a stamp batch: A4, common sticker layouts, one QR per label.

Fast by construction: the parts every label shares (product name, stars, the OCOP mark) are drawn once
as a form and reused; each QR is a 1-bit image mask written straight into the page (zxing-cpp encodes,
no raster image library in the loop); only the code and the stamp number are text per label.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import zxingcpp
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from ocop.core import pdffonts

from .stampcode import display

_BITS = bytes.maketrans(b"\x00\xff", b"01")


@dataclass(frozen=True)
class Layout:
    key: str
    label: object  # lazily translated
    cols: int
    rows: int
    width: float  # mm
    height: float
    margin_left: float
    margin_top: float
    gap_x: float = 0.0
    gap_y: float = 0.0


LAYOUTS = {
    layout.key: layout
    for layout in (
        Layout("a4-24", gettext_lazy("A4 · 24 nhãn 70 × 37 mm (3 × 8)"), 3, 8, 70, 37, 0, 0.5),
        Layout("a4-40", gettext_lazy("A4 · 40 nhãn 52,5 × 29,7 mm (4 × 10)"), 4, 10, 52.5, 29.7, 0, 0),
        Layout(
            "a4-65",
            gettext_lazy("A4 · 65 nhãn 38,1 × 21,2 mm (5 × 13)"),
            5,
            13,
            38.1,
            21.2,
            4.65,
            10.7,
            2.5,
            0,
        ),
    )
}


def qr_matrix(text: str) -> tuple[int, bytes]:
    """The QR modules of `text` (error correction M, no quiet zone): side and one byte per module,
    0 = dark, 255 = light."""
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False
    )
    return image.shape[1], bytes(image)


def image_mask(side: int, modules: bytes) -> str:
    """The modules as the hex data of a 1-bit PDF image mask (bit 0 paints): rows padded to whole bytes."""
    bits = modules.translate(_BITS).decode()
    pad = "1" * (-side % 8)
    padded = pad.join(bits[r : r + side] for r in range(0, side * side, side)) + pad
    return int(padded, 2).to_bytes(len(padded) // 8).hex()


def _shared_form(c: canvas.Canvas, layout: Layout, name: str, star: int | None, qr: float) -> None:
    """What every label of the batch shows besides its QR and code, drawn once."""
    w, h = layout.width * mm, layout.height * mm
    text_x, right = qr + 4.5 * mm, w - 1.5 * mm
    c.beginForm("shared", lowerx=0, lowery=0, upperx=w, uppery=h)
    small = layout.height < 25
    c.setFont("DejaVuSans-Bold", 7 if small else 9)
    c.drawString(text_x, h - (3.2 if small else 4.5) * mm, "OCOP" + (" " + "★" * star if star else ""))
    size = 5 if small else 6.5
    c.setFont("DejaVuSans", size)
    lines, line = [], ""
    for word in name.split():
        trial = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(trial, "DejaVuSans", size) <= right - text_x:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    y = h - (6.2 if small else 8.5) * mm
    for text in lines[: 2 if small else 3]:
        c.drawString(text_x, y, text)
        y -= size + 1.5
    if not small:
        c.setFont("DejaVuSans", 5)
        c.drawString(text_x, 6.5 * mm, _("Mỗi xã một sản phẩm · quét để kiểm tra"))
    c.endForm()


def render(
    out,
    urls: Iterable[tuple[int, str, str]],
    *,
    total: int,
    product_name: str,
    star: int | None,
    layout: Layout = LAYOUTS["a4-24"],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the sheets to `out` (a path or a binary file). `urls` yields (stamp number, code, URL).
    Returns the number of labels."""
    pdffonts.register()
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(_("Tem OCOP — %s") % product_name)
    per_page = layout.cols * layout.rows
    w, h = layout.width * mm, layout.height * mm
    qr = min(h - 6 * mm, w * 0.42)
    _shared_form(c, layout, product_name, star, qr)
    code_font = 5.5 if layout.height >= 25 else 4.5
    page_h = A4[1]
    form = c._doc.getXObjectName("shared")
    code_y = 3.2 * mm if layout.height >= 25 else 1.5 * mm
    number_y = (1.2 if layout.height >= 25 else 4) * mm
    code_font_name = c._doc.getInternalFontName("Courier-Bold")
    number_font_name = c._doc.getInternalFontName("Helvetica")
    n = 0
    for number, code, url in urls:
        slot = n % per_page
        if slot == 0 and n:
            c.showPage()
        col, row = slot % layout.cols, slot // layout.cols
        x = (layout.margin_left + col * (layout.width + layout.gap_x)) * mm
        y = page_h - (layout.margin_top + (row + 1) * layout.height + row * layout.gap_y) * mm
        if slot == 0:
            c._formsinuse.append("shared")  # the page's resources name the shared form
        side, modules = qr_matrix(url)
        tag = f"#{number}"
        tag_x = x + w - 1.5 * mm - pdfmetrics.stringWidth(tag, "Helvetica", 4)
        # Raw page operators (reportlab has no inline image mask, and its text calls cost more than the
        # QR): place the shared form, then the QR, then the code and the number (ASCII, nothing to escape).
        c._code.append(
            f"q 1 0 0 1 {x:.2f} {y:.2f} cm /{form} Do "
            f"{qr:.2f} 0 0 {qr:.2f} {3 * mm:.2f} {(h - qr) / 2:.2f} cm "
            f"BI /W {side} /H {side} /IM true /BPC 1 /F /AHx ID {image_mask(side, modules)}> EI Q "
            f"BT {code_font_name} {code_font} Tf 1 0 0 1 {x + qr + 4.5 * mm:.2f} {y + code_y:.2f} Tm "
            f"({display(code)}) Tj {number_font_name} 4 Tf 1 0 0 1 {tag_x:.2f} {y + number_y:.2f} Tm "
            f"({tag}) Tj ET"
        )
        n += 1
        if progress and n % 500 == 0:
            progress(500)
    if progress and n % 500:
        progress(n % 500)
    if n == 0:
        c.setFont("DejaVuSans", 10)
        c.drawString(20 * mm, page_h - 20 * mm, _("Không có tem nào."))
    c.save()
    return n
