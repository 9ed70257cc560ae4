"""Registration e-mail as background jobs, retried, started after the commit."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from eventsys.jobs.tasks import enqueue_queued, job_task
from eventsys.mail import deliver
from eventsys.registration.models import Registration
from eventsys.registration.services import MAIL_JOB


def outbox_path() -> Path:
    return Path(current_app.instance_path) / "outbox"


@job_task(MAIL_JOB, retries=3)
def send_registration_mail(job, session, progress):
    from eventsys.registration.notices import base_url, build_notice

    registration = session.get(Registration, job.params["registration_id"])
    if registration is None or not registration.volunteer.email:
        return {"skipped": "no registration or no e-mail"}
    with current_app.test_request_context("/", base_url=base_url()):
        mail = build_notice(registration, job.params["notice"])
    sent = deliver(mail, config=current_app.config, outbox=outbox_path())
    return {"sent": sent, "to": mail.to, "notice": job.params["notice"]}


def commit_and_notify(session) -> None:
    """Commit the change, then start the e-mails (and any other jobs: SMS …) it queued: the
    one way a request ends that may have registered, promoted or cancelled someone."""
    session.commit()
    send_notices(session)


def send_notices(session) -> None:
    """Start the jobs queued in ``session`` for after the commit: the registration services'
    e-mail and any other kind (``jobs.tasks.enqueue_queued``). Call after the commit.

    A queue that is down is logged, never raised: registration does not depend on mail.
    """
    enqueue_queued(session)
