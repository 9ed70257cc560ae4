"""``flask --app app jobs worker``: run the background worker (Huey consumer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker(workers: int) -> None:
    """Run jobs (imports, bulk certificates, e-mail) until stopped."""
    import eventsys.jobs.registry  # noqa: F401  - registers every task on the queue
    from eventsys.jobs.queue import huey

    click.echo(f"jobs worker: {type(huey).__name__}, {workers} threads")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()


commands = [jobs_cli]
