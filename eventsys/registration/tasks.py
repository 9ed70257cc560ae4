"""Registration e-mail as background jobs, retried, started after the commit."""

from __future__ import annotations

from flask import current_app

from eventsys.files import FileStore, current_store
from eventsys.jobs.tasks import enqueue_queued, job_task
from eventsys.mail import deliver
from eventsys.registration.identity import MESSAGE_JOB
from eventsys.registration.models import Registration
from eventsys.registration.services import MAIL_JOB


def outbox_store() -> FileStore:
    """Where kept messages go (``outbox/`` of the app's file store)."""
    return current_store()


@job_task(MAIL_JOB, retries=3)
def send_registration_mail(job, session, progress):
    from eventsys.registration.notices import base_url, build_notice

    registration = session.get(Registration, job.params["registration_id"])
    if registration is None or not registration.volunteer.email:
        return {"skipped": "no registration or no e-mail"}
    with current_app.test_request_context("/", base_url=base_url()):
        mail = build_notice(registration, job.params["notice"])
    sent = deliver(
        mail, config=current_app.config, outbox=outbox_store(), volunteer_id=registration.volunteer_id
    )
    # no address in the result: the job row outlives the person's erasure
    return {"sent": sent, "notice": job.params["notice"]}


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


@job_task(MESSAGE_JOB, retries=3)
def send_identity_message(job, session, progress):
    """A code, a change notice or a manage link, by SMS and/or e-mail. A code is removed
    from the job's record once sent: only its hash stays (on the verification)."""
    from flask_babel import force_locale

    from eventsys.events.models import Event
    from eventsys.mail import OutgoingMail
    from eventsys.registration.notices import IDENTITY_SUBJECTS, base_url, identity_text, manage_url
    from eventsys.sms import OutgoingSms, deliver_sms

    params = dict(job.params)
    message = params["message"]
    registrations = [
        r for r in (session.get(Registration, i) for i in params.get("registration_ids", [])) if r is not None
    ]
    event = session.get(Event, params["event_id"]) if params.get("event_id") else None
    if event is None and registrations:
        event = registrations[0].event
    sent = []
    volunteer_id = registrations[0].volunteer_id if registrations else params.get("volunteer_id")
    with (
        current_app.test_request_context("/", base_url=base_url()),
        force_locale(params.get("language") or "th"),
    ):
        links = [(r.event.title, manage_url(r)) for r in registrations]
        text = identity_text(message, params, event_title=event.title if event else "", links=links)
        if params.get("to_phone"):
            deliver_sms(
                OutgoingSms(to=params["to_phone"], text=text),
                config=current_app.config,
                outbox=outbox_store(),
                volunteer_id=volunteer_id,
            )
            sent.append("sms")
        if params.get("to_email"):
            subject = IDENTITY_SUBJECTS[message] % {"code": params.get("code", "")}
            mail = OutgoingMail(to=params["to_email"], subject=str(subject), text=text)
            deliver(mail, config=current_app.config, outbox=outbox_store(), volunteer_id=volunteer_id)
            sent.append("email")
    if "code" in params:
        params["code"] = "(sent)"
        job.params = params
        session.flush()
    return {"sent": sent, "message": message}
