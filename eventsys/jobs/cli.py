"""``flask --app app jobs worker | recover | restart ID``: the background worker and its jobs."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from eventsys.db import begin_write, db
from eventsys.errors import DomainError

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker(workers: int) -> None:
    """Run jobs (imports, bulk certificates, e-mail) until stopped; once a day (03:17 UTC)
    it also removes stored files older than FILE_RETENTION_DAYS."""
    import eventsys.jobs.registry  # noqa: F401  - registers every task on the queue
    from eventsys.jobs.queue import huey

    click.echo(f"jobs worker: {type(huey).__name__}, {workers} threads")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


@jobs_cli.command("recover")
def recover() -> None:
    """Mark jobs left running (after a restore, or a worker killed mid-job) as failed, so
    they can be restarted. Run it while no worker is running."""
    from eventsys.jobs.services import recover_interrupted

    begin_write(db.session)
    jobs = recover_interrupted(db.session)
    db.session.commit()
    for job in jobs:
        click.echo(f"job {job.id} ({job.kind}) marked failed; restart it with: flask jobs restart {job.id}")
    click.echo(f"{len(jobs)} interrupted job(s) marked failed.")


@jobs_cli.command("restart")
@click.argument("job_id", type=int)
def restart_command(job_id: int) -> None:
    """Queue a failed job again, from the start."""
    import eventsys.jobs.registry  # noqa: F401  - every task known
    from eventsys.jobs.services import restart
    from eventsys.jobs.tasks import TASKS

    begin_write(db.session)
    try:
        job = restart(db.session, job_id=job_id)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    if job.kind not in TASKS:
        db.session.rollback()
        raise click.ClickException(f"no task for jobs of kind {job.kind}")
    db.session.commit()
    TASKS[job.kind].enqueue_id(job.id)
    click.echo(f"job {job.id} ({job.kind}) queued again.")


commands = [jobs_cli]
