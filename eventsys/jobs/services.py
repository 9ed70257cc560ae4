"""Job records: created with the request that asks for the work, updated by the worker.

Progress is written in its own short transaction so a page polling the job sees it while
the work goes on; the work itself commits once, at the end, or not at all.

Work that must follow a change (an e-mail, an SMS) is queued with :func:`queue_after_commit`
in the change's transaction and started by ``jobs.tasks.enqueue_queued`` after the commit:
a rolled-back change sends nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventsys.db import insert_object, utcnow
from eventsys.errors import Conflict, NotFound
from eventsys.jobs.models import Job, JobStatus

#: most a job's stored result may take, serialised (the page that shows it reads it whole;
#: anything longer, such as every row of an import, belongs in a report file)
MAX_RESULT_BYTES = 256 * 1024
#: longest text kept in a stored result (a name or a reason in a table on the job page)
MAX_RESULT_TEXT = 300
#: longest text of the polling answer's summary, and of its error
MAX_SUMMARY_TEXT = 200

#: ``session.info`` key of the jobs to start after the commit: ``[(kind, job id), …]``
QUEUED_JOBS = "eventsys.queued_jobs"


def create_job(session, *, kind: str, params: dict[str, Any], actor=None, total: int = 0) -> Job:
    """A queued job, inserted at once (a registration queues its e-mail under the seat lock)."""
    return insert_object(
        session, Job, kind=kind, params=params, created_by_id=getattr(actor, "id", None), total=total
    )


def queue_after_commit(session, job: Job) -> None:
    """Start ``job`` once this session's transaction commits (``jobs.tasks.enqueue_queued``).

    Keeps the kind with the id, so starting it needs no query; nothing is read from ``job``
    but what :func:`create_job` set.
    """
    session.info.setdefault(QUEUED_JOBS, []).append((job.kind, job.id))


def take_queued_jobs(session, *, kind: str | None = None) -> list[tuple[str, int]]:
    """The ``(kind, id)`` of the jobs queued in this session (all, or of ``kind``), removed
    from the queue: call after the commit."""
    queued = session.info.pop(QUEUED_JOBS, [])
    if kind is None:
        return queued
    kept = [entry for entry in queued if entry[0] != kind]
    if kept:
        session.info[QUEUED_JOBS] = kept
    return [entry for entry in queued if entry[0] == kind]


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_queued_jobs(session, previous_transaction) -> None:
    """A rolled-back transaction's jobs are gone with it: forget their ids too, so no caller
    has to remember (savepoints rolled back inside it keep them)."""
    if not previous_transaction.nested and previous_transaction.parent is None:
        session.info.pop(QUEUED_JOBS, None)


def mark_running(job: Job) -> None:
    job.status = JobStatus.RUNNING
    job.progress = 0
    job.error = ""


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())


def _cut_texts(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, dict):
        return {key: _cut_texts(item, limit) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cut_texts(item, limit) for item in value]
    return value


def bounded_result(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` as a job may store it: every text cut to :data:`MAX_RESULT_TEXT`, then the
    longest top-level list halved until the whole serialises within :data:`MAX_RESULT_BYTES`
    (``"truncated": true`` then says so). A hostile import once made a 4 MB result that every
    poll of the progress bar carried."""
    bounded = _cut_texts(result, MAX_RESULT_TEXT)
    while _size(bounded) > MAX_RESULT_BYTES:
        lists = [key for key, item in bounded.items() if isinstance(item, list) and item]
        if not lists:
            return {"truncated": True}
        longest = max(lists, key=lambda key: _size(bounded[key]))
        bounded[longest] = bounded[longest][: len(bounded[longest]) // 2]
        bounded["truncated"] = True
    return bounded


def result_summary(result: dict[str, Any] | None) -> dict[str, Any]:
    """The small part of a result a poll needs: numbers, flags, short texts and counts
    (a dict of numbers); a list is given as its length only."""
    summary: dict[str, Any] = {}
    for key, value in (result or {}).items():
        if value is None or isinstance(value, bool | int | float):
            summary[key] = value
        elif isinstance(value, str):
            summary[key] = _cut_texts(value, MAX_SUMMARY_TEXT)
        elif isinstance(value, dict) and all(isinstance(v, int | float) for v in value.values()):
            summary[key] = dict(list(value.items())[:20])
        elif isinstance(value, list):
            summary[f"{key}_count"] = len(value)
    return summary


def mark_done(job: Job, *, result: dict[str, Any], now: datetime | None = None) -> None:
    job.status = JobStatus.DONE
    job.result = bounded_result(result)
    job.progress = job.total or job.progress
    job.finished_at = now or utcnow()


def mark_failed(job: Job, *, error: str, now: datetime | None = None) -> None:
    job.status = JobStatus.FAILED
    job.error = error[:2000]
    job.finished_at = now or utcnow()


def mark_retrying(job: Job, *, error: str) -> None:
    """An attempt failed and the queue will try again: the job is queued, not failed, so
    nobody retries it by hand meanwhile (and sends twice); the error shows why it waits."""
    job.status = JobStatus.QUEUED
    job.error = error[:2000]
    job.finished_at = None


def job_payload(job: Job) -> dict[str, Any]:
    """What the progress bar polls (also the CLI's view of a job): the state and a summary of
    the result (:func:`result_summary`), never the whole of it; the job's page has the rest."""
    percent = round(100 * job.progress / job.total) if job.total else (100 if job.status == "done" else 0)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": str(job.status),
        "progress": job.progress,
        "total": job.total,
        "percent": min(percent, 100),
        "result": result_summary(job.result),
        "error": _cut_texts(job.error or "", MAX_SUMMARY_TEXT * 5),
    }


def recover_interrupted(session, *, now: datetime | None = None) -> list[Job]:
    """Mark every ``running`` job failed: after a restore (or a worker killed mid-job) no
    worker is running them any more, and a job left ``running`` would never end. Run it when
    no worker is running (``flask jobs recover``); each can then be restarted."""
    jobs = list(session.scalars(select(Job).where(Job.status == JobStatus.RUNNING).order_by(Job.id)))
    for job in jobs:
        mark_failed(
            job,
            error="Interrupted: the job was running when the worker stopped or the database was restored.",
            now=now,
        )
    return jobs


def restart(session, *, job_id: int) -> Job:
    """Put a failed job back in the queue, from the start (the caller commits, then enqueues
    it). Raises NotFound for no such job, Conflict for a job that has not failed."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(_l("No such job."))
    if job.status != JobStatus.FAILED:
        raise Conflict(_l("Only a failed job can be restarted."))
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.error = ""
    job.finished_at = None
    return job


#: job kinds whose result lists people (the first rows of an import's outcome, by name)
RESULTS_WITH_PEOPLE = ("volunteer_import",)


def forget_expired_results(session, *, before: datetime) -> int:
    """Drop the list of people from the results of jobs finished before ``before`` (their
    report file expires at the same age); the counts stay. Returns how many jobs changed."""
    changed = 0
    jobs = session.scalars(
        select(Job).where(
            Job.kind.in_(RESULTS_WITH_PEOPLE), Job.finished_at < before, Job.status == JobStatus.DONE
        )
    )
    for job in jobs:
        if job.result and "rows" in job.result:
            job.result = {**{k: v for k, v in job.result.items() if k != "rows"}, "rows": [], "expired": True}
            changed += 1
    return changed
