"""Background work as rows in the Job table, claimed by `schakel worker`.

Apps register a handler per job kind with `@job_handler("kind")`. Handlers
receive the Job and may call `report_progress`. Enqueue work with
`transaction.on_commit(lambda: enqueue(...))` or inside the same transaction
as the data it refers to: a row only becomes visible to the worker on commit.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from schakel.core.models import Job

logger = logging.getLogger(__name__)
_HANDLERS: dict[str, Callable[[Job], dict | None]] = {}


def job_handler(kind: str):
    def register(func):
        _HANDLERS[kind] = func
        return func

    return register


def enqueue(kind: str, payload: dict | None = None, user=None, run_after=None) -> Job:
    return Job.objects.create(
        kind=kind,
        payload=payload or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
        run_after=run_after or timezone.now(),
    )


def report_progress(job: Job, done: int, total: int | None = None) -> None:
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    Job.objects.filter(pk=job.pk).update(**fields)


def claim_next() -> Job | None:
    """Claim the oldest due job; a conditional UPDATE decides which worker wins."""
    now = timezone.now()
    for job in Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=now).order_by(
        "run_after", "id"
    )[:5]:
        won = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
        )
        if won:
            job.refresh_from_db()
            return job
    return None


def run(job: Job) -> Job:
    """Run one claimed job; a failure is retried later with back-off, then marked failed."""
    handler = _HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        result = handler(job) or {}
    except Exception as exc:  # a job's failure must never stop the worker
        logger.exception("job %s failed", job.pk)
        job.log += f"{timezone.now().isoformat()} attempt {job.attempts}: {exc}\n"
        job.log += traceback.format_exc(limit=3)
        if job.attempts >= job.max_attempts:
            job.status = Job.Status.FAILED
            job.finished_at = timezone.now()
        else:
            job.status = Job.Status.QUEUED
            job.run_after = timezone.now() + timedelta(minutes=2**job.attempts)
        job.save(update_fields=["log", "status", "finished_at", "run_after"])
        return job
    job.status = Job.Status.DONE
    job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])
    return job


def run_pending(limit: int = 100) -> int:
    """Run due jobs until none is left or `limit` ran; returns how many ran."""
    count = 0
    while count < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        count += 1
    return count
