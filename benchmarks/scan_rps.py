"""Scan page throughput: the full scan view (parse the GS1 link, verify the keyed code, look up batch, lot,
product and certificate, render, log the scan, check the copied-stamp rules) against a minimal Django view
returning a constant. Both behind the same server (gunicorn, 1 sync worker, DEBUG off) and the same load
tool (wrk, 1 thread, 8 connections) on loopback, in the same run. Scans pick among 1,000 activated stamps.
Once the server has stopped, every scan answered must be in the scan log (it is written behind the
response, in batches: ocop/traceability/scanlog.py).

    .venv/bin/python benchmarks/scan_rps.py [--seconds 10] [--rounds 1]      (needs wrk: apt-get install wrk)

With --rounds N the two measurements alternate N times on the same server (constant, scan, constant, …),
each round's ratio is printed and so is the median: on a shared machine a burst of other work then spoils
one round, not the result.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _setup import ROOT, django_with_demo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, seconds: int, script: Path | None = None) -> tuple[float, int, int]:
    cmd = ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = django_with_demo()
    from ocop.registry.models import Product
    from ocop.traceability import services
    from ocop.traceability.demo import MACADAMIA
    from ocop.traceability.links import path_of
    from ocop.traceability.models import ScanEvent

    product = Product.objects.get(name=MACADAMIA)
    batch = services.stamps_issue(actor=None, product=product, count=1000)
    services.stamps_activate(actor=None, batch=batch, lot_code="BENCH1", produced=batch.created_at.date())
    paths = [path_of(u) for u in services.batch_urls(batch)]
    script = Path(work) / "scan.lua"
    script.write_text(
        "paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
        "counter = 0\n"
        "request = function()\n  counter = counter + 1\n"
        "  return wrk.format('GET', paths[(counter % #paths) + 1])\nend\n"
    )
    from django.db import connection

    connection.close()

    port = free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench_settings",
        OCOP_DEBUG="0",
        OCOP_SSL_REDIRECT="0",  # plain HTTP on loopback
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "ocop.wsgi",
        ],
        env=env,
        cwd=work,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/constant", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        body = urllib.request.urlopen(base + paths[0]).read().decode()
        assert "Tem thật" in body, "the scan page does not say genuine"
        before = ScanEvent.objects.count()
        wrk(base + "/bench/constant", 2)  # warm-up
        rounds = []
        for _ in range(args.rounds):
            constant = wrk(base + "/bench/constant", args.seconds)
            rounds.append((constant, wrk(base + "/", args.seconds, script)))
    finally:
        server.terminate()  # a worker that stops writes what its scan log buffer still holds
        server.wait()
    logged = ScanEvent.objects.count() - before - 1  # minus the check above
    answered = sum(s[1] for _c, s in rounds)
    bad = sum(c[2] + s[2] for c, s in rounds)
    for (c_rps, c_total, c_bad), (s_rps, s_total, s_bad) in rounds:
        print(f"constant view: {c_rps:8.0f} requests/s ({c_total} requests, {c_bad} errors)")
        print(f"scan view:     {s_rps:8.0f} requests/s ({s_total} requests, {s_bad} errors)")
        print(f"ratio scan / constant: {s_rps / c_rps:.0%} (target ≥ 50 %)")
    if len(rounds) > 1:
        ratios = sorted(s[0] / c[0] for c, s in rounds)
        print(f"median ratio of {len(rounds)} rounds: {statistics.median(ratios):.0%} (target ≥ 50 %)")
    complete = logged >= answered - 8
    print(f"scans logged: {logged} of {answered} answered" + (" ✓" if complete else " ✗ MISSING"))
    if bad or not complete:
        sys.exit(1)


if __name__ == "__main__":
    main()
