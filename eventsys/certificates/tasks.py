"""Background jobs: all of an event's certificates as one file, and e-mailing certificates."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from eventsys.certificates import services
from eventsys.events.models import Event
from eventsys.files import current_store, export_prefix
from eventsys.jobs.tasks import job_task
from eventsys.mail import Attachment, OutgoingMail, deliver


def upload_dir() -> str:
    """The folder printed documents may read files from (badges and sheets use none; the
    certificate designs' images come from the file store)."""
    return str(Path(current_app.instance_path) / "uploads")


def render_time_limit() -> float:
    """Seconds one PDF document may take to render (PDF_RENDER_TIMEOUT): a request's, a
    per-person job's, and each document of a bulk run (job or CLI)."""
    return float(current_app.config.get("PDF_RENDER_TIMEOUT", 30.0))


def export_key(event_id: int, job_id: int, output: str) -> str:
    return f"{export_prefix(event_id)}certificates-{job_id}.{'pdf' if output == 'pdf' else 'zip'}"


@job_task("certificates_bulk")
def bulk_certificates(job, session, progress):
    """``params``: ``event_id``, ``output`` ("zip" or "pdf"). Stores the file (``exports/``),
    kept ``FILE_RETENTION_DAYS``."""
    event = session.get(Event, job.params["event_id"])
    output = job.params.get("output", "zip")
    made = services.bulk_render(
        session,
        event=event,
        files=current_store(),
        base_url=current_app.config["BASE_URL"],
        output=output,
        processes=int(current_app.config.get("CERTIFICATE_PROCESSES", 2)),
        progress=progress,
        time_limit=render_time_limit(),
    )
    key = current_store().put(export_key(event.id, job.id, output), made.data)
    # certificates whose render was stopped are named on the job's page (the job is not failed:
    # the file holds every other certificate)
    return {
        "file": key.rsplit("/", 1)[1],
        "bytes": len(made.data),
        "count": made.count,
        "failed": made.failed,
    }


@job_task("certificates_email")
def email_certificates(job, session, progress):
    """``params``: ``event_id``. Sends each valid certificate to its holder's e-mail address."""
    event = session.get(Event, job.params["event_id"])
    certificates = [
        c
        for c in services.event_certificates(session, event=event)
        if c.is_valid and c.registration.volunteer.email
    ]
    store = current_store()
    sent = 0
    progress(0, len(certificates))
    for certificate in certificates:
        volunteer = certificate.registration.volunteer
        data = services.render_certificate_pdf(
            session,
            certificate,
            files=store,
            base_url=current_app.config["BASE_URL"],
            time_limit=render_time_limit(),
        )
        link = services.verify_url(current_app.config["BASE_URL"], certificate.verification_code)
        mail = OutgoingMail(
            to=volunteer.email,
            subject=f"เกียรติบัตร {event.title}",
            text=(
                f"เรียน {volunteer.full_name}\n\nขอบคุณที่เข้าร่วม {event.title} "
                f"เกียรติบัตรของท่านแนบมากับอีเมลนี้ (เลขที่ {certificate.serial})\n"
                f"ตรวจสอบความถูกต้องได้ที่ {link}\n"
            ),
            attachments=[Attachment(services.certificate_filename(certificate), "application/pdf", data)],
        )
        deliver(mail, config=current_app.config, outbox=store, volunteer_id=volunteer.id)
        session.commit()  # a kept message (FILE_STORE=database) is saved as it is sent
        sent += 1
        if sent % 20 == 0:
            progress(sent)
    return {"sent": sent}
