"""Background jobs (imports, bulk certificates, e-mail) and their progress records."""

from __future__ import annotations


def init_app(app) -> None:
    """Tests (and ``JOBS_IMMEDIATE``) run tasks synchronously, in-process."""
    from eventsys.jobs.queue import huey

    if app.testing or app.config.get("JOBS_IMMEDIATE"):
        huey.immediate = True
