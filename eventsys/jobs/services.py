"""Job records: created with the request that asks for the work, updated by the worker.

Progress is written in its own short transaction so a page polling the job sees it while
the work goes on; the work itself commits once, at the end, or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsys.db import insert_object, utcnow
from eventsys.jobs.models import Job, JobStatus


def create_job(session, *, kind: str, params: dict[str, Any], actor=None, total: int = 0) -> Job:
    """A queued job, inserted at once (a registration queues its e-mail under the seat lock)."""
    return insert_object(
        session, Job, kind=kind, params=params, created_by_id=getattr(actor, "id", None), total=total
    )


def mark_running(job: Job) -> None:
    job.status = JobStatus.RUNNING
    job.progress = 0
    job.error = ""


def mark_done(job: Job, *, result: dict[str, Any], now: datetime | None = None) -> None:
    job.status = JobStatus.DONE
    job.result = result
    job.progress = job.total or job.progress
    job.finished_at = now or utcnow()


def mark_failed(job: Job, *, error: str, now: datetime | None = None) -> None:
    job.status = JobStatus.FAILED
    job.error = error[:2000]
    job.finished_at = now or utcnow()


def job_payload(job: Job) -> dict[str, Any]:
    """What the progress bar polls (also the CLI's view of a job)."""
    percent = round(100 * job.progress / job.total) if job.total else (100 if job.status == "done" else 0)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": str(job.status),
        "progress": job.progress,
        "total": job.total,
        "percent": min(percent, 100),
        "result": job.result,
        "error": job.error,
    }
