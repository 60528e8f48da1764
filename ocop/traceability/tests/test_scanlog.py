"""The scan log writer's own thread keeps its batch while the database is away and writes it, once and in
order, when the database is back (benchmarks/faults.py restarts PostgreSQL under load to check the same
end to end)."""

import datetime
import threading
import time

from django.db import OperationalError

from ocop.traceability import scanlog


def rows(first: int, n: int) -> list[scanlog.ScanRow]:
    at = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    return [scanlog.ScanRow(at, i, 1, 1, 12, "genuine", "", "f") for i in range(first, first + n)]


def test_scan_log_thread_retries_its_batch_until_the_database_is_back(settings, monkeypatch):
    settings.OCOP_SCAN_LOG_DELAY = 0.01
    monkeypatch.setattr(scanlog.Buffer, "_in_transaction", staticmethod(lambda: False))  # as in a request
    down = threading.Event()
    down.set()
    attempts, written = [], []

    def write(batch):
        attempts.append(len(batch))
        if down.is_set():
            raise OperationalError("terminating connection due to administrator command")
        written.extend(batch)

    monkeypatch.setattr(scanlog, "write", write)
    buffer = scanlog.Buffer()
    for row in rows(0, 5):
        buffer.add(row)
    deadline = time.monotonic() + 5
    while len(attempts) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    for row in rows(5, 5):  # scans answered while the database is still away
        buffer.add(row)
    assert len(attempts) >= 3 and not written and buffer.pending() == 10

    down.clear()
    while len(written) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # a few more rounds of the thread: nothing is written twice
    assert [r.stamp for r in written] == list(range(10))
    assert buffer.pending() == 0
