"""Fault runs: a worker killed in the middle of an import, and PostgreSQL restarted under load.

    .venv/bin/python benchmarks/faults.py [--rows 2000] [--seconds 20]
                                          [--only import-sqlite,import-pg,restart]

Runs on its own databases — a scratch SQLite file and a private PostgreSQL 15 cluster (initdb into a temp
dir, on a free port near 55432, trust auth, owned by the `postgres` user when run as root) that the script
starts, restarts and deletes; the shared server on 5432 and DATABASE_URL are never touched.

1. Import killed mid-write (SQLite, then PostgreSQL). Big imports run in `ocop import`, or for the web in
   the task worker (`ocop db_worker`; a small file in the confirm request itself) — all through
   `ocop.registry.importing.import_rows`, whose writes are one transaction. A real `ocop import` of a
   generated spreadsheet runs in a subprocess; the script waits until it is inside that transaction and
   writing (SQLite: it holds the write lock and its WAL grows; PostgreSQL: its backend has a transaction id
   and runs an INSERT), then SIGKILLs it. Checks: every table's row count is what it was before (nothing
   of the import is in the database), the database is consistent (SQLite `PRAGMA integrity_check`;
   PostgreSQL `pg_amcheck` over every table and index), and the same import then succeeds.
2. PostgreSQL restarted under load. The app (gunicorn, 2 workers) serves scans of 5,000 real stamps to wrk;
   a few seconds in, the cluster is restarted (`pg_ctl stop -m fast`, then start). Checks: answers fail
   only between the stop and shortly after the start (1 s grace), they succeed again without restarting the
   app; restarted once more with no load, the next 10 scans succeed (a worker idle during the outage must
   not fail on its dead connection); every scan answered 2xx is in the scan log (its writer keeps and
   retries its batch). Prints the outage, the window of failed answers and the recovery time.

Exit status 1 when a check fails.
"""

import argparse
import contextlib
import io
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from _setup import ROOT
from scan_load import LUA_CLOCK, TAIL_SECONDS, Server, free_port, lua_table

PG_BIN = Path(os.environ.get("OCOP_PG_BIN", "/usr/lib/postgresql/15/bin"))
OCOP = [sys.executable, "-m", "ocop"]
IDLE_SCANS = 10  # sequential scans after a restart with no load: more than the 2 workers
GRACE = 1.0  # seconds after the database is back during which answers may still fail
failures: list[str] = []


def check(good: bool, text: str) -> None:
    print(("  ✓ " if good else "  ✗ FAILED ") + text, flush=True)
    if not good:
        failures.append(text)


class Cluster:
    """A private PostgreSQL cluster in a temp dir."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ocop-pg-"))
        self.data = self.dir / "data"
        self.port = free_port(55432)
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run(PG_BIN / "initdb", "--version")

    def _run(self, *cmd) -> None:
        subprocess.run([*self.as_pg, *map(str, cmd)], check=True, capture_output=True, text=True)

    def start(self) -> None:
        # fsync off: the fault here is a clean restart, not a power cut, and CI time matters.
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-w", "-o", opts, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


# -- 1. import killed mid-write -------------------------------------------------------------------------


class SqliteTarget:
    name = "SQLite"

    def __init__(self, work: Path) -> None:
        self.work = work
        self.path = work / "ocop.sqlite3"
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"OCOP_WORK_DIR": str(work)}

    def counts(self) -> dict[str, int]:
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            tables = [  # FTS5 tables are counted through their shadow tables
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
                )
            ]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

    def names(self) -> set[str]:
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            return {r[0] for r in db.execute("SELECT name FROM registry_product")}

    def consistent(self) -> tuple[bool, str]:
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            result = [r[0] for r in db.execute("PRAGMA integrity_check")]
            fk = db.execute("PRAGMA foreign_key_check").fetchall()
        return result == [
            "ok"
        ] and not fk, f"PRAGMA integrity_check: {', '.join(result[:3])}; {len(fk)} FK errors"

    def _locked(self) -> bool:
        db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            db.close()

    def _wal(self) -> int:
        wal = self.path.with_name(self.path.name + "-wal")
        return wal.stat().st_size if wal.exists() else 0

    def wait_writing(self, proc: subprocess.Popen) -> str | None:
        """Return once the import holds the write lock and has written into the WAL (or 1 s under lock)."""
        wal0 = self._wal()
        since = None
        while proc.poll() is None:
            if self._locked():
                since = since or time.monotonic()
                grown = self._wal() - wal0
                held = time.monotonic() - since
                if grown > 256 * 1024 or held > 1.0:
                    return f"holding the write lock for {held:.2f} s, WAL +{grown / 1e6:.1f} MB"
            time.sleep(0.01)
        return None

    def settle(self) -> None:
        pass


class PostgresTarget:
    name = "PostgreSQL"
    app = "ocop-fault-import"

    def __init__(self, cluster: Cluster, db: str) -> None:
        self.cluster, self.db = cluster, db
        self.url = cluster.url(db)
        self.env = dict(os.environ, DATABASE_URL=self.url, PGAPPNAME=self.app)

    def _query(self, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as c:
            return c.execute(sql, params).fetchall()

    def counts(self) -> dict[str, int]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as c:
            tables = [
                r[0]
                for r in c.execute(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                )
            ]
            return {t: c.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

    def names(self) -> set[str]:
        return {r[0] for r in self._query("SELECT name FROM registry_product")}

    def consistent(self) -> tuple[bool, str]:
        out = subprocess.run(
            [
                PG_BIN / "pg_amcheck",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.cluster.port),
                "-U",
                "postgres",
                "--install-missing",
                "--heapallindexed",
                "-d",
                self.db,
            ],
            capture_output=True,
            text=True,
        )
        detail = (out.stdout + out.stderr).strip().splitlines()
        return out.returncode == 0, "pg_amcheck (heap and every index): " + (
            "no corruption" if out.returncode == 0 else "; ".join(detail[:3])
        )

    def wait_writing(self, proc: subprocess.Popen) -> str | None:
        """Return once the import's backend holds a transaction id and runs an INSERT into the registry."""
        sql = (
            "SELECT backend_xid IS NOT NULL, left(query, 40), now() - xact_start FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()"
        )
        while proc.poll() is None:
            for has_xid, query, age in self._query(sql, [self.app]):
                if has_xid and query.startswith(
                    ('INSERT INTO "registry_product"', 'INSERT INTO "core_audit')
                ):
                    return f"in its transaction for {age.total_seconds():.2f} s, running «{query}…»"
            time.sleep(0.01)
        return None

    def settle(self) -> None:
        """The killed client's backend notices the closed socket and rolls back: wait until it is gone."""
        for _ in range(500):
            if not self._query("SELECT 1 FROM pg_stat_activity WHERE application_name = %s", [self.app]):
                return
            time.sleep(0.02)


def import_killed(target, xlsx: Path) -> None:
    print(f"\n== import killed mid-write ({target.name})", flush=True)
    before = target.counts()
    t = time.perf_counter()
    proc = subprocess.Popen(
        [*OCOP, "import", str(xlsx)], env=target.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    where = target.wait_writing(proc)
    if where is None:
        check(
            False, f"the import ended (status {proc.returncode}) before it was seen writing: use more --rows"
        )
        return
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    print(f"  killed (SIGKILL) {time.perf_counter() - t:.1f} s after start, {where}", flush=True)
    target.settle()
    after = target.counts()
    changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    check(
        not changed,
        f"row counts of all {len(after)} tables unchanged (products {after.get('registry_product')}, "
        f"producers {after.get('registry_producer')}, audit entries {after.get('core_auditentry')})"
        + (f"; changed: {changed}" if changed else ""),
    )
    good, detail = target.consistent()
    check(good, detail)
    t = time.perf_counter()
    run = subprocess.run([*OCOP, "import", str(xlsx)], env=target.env, capture_output=True, text=True)
    took = time.perf_counter() - t
    done = target.counts()
    wanted = file_names(xlsx)
    said = run.stdout.strip()[-160:] or run.stderr.strip()[-300:]
    check(
        run.returncode == 0 and wanted <= target.names(),
        f"the same import then succeeds in {took:.1f} s: {said} "
        f"(products {before['registry_product']} → {done['registry_product']})",
    )


def file_names(xlsx: Path) -> set[str]:
    from ocop.registry.importing import match_headers, read_table

    rows = read_table(xlsx.name, xlsx.read_bytes())
    col = match_headers(rows[0])["product_name"]
    return {str(r[col]).strip() for r in rows[1:]}


def spreadsheet(work: Path, rows: int) -> Path:
    """A generated list in the national mix (new producers and products all over the country)."""
    from ocop.core.export import write
    from ocop.registry.demo import generated_rows

    data = generated_rows(rows)
    buf = io.BytesIO()
    write("xlsx", data[0], data[1:], buf)
    path = work / "ds.xlsx"
    path.write_bytes(buf.getvalue())
    return path


# -- 2. PostgreSQL restarted under load -----------------------------------------------------------------

LUA_TIMELINE = (
    LUA_CLOCK
    + """
paths = {%(paths)s}
local scan_seconds = %(scan_seconds)d
local tail = wrk.format("GET", "/bench/constant")
local n = 0
function setup(thread)
  n = n + 1
  thread:set("id", n)
end
function init(args)
  stop_at = now() + scan_seconds
  math.randomseed(math.floor(now() * 1000) + id)
  out = io.open("%(prefix)s" .. id, "w")
  out:setvbuf("line")
end
function request()
  if now() < stop_at then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  return tail
end
function response(status, headers, body)
  out:write(string.format("%%.4f %%d %%s\\n", now(), status, body == "ok" and "c" or "s"))
end
"""
)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def restart_under_load(cluster: Cluster, work: Path, paths: list[str], seconds: int) -> None:
    from django.db import connection
    from scan_load import parse_wrk, scan_count, wait_for_log

    print("\n== PostgreSQL restarted under load", flush=True)
    prefix = work / "timeline-"
    script = work / "restart.lua"
    script.write_text(
        LUA_TIMELINE
        % {"paths": lua_table(paths), "scan_seconds": seconds - TAIL_SECONDS, "prefix": prefix.as_posix()}
    )
    before = scan_count()
    connection.close()  # this process's connection would not survive the restart
    log = work / "server.log"
    with log.open("w") as err:
        server = Server(work, workers=2, stderr=err)
        try:
            cmd = [
                "wrk",
                "-t2",
                "-c8",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                str(script),
                server.base + "/",
            ]
            load = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            time.sleep(seconds / 3)
            t_stop = time.time()
            cluster.stop("fast")
            t_down = time.time()
            cluster.start()
            t_up = time.time()
            out, _err = load.communicate()
            w = parse_wrk(out)
            answers = sorted(
                (float(t), int(status), kind)
                for f in work.glob("timeline-*")
                for t, status, kind in (line.split() for line in f.read_text().splitlines())
            )
            accepted = sum(1 for _t, status, kind in answers if kind == "s" and 200 <= status < 300)
            # Again with no request during the outage: a worker's next request must not fail on its dead
            # connection (CONN_HEALTH_CHECKS), nor the scan log writer's.
            cluster.stop("fast")
            cluster.start()
            idle = [status_of(server.base + p) for p in paths[:IDLE_SCANS]]
            accepted += sum(1 for status in idle if 200 <= status < 300)
            logged = wait_for_log(before + accepted, timeout=30) - before
        finally:
            server.stop()
    retries = log.read_text().count("scan log: write failed")
    failed = [t for t, status, _kind in answers if not 200 <= status < 300]
    after = [a for a in answers if a[0] > t_up + GRACE]
    back = [t for t, status, _k in answers if t >= t_up and 200 <= status < 300]
    print(
        f"  {w['requests']:,} answers in {seconds} s, {len(failed)} failed; database down for "
        f"{t_up - t_stop:.2f} s (stop -m fast {t_down - t_stop:.2f} s, start {t_up - t_down:.2f} s)"
    )
    if failed:
        print(
            f"  failed answers from {failed[0] - t_stop:+.2f} s to {failed[-1] - t_stop:+.2f} s after the "
            f"stop began; the last one {failed[-1] - t_up:+.3f} s from the database's return"
        )
    if back:
        print(f"  recovery: first 2xx {back[0] - t_up:.3f} s after the database was back", flush=True)
    check(w["socket_errors"] == 0, w["socket_detail"])
    check(
        all(t_stop <= t <= t_up + GRACE for t in failed),
        f"answers failed only during the outage (+{GRACE:.0f} s): {len(failed)} failed",
    )
    check(
        len(after) > 0 and all(200 <= s < 300 for _t, s, _k in after),
        f"after it, without restarting the app: {len(after):,} answers, all 2xx",
    )
    check(
        all(200 <= status < 300 for status in idle),
        f"restarted while idle: the next {IDLE_SCANS} scans answered {sorted(set(idle))}",
    )
    check(
        logged == accepted,
        f"scans answered 2xx: {accepted:,}, in the scan log: {logged:,} (the writer retried {retries} times)",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000, help="rows of the spreadsheet killed mid-import")
    parser.add_argument("--seconds", type=int, default=20, help="load during the PostgreSQL restart")
    parser.add_argument("--only", default="import-sqlite,import-pg,restart")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if not (PG_BIN / "initdb").exists() and only - {"import-sqlite"}:
        sys.exit(f"PostgreSQL 15 is needed in {PG_BIN} (apt-get install postgresql-15, or set OCOP_PG_BIN)")
    if "restart" in only and not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("OCOP_SECRET_KEY", secrets.token_urlsafe(50))  # shared by the set-up and the server
    os.environ["PYTHONPATH"] = f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="ocop-faults-"))
    os.environ["OCOP_WORK_DIR"] = str(work)
    cluster = Cluster()
    try:
        cluster.start()
        import psycopg

        with psycopg.connect(cluster.url("postgres"), autocommit=True) as c:
            c.execute("CREATE DATABASE ocop")
        os.environ["DATABASE_URL"] = cluster.url("ocop")
        t = time.perf_counter()
        sqlite = SqliteTarget(work / "sqlite")
        sqlite.work.mkdir()
        migrating = subprocess.Popen([*OCOP, "migrate", "-v", "0"], env=sqlite.env)  # meanwhile
        from _setup import scratch_django

        scratch_django()
        from ocop.registry.demo import load_seed_producers
        from ocop.traceability import demo as traceability_demo

        load_seed_producers()  # Lai Châu's producers; the stamp demo gives the macadamia a live certificate
        traceability_demo.load()
        xlsx = spreadsheet(work, args.rows)
        if migrating.wait():
            sys.exit("ocop migrate failed on SQLite")
        print(f"set-up (private PostgreSQL on port {cluster.port}, SQLite): {time.perf_counter() - t:.0f} s")
        if "import-sqlite" in only:
            import_killed(sqlite, xlsx)
        if "import-pg" in only:
            import_killed(PostgresTarget(cluster, "ocop"), xlsx)
        if "restart" in only:
            from scan_load import issue_paths

            restart_under_load(cluster, work, issue_paths(5000), args.seconds)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nfaults: {time.perf_counter() - started:.0f} s, {len(failures)} failed check(s)")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
