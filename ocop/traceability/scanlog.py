"""The scan log, written behind the response.

Every scan is recorded, but the consumer should not wait for it: a scan's row joins an in-process buffer
and a background thread writes the buffer in one transaction every OCOP_SCAN_LOG_DELAY seconds (or as soon
as OCOP_SCAN_LOG_BATCH rows wait). One commit per batch instead of one per scan is also what carries the
log to national volume. Rows survive a failed write (the database restarting, a lock): they go back to the
head of the buffer and the next round retries, on a fresh connection. The buffer is flushed when the
process exits normally (atexit: gunicorn and runserver workers end that way); a killed process loses at
most the last OCOP_SCAN_LOG_DELAY seconds of scans. With a delay of 0 each scan is written at once (tests,
and deployments that prefer it), and so is a scan recorded inside a transaction."""

import atexit
import datetime
import functools
import logging
import threading
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction

from .models import ScanEvent

log = logging.getLogger(__name__)


class ScanRow(NamedTuple):  # a tuple: written as it is (dataclasses.astuple deep-copies every field)
    scanned_at: datetime.datetime  # aware
    stamp: int | None
    batch_ref: int | None
    product_ref: int | None
    province_ref: int | None
    verdict: str
    reasons: str
    fingerprint: str


FIELDS = ScanRow._fields


@functools.cache
def _insert_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    return (
        f"INSERT INTO {q(ScanEvent._meta.db_table)} ({', '.join(q(f) for f in FIELDS)}) "
        f"VALUES ({', '.join(['%s'] * len(FIELDS))})"
    )


def write(rows: list[ScanRow]) -> None:
    """Insert rows in one transaction, with one plain statement (the ORM's insert costs more than a scan)."""
    adapt = connection.ops.adapt_datetimefield_value
    params = [(adapt(r.scanned_at), *r[1:]) for r in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(connection.vendor), params)


class Buffer:
    def __init__(self) -> None:
        self._rows: list[ScanRow] = []
        self._lock = threading.Lock()  # guards _rows and _thread
        self._flushing = threading.Lock()  # one writer at a time keeps rows in order
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._at_exit = False

    def add(self, row: ScanRow) -> None:
        # Inside a transaction (a script, the demo) the row belongs to it: written now, committed or rolled
        # back with it, and never by the thread's own connection while this one holds the write lock.
        if settings.OCOP_SCAN_LOG_DELAY <= 0 or self._in_transaction():
            write([row])
            return
        with self._lock:
            self._rows.append(row)
            if len(self._rows) >= settings.OCOP_SCAN_LOG_BATCH:
                self._wake.set()
            if self._thread is None or not self._thread.is_alive():
                self._start()

    @staticmethod
    def _in_transaction() -> bool:
        return connection.in_atomic_block

    def pending(self) -> int:
        return len(self._rows)

    def flush(self) -> int:
        """Write what waits, in the calling thread; on failure the rows stay for the next round."""
        with self._flushing:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                write(rows)
            except Exception:
                with self._lock:
                    self._rows[:0] = rows
                if not connection.in_atomic_block:
                    connection.close()  # a broken connection is reopened on the next round
                raise
            return len(rows)

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ocop-scan-log", daemon=True)
        self._thread.start()
        if not self._at_exit:
            atexit.register(self._flush_at_exit)
            self._at_exit = True

    def _run(self) -> None:
        while True:
            self._wake.wait(settings.OCOP_SCAN_LOG_DELAY)
            self._wake.clear()
            try:
                self.flush()
            except Exception:
                log.exception("scan log: write failed, %d rows kept for the next round", self.pending())

    def _flush_at_exit(self) -> None:
        try:
            self.flush()
        except Exception:
            log.exception("scan log: %d rows could not be written at exit", self.pending())


buffer = Buffer()
