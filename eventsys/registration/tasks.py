"""Registration e-mail as background jobs, retried, started after the commit."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from eventsys.jobs.models import Job
from eventsys.jobs.tasks import job_task
from eventsys.mail import deliver
from eventsys.registration.models import Registration
from eventsys.registration.services import MAIL_JOB, take_queued_notices

log = logging.getLogger(__name__)


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
    """Commit the change, then start the e-mails it queued: the one way a request ends
    that may have registered, promoted or cancelled someone."""
    session.commit()
    send_notices(session)


def send_notices(session) -> None:
    """Start the e-mail jobs queued by the registration services (call after the commit).

    A queue that is down is logged, never raised: registration does not depend on mail.
    """
    for job_id in take_queued_notices(session):
        try:
            job = session.get(Job, job_id)
            if job is not None:
                send_registration_mail.enqueue(job)
        except Exception:  # noqa: BLE001 - mail must never break the request
            log.exception("could not queue registration e-mail job %s", job_id)
