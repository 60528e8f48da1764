"""Scan load: concurrent scans of many distinct real stamps for a minute, then every answered scan must be in
the scan log — exactly.

    .venv/bin/python benchmarks/scan_load.py [--seconds 60] [--stamps 20000] [--workers 2] [--connections 16]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/scan_load.py
                                                                    (needs wrk: apt-get install wrk)

The app runs as in production (gunicorn sync workers, DEBUG off, rate limits off) on loopback; wrk's Lua
script picks a random stamp among `--stamps` (two lots of one batch, GS1 Digital Links) for every request.
In the last seconds of the run it switches to a constant view, so no scan is left in flight when wrk stops
and "the scans wrk made" is an exact number: wrk counts scan answers and constant answers apart. Then the
script waits for the batched scan log (ocop/traceability/scanlog.py) to reach the database while the server
still runs, and checks: no socket error, no non-2xx answer, scan rows written == scans answered. It prints
requests/s, latency percentiles and the server's peak memory (max RSS of each gunicorn worker).

With DATABASE_URL (PostgreSQL) the run uses a fresh database on that server, dropped at the end.
Exit status 1 when a check fails.
"""

import argparse
import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _setup import ROOT

TAIL_SECONDS = 2  # the constant view's share at the end: longer than any scan's answer takes


def free_port(preferred: int | None = None) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred or 0))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fresh_postgres(url: str, name: str):
    """A new, empty database named `name` on the server of `url` (dropped on exit); yields its URL."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def issue_paths(stamps: int) -> list[str]:
    """Issue `stamps` stamps of the demo macadamia, activate them in two lots; their scan paths."""
    from ocop.registry.models import Product
    from ocop.traceability import services
    from ocop.traceability.demo import MACADAMIA
    from ocop.traceability.links import path_of

    product = Product.objects.get(name=MACADAMIA)
    batch = services.stamps_issue(actor=None, product=product, count=stamps)
    half = max(1, stamps // 2)
    day = batch.created_at.date()
    services.stamps_activate(actor=None, batch=batch, lot_code="LOAD1", produced=day, last=half)
    if half < stamps:
        services.stamps_activate(actor=None, batch=batch, lot_code="LOAD2", produced=day, first=half + 1)
    return [path_of(u) for u in services.batch_urls(batch)]


def scan_count() -> int:
    from django.db import connection

    from ocop.traceability.models import ScanEvent

    with connection.cursor() as cur:  # raw: no ORM default ordering, no cache
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(ScanEvent._meta.db_table)}")
        return cur.fetchone()[0]


class Server:
    """gunicorn serving the app (plus /bench/constant) with DEBUG off and rate limits off."""

    def __init__(self, work: Path, *, workers: int, stderr=None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="bench_settings",
            OCOP_DEBUG="0",
            OCOP_RATE_LIMITS="off",
            OCOP_SSL_REDIRECT="0",  # plain HTTP on loopback
            PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}",
        )
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        cmd = [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.proc = subprocess.Popen(
            [*cmd, "ocop.wsgi"],
            env=full_env,
            cwd=work,
            stderr=stderr,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/bench/constant", timeout=1)
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)

    def _children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def peak_mb(self) -> list[float]:
        """Max RSS (VmHWM) of each worker alive now, in MB."""
        out = []
        for pid in self._children():
            with contextlib.suppress(OSError):
                m = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
                out.append(int(m.group(1)) / 1024)
        return out

    def stop(self) -> None:
        self.proc.terminate()  # workers flush what their scan log buffer still holds (atexit)
        self.proc.wait(timeout=60)


LUA_CLOCK = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } ocop_timeval;
int gettimeofday(ocop_timeval *tv, void *tz);
]]
local tv = ffi.new("ocop_timeval")
function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end
"""

LUA_PICK = (
    LUA_CLOCK
    + """
paths = {%(paths)s}
local scan_seconds = %(scan_seconds)d
local tail = wrk.format("GET", "/bench/constant")
local threads = {}
local n = 0
function setup(thread)
  n = n + 1
  thread:set("id", n)
  table.insert(threads, thread)
end
function init(args)
  stop_at = now() + scan_seconds
  math.randomseed(math.floor(now() * 1000) + id)
  scans, scans_ok, tails = 0, 0, 0
end
function request()
  if now() < stop_at then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  return tail
end
function response(status, headers, body)
  if body == "ok" then
    tails = tails + 1
  else
    scans = scans + 1
    if status >= 200 and status < 300 then scans_ok = scans_ok + 1 end
  end
end
function done(summary, latency, requests)
  local s, ok, t = 0, 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("scans"); ok = ok + thread:get("scans_ok"); t = t + thread:get("tails")
  end
  io.write(string.format("LUA scans=%%d scans_ok=%%d tails=%%d\\n", s, ok, t))
end
"""
)


def lua_table(paths: list[str]) -> str:
    return ",".join(f'"{p}"' for p in paths)


def run_wrk(url: str, seconds: int, script: Path, threads: int, connections: int) -> str:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def parse_wrk(out: str) -> dict:
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    lua = re.search(r"LUA scans=(\d+) scans_ok=(\d+) tails=(\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
        "socket_detail": errors.group(0) if errors else "Socket errors: none",
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "latency": dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)$", out, re.M)),
        **(
            {"scans": int(lua.group(1)), "scans_ok": int(lua.group(2)), "tails": int(lua.group(3))}
            if lua
            else {}
        ),
    }


def wait_for_log(expected: int, timeout: float = 30) -> int:
    """Poll the scan log until it holds `expected` rows (or stops growing for 3 s); the last count."""
    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = scan_count()
        if count == expected:
            return count
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since > 3:
            break
        time.sleep(0.2)
    return last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--stamps", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.seconds <= TAIL_SECONDS:
        sys.exit(f"--seconds must be more than {TAIL_SECONDS}")
    # Production settings (DEBUG off) want a real key; the set-up and the server share it, so the stamps
    # issued here verify there.
    os.environ.setdefault("OCOP_SECRET_KEY", secrets.token_urlsafe(50))
    url = os.environ.get("DATABASE_URL", "")
    with contextlib.ExitStack() as stack:
        if url.startswith("postgres"):
            os.environ["DATABASE_URL"] = stack.enter_context(
                fresh_postgres(url, f"ocop_scan_load_{os.getpid()}")
            )
        if not os.environ.get("OCOP_WORK_DIR"):
            work = Path(tempfile.mkdtemp(prefix="ocop-scan-load-"))
            os.environ["OCOP_WORK_DIR"] = str(work)
            stack.callback(shutil.rmtree, work, ignore_errors=True)
        ok = run(args)
    if not ok:
        sys.exit(1)


def run(args) -> bool:
    from _setup import django_with_demo

    t = time.perf_counter()
    work = django_with_demo()
    from django.db import connection

    paths = issue_paths(args.stamps)
    print(f"set-up ({connection.vendor}, {len(paths):,} stamps): {time.perf_counter() - t:.0f} s", flush=True)
    script = Path(work) / "scan_load.lua"
    script.write_text(LUA_PICK % {"paths": lua_table(paths), "scan_seconds": args.seconds - TAIL_SECONDS})
    connection.close()

    server = Server(work, workers=args.workers)
    try:
        before = scan_count() + 1  # with the check just below
        body = urllib.request.urlopen(server.base + paths[0]).read().decode()
        assert "Tem thật" in body, "the scan page does not say genuine"
        w = parse_wrk(run_wrk(server.base + "/", args.seconds, script, args.threads, args.connections))
        expected = before + w["scans"]
        logged_running = wait_for_log(expected) - before
        peaks = server.peak_mb()
    finally:
        server.stop()
    logged = scan_count() - before

    lat = w["latency"]
    print(
        f"{connection.vendor}: {args.workers} gunicorn workers, wrk {args.threads} threads "
        f"{args.connections} connections, {args.seconds} s over {len(paths):,} stamps"
    )
    print(
        f"requests: {w['requests']:,} ({w['scans']:,} scans, {w['tails']:,} constant at the end), "
        f"{w['rps']:,.0f} requests/s, scans {w['scans'] / (args.seconds - TAIL_SECONDS):,.0f}/s"
    )
    print("latency: " + ", ".join(f"p{k} {v}" for k, v in lat.items()))
    print(f"server peak memory: {' + '.join(f'{p:.0f}' for p in peaks)} MB (max RSS per worker)")
    checks = [
        (w["socket_errors"] == 0, w["socket_detail"]),
        (w["non2xx"] == 0 and w["scans_ok"] == w["scans"], f"non-2xx answers: {w['non2xx']}"),
        (
            logged_running == w["scans"],
            f"scan rows written while serving: {logged_running:,} of {w['scans']:,} scans answered",
        ),
        (logged == w["scans"], f"scan rows after the server stopped: {logged:,} of {w['scans']:,}"),
    ]
    for good, text in checks:
        print(("✓ " if good else "✗ FAILED ") + text)
    return all(good for good, _text in checks)


if __name__ == "__main__":
    main()
