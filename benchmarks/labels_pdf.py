"""Label PDF speed against the raw QR encoding of the same codes, measured in the same run; and the QR
encoders compared (why zxing-cpp: pure-Python encoders are 10–20× slower here).

    .venv/bin/python benchmarks/labels_pdf.py [--labels 5000]
"""

import argparse
import io
import time

from _setup import django_with_demo, rss_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=5000)
    args = parser.parse_args()
    django_with_demo()
    import segno

    from ocop.registry.models import Product
    from ocop.traceability import labels, services
    from ocop.traceability.demo import MACADAMIA

    product = Product.objects.get(name=MACADAMIA)
    batch = services.stamps_issue(actor=None, product=product, count=args.labels)
    stamps = list(services.batch_stamps(batch))
    urls = [u for _n, _c, u in stamps]

    t = time.perf_counter()
    for u in urls:
        labels.qr_matrix(u)
    t_qr = time.perf_counter() - t
    sample = urls[: min(500, len(urls))]
    t = time.perf_counter()
    for u in sample:
        segno.make_qr(u, error="m", boost_error=False).matrix  # noqa: B018 - the encoding is the work
    t_segno = (time.perf_counter() - t) / len(sample) * len(urls)

    out = io.BytesIO()
    t = time.perf_counter()
    n = labels.render(out, iter(stamps), total=len(stamps), product_name=product.name, star=4)
    t_pdf = time.perf_counter() - t
    assert n == len(stamps)
    print(f"QR encoding only (zxing-cpp): {len(urls) / t_qr:8.0f} codes/s ({t_qr:.2f} s for {len(urls)})")
    print(f"QR encoding only (segno):     {len(urls) / t_segno:8.0f} codes/s (from {len(sample)})")
    size = len(out.getvalue()) / 1e6
    print(f"label PDF (A4, 24 per page):  {n / t_pdf:8.0f} labels/s ({t_pdf:.2f} s, {size:.1f} MB)")
    ratio = (n / t_pdf) / (len(urls) / t_qr)
    print(f"ratio PDF / raw QR encoding: {ratio:.0%} of the encoder's rate (target ≥ 50 %)")
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
