"""The web import as a job: upload → check (a dry run) → confirm or cancel.

A file of up to OCOP_IMPORT_BACKGROUND_ROWS data rows is checked and written inside the request; a larger
one by the task worker (`ocop db_worker`, registry.tasks), while its page shows the rows read so far. The
file waits for confirmation in private storage (it holds tax codes, phone numbers and names) and is
removed as soon as the job ends — confirmed, cancelled or refused — and by `ocop daily` after a day.
"""

import datetime
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.codes import random_code
from ocop.core.errors import OcopError
from ocop.core.private import private_storage
from ocop.core.uploads import display_name

from .importing import ImportResult, import_rows
from .models import ImportJob
from .tabular import Deferred, open_table, precheck

FOLDER = "imports"
KEEP = datetime.timedelta(hours=24)
Status = ImportJob.Status


def import_job_start(*, actor, name: str, data: bytes, language: str = "vi") -> ImportJob:
    """Keep the upload privately and check it: in place when it is small (the job comes back CHECKED or
    FAILED), else on the task worker (the job comes back CHECKING, with `background` set). A file that
    cannot be read at all raises OcopError and nothing is kept."""
    name = display_name(name) or "tep"
    precheck(name, data)  # the type and the zip's declared size, before anything is stored or parsed
    suffix = Path(name).suffix.lower()
    path = private_storage().save(f"{FOLDER}/{random_code(16).lower()}{suffix}", ContentFile(data))
    job = ImportJob.objects.create(user=actor, name=name, path=path, language=language[:10])
    _dispatch(job, confirm=False, data=data)
    return job


def import_job_confirm(*, actor, token: str) -> ImportJob:
    """Write a checked file: in place for a small one (the job comes back DONE or FAILED), else on the task
    worker (IMPORTING). Only its uploader confirms it, once."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(user=actor, token=token).first()
        if job is None or job.status != Status.CHECKED or not job.path:
            raise OcopError("import_expired", _("Phiên nhập đã hết hạn, hãy tải tệp lên lại."))
        job.status, job.rows_done = Status.IMPORTING, 0
        job.save(update_fields=["status", "rows_done", "updated"])
    _dispatch(job, confirm=True)
    return job


def import_job_cancel(*, actor, token: str) -> ImportJob | None:
    """Drop a file that waits for confirmation (or is still being checked): the file is removed now."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(user=actor, token=token).first()
        if job is None or job.status not in (Status.CHECKING, Status.CHECKED):
            return job
        _remove_file(job)
        job.status = Status.CANCELLED
        job.save(update_fields=["status", "path", "updated"])
    return job


def import_job_run(job: ImportJob, *, confirm: bool) -> None:
    """The check (confirm=False) or the write of a job, on the task worker, reporting its progress."""
    if job.status != (Status.IMPORTING if confirm else Status.CHECKING) or not job.path:
        return  # cancelled, expired, or already run
    _run(job, confirm=confirm, progress=True)


def import_job_fail(job: ImportJob, message: str) -> None:
    """End a job that broke unexpectedly: its file is removed, its page shows the message."""
    _finish(job, Status.FAILED, {"error": message})


def import_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Remove the jobs (and the files) older than a day, and any file left in the import folders that old
    — the public media/imports/ of earlier versions included. Returns the number of files removed."""
    cutoff = (now or timezone.now()) - KEEP
    removed = 0
    old = ImportJob.objects.filter(created__lt=cutoff)
    for job in old.exclude(path=""):
        removed += _remove_file(job)
    old.delete()
    for storage in (private_storage(), default_storage):
        try:
            _, files = storage.listdir(FOLDER)
        except FileNotFoundError:
            continue
        for f in files:
            name = f"{FOLDER}/{f}"
            try:
                stale = storage.get_modified_time(name) < cutoff
            except FileNotFoundError:  # removed meanwhile by the request that confirmed it
                continue
            if stale:
                storage.delete(name)
                removed += 1
    return removed


def _dispatch(job: ImportJob, *, confirm: bool, data: bytes | None = None) -> None:
    if not job.background:
        try:
            _run(job, confirm=confirm, data=data, defer_after=settings.OCOP_IMPORT_BACKGROUND_ROWS)
            return
        except Deferred:
            job.background = True
            job.save(update_fields=["background", "updated"])
    from .tasks import import_job_task

    # Enqueued in the caller's transaction, if any: the worker sees the task when it sees the job.
    import_job_task.enqueue(job.pk, confirm)


class _Progress:
    """Counts the rows read and writes the count on the job at most every second (the page polls it)."""

    def __init__(self, job: ImportJob):
        self.job, self.done, self.at = job, 0, time.monotonic()

    def __call__(self, n: int) -> None:
        self.done += n
        if time.monotonic() - self.at >= 1:
            self.at = time.monotonic()
            ImportJob.objects.filter(pk=self.job.pk).update(rows_done=self.done, updated=timezone.now())


def _run(
    job: ImportJob,
    *,
    confirm: bool,
    data: bytes | None = None,
    defer_after: int | None = None,
    progress: bool = False,
) -> None:
    if data is None:
        with private_storage().open(job.path, "rb") as f:
            data = f.read()
    try:
        table = open_table(job.name, data)
        if table.estimate != job.rows_estimate:
            job.rows_estimate = table.estimate
            job.save(update_fields=["rows_estimate", "updated"])
        if defer_after is not None and (table.estimate or 0) > defer_after:
            table.close()
            raise Deferred
        table.defer_after = defer_after
        result = import_rows(
            table, actor=job.user, dry_run=not confirm, progress=_Progress(job) if progress else None
        )
    except OcopError as e:
        _finish(job, Status.FAILED, {"error": e.message})
        return
    if not result.ok:
        _finish(job, Status.FAILED, _payload(result))
    else:
        _finish(job, Status.DONE if confirm else Status.CHECKED, _payload(result))


def _payload(result: ImportResult) -> dict:
    return {
        "rows": result.rows,
        "summary": result.summary(),
        "errors": result.errors,
        "errors_more": result.errors_more,
        "error_count": result.error_count,
        "more_errors": result.more_errors(),
        "preview": result.preview,
    }


def _finish(job: ImportJob, status: str, result: dict) -> None:
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
        if current is None or current.status == Status.CANCELLED:  # cancelled (or expired) meanwhile
            return
        job.status, job.result = status, result
        job.rows_done = result.get("rows", job.rows_done)
        if status != Status.CHECKED:  # nothing waits for confirmation any more
            _remove_file(job)
        job.save(update_fields=["status", "result", "rows_done", "path", "updated"])


def _remove_file(job: ImportJob) -> int:
    if not job.path:
        return 0
    private_storage().delete(job.path)
    job.path = ""
    return 1
