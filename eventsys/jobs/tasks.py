"""Running work as background jobs with a progress record (``Job``).

Declare work with :func:`job_task`; the decorated function receives the job, a database
session and a ``progress(done, total)`` callback, and returns a JSON-able result.
``progress`` commits the session: long work calls it between batches (say every 500 rows),
so it never holds the database's write lock for long and the page sees progress::

    @job_task("volunteer_import")
    def run_import(job, session, progress):
        ...
        return {"created": 10}

Start it after the request's commit with ``run_import.enqueue(job)``. If the queue cannot be
reached (Redis down), the job runs in the calling process on a thread instead: slower for
that request's process, but nothing is lost.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from flask import current_app, has_app_context
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from eventsys.db import db
from eventsys.jobs import services
from eventsys.jobs.models import Job
from eventsys.jobs.queue import huey

log = logging.getLogger(__name__)
_worker_app = None
#: what the queue's storage raises when it cannot take a task
QUEUE_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, sqlite3.OperationalError)


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
        self.task = self.queue.task(retries=retries, retry_delay=5, name=f"eventsys.{kind}")(self._run)

    def _run(self, job_id: int) -> None:
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
                services.mark_failed(job, error=f"{type(error).__name__}: {error}")
                session.commit()
                raise

    def enqueue(self, job: Job) -> threading.Thread | None:
        """Queue the job (call after the commit that created it).

        If the queue is unreachable, run the job on a thread of this process instead and
        return that thread (None when the job was queued).
        """
        try:
            self.task(job.id)
            return None
        except QUEUE_UNREACHABLE as error:
            if self.queue.immediate:
                raise
            log.warning(
                "job queue unreachable (%s); running job %s (%s) in-process", error, job.id, self.kind
            )
        thread = threading.Thread(
            target=self._run_detached, args=(_app(), job.id), name=f"job-{job.id}", daemon=True
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
    def decorator(function: Callable) -> JobTask:
        return JobTask(kind, function, retries)

    return decorator
