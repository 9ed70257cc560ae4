"""Background jobs: all of an event's certificates as one file, and e-mailing certificates."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from eventsys.certificates import services
from eventsys.events.models import Event
from eventsys.jobs.tasks import job_task
from eventsys.mail import Attachment, OutgoingMail, deliver


def export_dir() -> Path:
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_dir() -> str:
    return str(Path(current_app.instance_path) / "uploads")


def render_time_limit() -> float:
    """Seconds one PDF document may take to render (PDF_RENDER_TIMEOUT): a request's, a
    per-person job's, and each document of a bulk run (job or CLI)."""
    return float(current_app.config.get("PDF_RENDER_TIMEOUT", 30.0))


def export_path(job_id: int, output: str) -> Path:
    return export_dir() / f"certificates-{job_id}.{'pdf' if output == 'pdf' else 'zip'}"


@job_task("certificates_bulk")
def bulk_certificates(job, session, progress):
    """``params``: ``event_id``, ``output`` ("zip" or "pdf"). Writes the file to instance/exports."""
    event = session.get(Event, job.params["event_id"])
    output = job.params.get("output", "zip")
    made = services.bulk_render(
        session,
        event=event,
        upload_dir=upload_dir(),
        base_url=current_app.config["BASE_URL"],
        output=output,
        processes=int(current_app.config.get("CERTIFICATE_PROCESSES", 2)),
        progress=progress,
        time_limit=render_time_limit(),
    )
    path = export_path(job.id, output)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(made.data)
    temporary.replace(path)
    # certificates whose render was stopped are named on the job's page (the job is not failed:
    # the file holds every other certificate)
    return {"file": path.name, "bytes": len(made.data), "count": made.count, "failed": made.failed}


@job_task("certificates_email")
def email_certificates(job, session, progress):
    """``params``: ``event_id``. Sends each valid certificate to its holder's e-mail address."""
    event = session.get(Event, job.params["event_id"])
    certificates = [
        c
        for c in services.event_certificates(session, event=event)
        if c.is_valid and c.registration.volunteer.email
    ]
    outbox = Path(current_app.instance_path) / "outbox"
    sent = 0
    progress(0, len(certificates))
    for certificate in certificates:
        volunteer = certificate.registration.volunteer
        data = services.render_certificate_pdf(
            session,
            certificate,
            upload_dir=upload_dir(),
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
        deliver(mail, config=current_app.config, outbox=outbox)
        sent += 1
        if sent % 20 == 0:
            progress(sent)
    return {"sent": sent}
