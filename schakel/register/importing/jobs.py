"""The "register.import" background job: check a stored upload, then apply it on confirm.

One Job row follows an import from upload to the end. Its payload says which
phase to run ("validate" or "apply"); its result holds the report shown on the
preview page. Confirming re-queues the same row with phase "apply"; both steps
are conditional UPDATEs, so a double click cannot apply a file twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from schakel.core import jobs
from schakel.core.models import Job
from schakel.register.importing.service import remove_upload, run_file_import, stored_path

KIND = "register.import"
# Files up to this size are checked (and applied) during the request; larger ones by the worker.
INLINE_MAX_BYTES = 256 * 1024

VALIDATE, APPLY = "validate", "apply"
# result["phase"] once a step ran.
VALIDATED, APPLIED, CANCELLED = "validated", "applied", "cancelled"


def inline_max_bytes() -> int:
    return getattr(settings, "REGISTER_IMPORT_INLINE_MAX_BYTES", INLINE_MAX_BYTES)


@jobs.job_handler(KIND)
def run_import_job(job: Job) -> dict:
    payload = job.payload
    phase = payload.get("phase", VALIDATE)
    with translation.override(payload.get("language") or settings.LANGUAGE_CODE):
        Job.objects.filter(pk=job.pk).update(progress_done=0, progress_total=payload.get("size", 0))
        report = run_file_import(
            stored_path(payload["path"]),
            filename=payload.get("filename"),
            actor=job.created_by,
            default_type=payload.get("default_type") or "company",
            apply=phase == APPLY,
            progress=lambda done, total: jobs.report_progress(job, done, total),
        )
    result = report.to_dict()
    if phase == APPLY and report.applied:
        result["phase"] = APPLIED
        remove_upload(payload["path"])
    else:
        # A check, or an apply that found errors after all (the register changed since the
        # preview): the preview shows them and confirming is refused.
        result["phase"] = VALIDATED
    return result


def start(path_name: str, filename: str, size: int, user, default_type: str, language: str) -> Job:
    """Create the job for a stored upload; small files are checked at once."""
    job = jobs.enqueue(
        KIND,
        {
            "phase": VALIDATE,
            "path": path_name,
            "filename": filename,
            "size": size,
            "default_type": default_type,
            "language": language,
        },
        user=user,
    )
    if size <= inline_max_bytes():
        run_now(job)
    return job


def run_now(job: Job) -> Job:
    """Claim this queued job as the worker would (conditional UPDATE) and run it here."""
    won = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    job.refresh_from_db()
    if won:
        jobs.run(job)
        job.refresh_from_db()
    return job


def can_confirm(job: Job) -> bool:
    result = job.result or {}
    return (
        job.status == Job.Status.DONE
        and job.payload.get("phase") == VALIDATE
        and result.get("phase") == VALIDATED
        and not result.get("file_error")
        and result.get("summary", {}).get("errors", 1) == 0
        and result.get("summary", {}).get("rows", 0) > 0
    )


def confirm(job: Job) -> bool:
    """Queue the apply step; False when the import is not (or no longer) confirmable."""
    if not can_confirm(job):
        return False
    payload = dict(job.payload, phase=APPLY)
    won = Job.objects.filter(pk=job.pk, status=Job.Status.DONE, payload__phase=VALIDATE).update(
        status=Job.Status.QUEUED,
        payload=payload,
        progress_done=0,
        attempts=0,
        run_after=timezone.now(),
        finished_at=None,
    )
    if not won:
        return False
    job.refresh_from_db()
    if job.payload.get("size", 0) <= inline_max_bytes():
        run_now(job)
    return True


def cancel(job: Job) -> bool:
    """Drop an import that is not being run now; its upload is removed."""
    if (job.result or {}).get("phase") in (APPLIED, CANCELLED):
        return False
    result = dict(job.result or {}, phase=CANCELLED)
    won = (
        Job.objects.filter(
            pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.DONE, Job.Status.FAILED]
        )
        .exclude(result__phase__in=[APPLIED, CANCELLED])
        .update(status=Job.Status.DONE, result=result, finished_at=timezone.now())
    )
    if won:
        remove_upload(job.payload.get("path", ""))
        job.refresh_from_db()
    return bool(won)


def state(job: Job) -> str:
    """One word for the templates (checking, applying, ready, invalid, applied, ...)."""
    result = job.result or {}
    if result.get("phase") == CANCELLED:
        return "cancelled"
    if job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        return "applying" if job.payload.get("phase") == APPLY else "checking"
    if job.status == Job.Status.FAILED:
        return "failed"
    if result.get("phase") == APPLIED:
        return "applied"
    if result.get("file_error"):
        return "file_error"
    if can_confirm(job):
        return "ready"
    return "invalid"
