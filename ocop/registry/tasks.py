"""Background tasks of the registry (Django's tasks framework; `ocop db_worker` runs them)."""

import logging

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ImportJob

log = logging.getLogger(__name__)


@task
def import_job_task(job_id: int, confirm: bool) -> dict:
    """Check (confirm=False) or write a large web import; its page polls the job for the rows read."""
    from .import_jobs import import_job_fail, import_job_run

    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:  # expired before the worker came to it
        return {"status": "gone"}
    with translation.override(job.language):
        try:
            import_job_run(job, confirm=confirm)
        except Exception:
            log.exception("import job %s failed", job_id)
            message = _(
                "Lỗi không mong đợi khi xử lý tệp; chưa ghi gì. Hãy thử lại sau hoặc báo quản trị hệ thống."
            )
            import_job_fail(job, message)
            raise
    return {"status": job.status, "rows": job.rows_done}
