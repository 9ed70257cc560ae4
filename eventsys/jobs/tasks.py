"""Running work as background jobs with a progress record (``Job``).

Declare work with :func:`job_task`; the decorated function receives the job, a database
session and a ``progress(done, total)`` callback, and returns a JSON-able result.
``progress`` commits the session: long work calls it between batches (say every 500 rows),
so it never holds the database's write lock for long and the page sees progress::

    @job_task("volunteer_import")
    def run_import(job, session, progress):
        ...
        return {"created": 10}

Start it after the request's commit with ``run_import.enqueue(job)``, or queue it in the
transaction with ``jobs.services.queue_after_commit(session, job)`` and call
:func:`enqueue_queued` after the commit (any kind: the task is found by the job's kind). If the
queue cannot be reached (Redis down), the job runs in the calling process on a thread
instead: slower for that request's process, but nothing is lost.

A failed attempt of a task with retries left leaves its job ``queued`` with the error; only
the last failure marks it ``failed``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from flask import current_app, has_app_context
from huey import crontab
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from eventsys.db import db
from eventsys.files import current_store
from eventsys.jobs import services
from eventsys.jobs.models import Job
from eventsys.jobs.queue import huey
from eventsys.sms import SMS_JOB, OutgoingSms, deliver_sms

log = logging.getLogger(__name__)
_worker_app = None
#: what the queue's storage raises when it cannot take a task
QUEUE_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, sqlite3.OperationalError)
#: the task of each job kind declared with :func:`job_task`, for :func:`enqueue_queued`
TASKS: dict[str, JobTask] = {}


def _app():
    """The Flask app for a task: the current one (immediate mode) or one per worker process."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from eventsys import create_app

        _worker_app = create_app()
    return _worker_app


class JobTask:
    def __init__(self, kind: str, function: Callable, retries: int, queue=None):
        self.kind = kind
        self.function = function
        self.queue = queue or huey
        self.task = self.queue.task(retries=retries, retry_delay=5, name=f"eventsys.{kind}", context=True)(
            self._run
        )

    def _run(self, job_id: int, task=None) -> None:
        """Run the job; ``task`` is the queue's task (None in-process), which says whether
        the queue will try again after a failure."""
        app = _app()
        with app.app_context():
            session = db.session
            job = session.get(Job, job_id)
            if job is None:
                log.warning("job %s vanished", job_id)
                return
            services.mark_running(job)
            session.commit()

            def progress(done: int, total: int | None = None) -> None:
                job.progress = done
                if total is not None:
                    job.total = total
                session.commit()

            try:
                result = self.function(job, session, progress)
                job = session.get(Job, job_id)
                session.refresh(job)
                services.mark_done(job, result=result or {})
                session.commit()
            except Exception as error:  # the job records the failure; the worker goes on
                session.rollback()
                log.exception("job %s (%s) failed", job_id, self.kind)
                job = session.get(Job, job_id)
                message = f"{type(error).__name__}: {error}"
                if task is not None and task.retries > 0:
                    services.mark_retrying(job, error=message)
                else:
                    services.mark_failed(job, error=message)
                session.commit()
                raise

    def enqueue(self, job: Job) -> threading.Thread | None:
        """Queue the job (call after the commit that created it).

        If the queue is unreachable, run the job on a thread of this process instead and
        return that thread (None when the job was queued).
        """
        return self.enqueue_id(job.id)

    def enqueue_id(self, job_id: int) -> threading.Thread | None:
        """:meth:`enqueue` for a job known by its id (no need to load the row)."""
        try:
            self.task(job_id)
            return None
        except QUEUE_UNREACHABLE as error:
            if self.queue.immediate:
                raise
            log.warning(
                "job queue unreachable (%s); running job %s (%s) in-process", error, job_id, self.kind
            )
        thread = threading.Thread(
            target=self._run_detached, args=(_app(), job_id), name=f"job-{job_id}", daemon=True
        )
        thread.start()
        return thread

    def _run_detached(self, app, job_id: int) -> None:
        with app.app_context():
            try:
                self._run(job_id)
            except Exception:  # noqa: BLE001 - already logged and recorded on the job by _run
                pass

    def run_now(self, job: Job) -> None:
        """Run in this process and thread (CLI commands with a progress bar)."""
        self._run(job.id)


def job_task(kind: str, *, retries: int = 0) -> Callable[[Callable], JobTask]:
    """Declare ``kind``'s work (see the module docstring); :func:`enqueue_queued` finds it."""

    def decorator(function: Callable) -> JobTask:
        task = JobTask(kind, function, retries)
        TASKS[kind] = task
        return task

    return decorator


def enqueue_queued(session) -> None:
    """Start the jobs queued with ``queue_after_commit`` in ``session`` (call after the commit).

    A queue that is down is logged, never raised: the change that queued them is committed
    and must not fail because a message cannot go out yet.
    """
    for kind, job_id in services.take_queued_jobs(session):
        task = TASKS.get(kind)
        if task is None:  # its feature's tasks module is not imported yet in this process
            import eventsys.jobs.registry  # noqa: F401 - imports every feature's tasks

            task = TASKS.get(kind)
        if task is None:
            log.error("no task for job %s of kind %s", job_id, kind)
            continue
        try:
            task.enqueue_id(job_id)
        except Exception:  # noqa: BLE001 - sending must never break the request
            log.exception("could not queue job %s (%s)", job_id, kind)


# --- housekeeping ------------------------------------------------------------------------------


@huey.periodic_task(crontab(minute="17", hour="3"), name="eventsys.purge_files")
def purge_files_daily() -> int:
    """Remove stored files older than ``FILE_RETENTION_DAYS`` (``flask jobs worker`` runs
    this daily at 03:17 UTC; ``flask files purge`` does the same from cron)."""
    from eventsys.files import purge_current

    with _app().app_context():
        removed = purge_current()
        db.session.remove()
    log.info("purged %s expired stored files", removed)
    return removed


# --- SMS -------------------------------------------------------------------------------------


@job_task(SMS_JOB, retries=3)
def send_sms(job, session, progress):
    """Send the SMS of a job made by ``eventsys.sms.queue_sms``. Raises when the gateway does
    not take it, so the queue tries again. Its text is in the job, never in the log."""
    config = current_app.config
    sent = deliver_sms(
        OutgoingSms(to=job.params["to"], text=job.params["text"]),
        config=config,
        outbox=current_store(),
        volunteer_id=job.params.get("volunteer_id"),
    )
    return {"sent": sent, "backend": config.get("SMS_BACKEND") or "outbox"}
