"""Messages that could not be delivered: registration e-mail and SMS jobs whose last attempt
failed, for the admins' outbox page (with a button to try again) and a count on the
organizer's console.

A job is listed only once the queue has given up on it (status ``failed``); while retries
remain it is ``queued``. Addresses and numbers are shown masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from eventsys.errors import Conflict
from eventsys.jobs.models import Job, JobStatus
from eventsys.jobs.services import queue_after_commit
from eventsys.masking import mask_email, mask_phone
from eventsys.registration.identity import MESSAGE_JOB
from eventsys.registration.models import Registration
from eventsys.registration.services import MAIL_JOB
from eventsys.sms import SMS_JOB
from eventsys.volunteers.models import Volunteer

DELIVERY_KINDS = (MAIL_JOB, SMS_JOB, MESSAGE_JOB)


@dataclass(frozen=True)
class FailedDelivery:
    job_id: int
    channel: str  #: "email" or "sms"
    recipient: str  #: masked
    purpose: str  #: the notice ("confirmed") or the SMS's purpose
    error: str
    failed_at: datetime | None


def failed_deliveries(session, *, limit: int = 100) -> list[FailedDelivery]:
    """The failed e-mail and SMS jobs, newest first."""
    jobs = list(
        session.scalars(
            select(Job)
            .where(Job.kind.in_(DELIVERY_KINDS), Job.status == JobStatus.FAILED)
            .order_by(Job.finished_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )
    registration_ids = {job.params.get("registration_id") for job in jobs if job.kind == MAIL_JOB}
    emails = dict(
        session.execute(
            select(Registration.id, Volunteer.email)
            .join(Volunteer, Volunteer.id == Registration.volunteer_id)
            .where(Registration.id.in_(registration_ids - {None}))
        ).all()
        if registration_ids
        else []
    )
    deliveries = []
    for job in jobs:
        if job.kind == SMS_JOB:
            channel, recipient = "sms", mask_phone(str(job.params.get("to", "")))
            purpose = str(job.params.get("purpose", ""))
        elif job.kind == MESSAGE_JOB:  # an identity code, change notice or link: SMS and/or e-mail
            phone, email = str(job.params.get("to_phone") or ""), str(job.params.get("to_email") or "")
            channel = "sms" if phone else "email"
            recipient = " · ".join(
                masked for masked in (phone and mask_phone(phone), email and mask_email(email)) if masked
            )
            purpose = str(job.params.get("message", ""))
        else:
            email = emails.get(job.params.get("registration_id"), "")
            channel, recipient = "email", mask_email(email) if email else "—"
            purpose = str(job.params.get("notice", ""))
        deliveries.append(
            FailedDelivery(
                job_id=job.id,
                channel=channel,
                recipient=recipient,
                purpose=purpose,
                error=job.error,
                failed_at=job.finished_at,
            )
        )
    return deliveries


def count_failed_deliveries(session, *, event_ids: Sequence[int] | None = None) -> int:
    """How many deliveries failed: all of them (``event_ids`` None, for admins), or the
    registration e-mails to people of ``event_ids`` (an SMS names no event, so it is not
    counted there)."""
    failed = select(func.count()).select_from(Job).where(Job.status == JobStatus.FAILED)
    if event_ids is None:
        return session.scalar(failed.where(Job.kind.in_(DELIVERY_KINDS)))
    if not event_ids:
        return 0
    registration_id = Job.params["registration_id"].as_integer()
    return session.scalar(
        failed.join(Registration, Registration.id == registration_id).where(
            Job.kind == MAIL_JOB, Registration.event_id.in_(event_ids)
        )
    )


def retry_delivery(session, *, job_id: int) -> Job:
    """Queue a failed e-mail or SMS job again, to start after the commit.

    One conditional UPDATE, so two people pressing "retry" at once send it once. Raises
    ``Conflict`` if the job is not a failed delivery (already retried, or not a message).
    """
    retried = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.kind.in_(DELIVERY_KINDS), Job.status == JobStatus.FAILED)
        .values(status=JobStatus.QUEUED, error="", finished_at=None, progress=0)
        .returning(Job.id)
    ).scalar_one_or_none()
    if retried is None:
        raise Conflict(_l("This message is not a failed delivery any more."))
    job = session.get(Job, job_id, populate_existing=True)
    queue_after_commit(session, job)
    return job
