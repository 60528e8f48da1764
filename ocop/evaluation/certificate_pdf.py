"""The certificate as a one-page A4 PDF with a QR code pointing to its public page.

Fonts: DejaVu Sans (vendored under ocop/core/fonts) so that Vietnamese renders on any machine."""

import io

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from ocop.core import pdffonts

GREEN, GOLD, INK = HexColor("#1f7a3a"), HexColor("#d99a00"), HexColor("#1d2433")


def draw_qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR modules as filled squares (vector, sharp at any print size)."""
    matrix = segno.make(data, error="m", micro=False).matrix
    n = len(matrix) + 8  # quiet zone of 4 modules each side
    m = size / n
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x + (col + 4) * m, y + size - (r + 5) * m, m, m, stroke=0, fill=1)


def render(cert, url: str) -> bytes:
    """PDF bytes of the certificate; `url` is the public page the QR code opens."""
    pdffonts.register()
    buf = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(f"Giấy chứng nhận OCOP {cert.number}")
    c.setStrokeColor(GREEN)
    c.setLineWidth(6)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(1.5)
    c.rect(36, 36, width - 72, height - 72)
    c.setFillColor(GREEN)
    c.setFont("DejaVuSans-Bold", 15)
    c.drawCentredString(width / 2, height - 80, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont("DejaVuSans", 12)
    c.drawCentredString(width / 2, height - 98, "Độc lập - Tự do - Hạnh phúc")
    c.setFont("DejaVuSans-Bold", 26)
    c.drawCentredString(width / 2, height - 150, "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP")
    c.setFillColor(GOLD)
    c.setFont("DejaVuSans-Bold", 34)
    c.drawCentredString(width / 2, height - 198, "★" * cert.star)
    c.setFillColor(INK)
    c.setFont("DejaVuSans-Bold", 22)
    # What was certified at the decision (the snapshot), not the product as it is named today.
    c.drawCentredString(width / 2, height - 245, cert.product_name[:60])
    c.setFont("DejaVuSans", 13)
    lines = [
        *([f"Mã số sản phẩm: {cert.product_code}"] if cert.product_code else []),
        *([f"Bộ sản phẩm: {cert.set_number}. {cert.set_name}"] if cert.set_number else []),
        f"Chủ thể: {cert.producer_name}",
        f"Địa chỉ: {cert.producer_address}",
        f"Đạt hạng {cert.star} sao"
        + (f" ({cert.score} điểm)" if cert.score is not None else "")
        + f" theo Quyết định số {cert.decision_number} ngày {cert.decision_date:%d/%m/%Y}",
        f"Số giấy chứng nhận: {cert.number}",
        f"Có hiệu lực từ {cert.issued_on:%d/%m/%Y} đến {cert.valid_until:%d/%m/%Y}",
    ]
    y = height - 280
    for line in lines:
        c.drawString(90, y, line[:95])
        y -= 20
    if cert.revoked_on:
        c.setFillColor(HexColor("#b42318"))
        c.setFont("DejaVuSans-Bold", 16)
        c.drawString(
            90, y - 6, f"ĐÃ THU HỒI ngày {cert.revoked_on:%d/%m/%Y} — {cert.revocation_decision}"[:80]
        )
        c.setFillColor(INK)
    draw_qr(c, url, width - 220, 60, 150)
    c.setFont("DejaVuSans", 9)
    c.drawCentredString(width - 145, 50, "Quét mã để kiểm tra hiệu lực")
    c.showPage()
    c.save()
    return buf.getvalue()
