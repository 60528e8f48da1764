"""Issuing stamps costs one row per batch: 10 stamps against 1,000,000 stamps, measured in the same run.

.venv/bin/python benchmarks/stamps_issue.py [--big 1000000] [--repeat 5]
"""

import argparse
import statistics
import time

from _setup import django_with_demo, rss_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_with_demo()
    from ocop.registry.models import Product
    from ocop.traceability import services
    from ocop.traceability.demo import MACADAMIA
    from ocop.traceability.models import StampBatch

    product = Product.objects.get(name=MACADAMIA)
    times = {10: [], args.big: []}
    for _ in range(args.repeat):
        for n in times:
            rows = StampBatch.objects.count()
            t = time.perf_counter()
            batch = services.stamps_issue(actor=None, product=product, count=n)
            times[n].append(time.perf_counter() - t)
            assert StampBatch.objects.count() == rows + 1 and batch.count == n
    small, big = statistics.median(times[10]), statistics.median(times[args.big])
    print(f"issue 10 stamps:        {small * 1000:7.2f} ms (median of {args.repeat})")
    print(f"issue {args.big:,} stamps: {big * 1000:7.2f} ms (median of {args.repeat})")
    print(f"ratio big/small: {big / small:.2f}× (target: same order of time, < 10×)")
    t = time.perf_counter()
    last = services.batch_serial(batch, batch.count)
    took = (time.perf_counter() - t) * 1e6
    print(f"code of stamp #{batch.count:,}: {last} in {took:.0f} µs (no row per stamp)")
    print(f"peak memory (max RSS): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
