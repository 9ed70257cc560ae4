"""Redis down must not lose work: a job that cannot be queued runs in-process instead."""

import shutil
import socket
import subprocess
import time

import pytest
from huey import RedisHuey

from eventsys.db import db
from eventsys.jobs.models import Job, JobStatus
from eventsys.jobs.services import create_job
from eventsys.jobs.tasks import JobTask


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _count(job, session, progress):
    progress(3, 3)
    return {"counted": job.params["n"]}


def _fail(job, session, progress):
    raise RuntimeError("the work itself failed")


def _new_job(n=7):
    job = create_job(db.session, kind="fallback_test", params={"n": n})
    db.session.commit()
    return job


def test_job_runs_in_process_when_redis_is_unreachable(app):
    dead = RedisHuey("eventsys-fallback-test", url=f"redis://127.0.0.1:{_free_port()}/0")
    task = JobTask("fallback_count", _count, retries=0, queue=dead)
    job = _new_job()
    thread = task.enqueue(job)
    assert thread is not None, "the job should have run here, Redis is down"
    thread.join(timeout=30)
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.result == {"counted": 7} and job.progress == 3


def test_failing_job_in_process_is_recorded_as_failed(app):
    dead = RedisHuey("eventsys-fallback-test", url=f"redis://127.0.0.1:{_free_port()}/0")
    job = _new_job()
    JobTask("fallback_fail", _fail, retries=0, queue=dead).enqueue(job).join(timeout=30)
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED and "the work itself failed" in job.error


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server (Debian's package) on a free port, no persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait()


def test_job_is_queued_when_redis_answers_and_run_here_once_it_is_gone(app, redis_server):
    queue = RedisHuey("eventsys-fallback-test", url=redis_server)
    task = JobTask("fallback_queued", _count, retries=0, queue=queue)
    job = _new_job()
    assert task.enqueue(job) is None
    assert queue.pending_count() == 1  # waiting for a worker, as in production
    queue.storage.conn.shutdown(nosave=True)  # Redis goes away
    second = _new_job(n=9)
    task.enqueue(second).join(timeout=30)
    db.session.rollback()
    assert db.session.get(Job, second.id).result == {"counted": 9}
