"""Certificate pages: the organizer's design/issue/download page, printed documents, the
public verification page and the attendee's download through their manage link."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from eventsys import audit
from eventsys.accounts.models import Role
from eventsys.certificates import documents, services, tasks, uploads
from eventsys.certificates.forms import BulkForm, DesignForm, IssueForm, RevokeForm
from eventsys.certificates.models import CertificateDesign
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import Conflict, RuleViolation
from eventsys.events.services import get_managed_event
from eventsys.extensions import limiter
from eventsys.files import FileMissing, current_store
from eventsys.i18n import format_datetime
from eventsys.jobs.models import Job
from eventsys.jobs.services import create_job
from eventsys.registration import export as export_module
from eventsys.registration.models import Registration
from eventsys.registration.tickets import signer
from eventsys.web import public, role_required

bp = Blueprint("certificates", __name__)


@bp.app_template_global("valid_certificate_of")
def valid_certificate_of(registration: Registration):
    """The person's valid certificate, or None: the manage page links to it only if it exists."""
    certificate = services.certificate_of_registration(db.session, registration)
    return certificate if certificate is not None and certificate.is_valid else None


MANAGE = "/manage/events/<int:event_id>/certificates"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An ASCII file name for old clients and the real one (Thai serials) per RFC 6266."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "_" for c in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": content_disposition(filename, inline=inline),
            "Cache-Control": "private, no-store",
        },
    )


def _event(event_id: int):
    return get_managed_event(db.session, event_id, user=current_user)


def _fill_form(form: DesignForm, design: CertificateDesign, event) -> None:
    form.session_ids.choices = [SelectChoice(s.id, s.title) for s in event.sessions]
    if request.method == "GET":
        form.title.data = design.title
        form.body.data = design.body
        form.language.data = design.language
        form.use_thai_digits.data = design.use_thai_digits
        form.paper.data = design.paper
        form.hours.data = design.hours
        form.serial_pattern.data = design.serial_pattern
        rule = design.eligibility or {"kind": "event"}
        form.eligibility.data = rule.get("kind", "event")
        form.min_sessions.data = rule.get("n")
        form.session_ids.data = rule.get("ids", [])
        for entry, signatory in zip(form.signatories.entries, design.signatories or [], strict=False):
            entry.form.name.data = signatory.get("name")
            entry.form.position.data = signatory.get("position")


def _rule(form: DesignForm) -> dict:
    return {"kind": form.eligibility.data, "n": form.min_sessions.data, "ids": form.session_ids.data or []}


def _upload(file, field: str) -> str | None:
    if not file or not getattr(file, "filename", ""):
        return None
    limit = int(current_app.config.get("CERTIFICATE_UPLOAD_MAX_BYTES", uploads.MAX_UPLOAD_BYTES))
    return uploads.store_image(file.read(limit + 1), files=current_store(), field=field, max_bytes=limit)


def _form_field(form: DesignForm, name: str):
    """The field a RuleViolation names: ``logo``, or ``signatories-1-signature`` inside the list."""
    if name.startswith("signatories-"):
        _prefix, index, subfield = name.split("-", 2)
        entries = form.signatories.entries
        if index.isdigit() and int(index) < len(entries):
            return getattr(entries[int(index)].form, subfield, None)
        return None
    return getattr(form, name, None)


def _apply_form_errors(form: DesignForm, error: RuleViolation) -> None:
    for name, message in error.fields.items():
        target = _form_field(form, name) or form.eligibility
        target.errors = [*list(target.errors or []), str(message)]


@bp.route(MANAGE, methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def design(event_id: int):
    """The design, the list of issued certificates and every action on them."""
    begin_write(db.session)  # the first visit creates the default design
    event = _event(event_id)
    design = services.get_design(db.session, event=event)
    db.session.commit()
    form = DesignForm()
    _fill_form(form, design, event)
    if form.validate_on_submit():
        begin_write(db.session)
        design = services.get_design(db.session, event=event)
        try:
            signatories = []
            old = design.signatories or []
            for index, entry in enumerate(form.signatories.entries):
                path = _upload(entry.form.signature.data, f"signatories-{index}-signature")
                kept = old[index].get("signature_path", "") if index < len(old) else ""
                if entry.form.remove_signature.data:
                    kept = ""
                signatories.append(
                    {"name": entry.form.name.data or "", "position": entry.form.position.data or "",
                     "signature_path": path if path is not None else kept}
                )  # fmt: skip
            logo = _upload(form.logo.data, "logo")
            background = _upload(form.background.data, "background")
            services.save_design(
                db.session,
                event=event,
                actor=current_user,
                now=utcnow(),
                title=form.title.data,
                body=form.body.data,
                language=form.language.data,
                use_thai_digits=form.use_thai_digits.data,
                paper=form.paper.data,
                hours=form.hours.data,
                serial_pattern=form.serial_pattern.data,
                eligibility=_rule(form),
                signatories=signatories,
                logo_path="" if form.remove_logo.data else logo,
                background_path="" if form.remove_background.data else background,
            )
        except RuleViolation as error:
            db.session.rollback()
            _apply_form_errors(form, error)
        else:
            db.session.commit()
            flash(_("The certificate design was saved."), "success")
            return redirect(url_for("certificates.design", event_id=event.id))
    certificates = services.event_certificates(db.session, event=event)
    # a POST that reaches this point was refused (an image, or the form): 422 with the errors
    status = 422 if request.method == "POST" else 200
    return render_template(
        "certificates/design.html",
        event=event,
        design=design,
        form=form,
        certificates=certificates,
        eligible_count=len(services.eligible_registrations(db.session, event=event, include_issued=False)),
        revoke_form=RevokeForm(),
        issue_form=IssueForm(),
        issued_early=services.issued_early(event, now=utcnow()),
        agenda_hours=services.default_hours(event),
        bulk_form=BulkForm(),
        label_sizes=documents.LABEL_SIZES,
    ), status


@bp.route(MANAGE + "/preview.pdf", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def preview(event_id: int):
    """A sample certificate: the saved design (GET) or the form's unsaved values (POST)."""
    event = _event(event_id)
    saved = services.get_design(db.session, event=event)
    sample = CertificateDesign(
        event_id=event.id,
        title=saved.title,
        body=saved.body,
        language=saved.language,
        use_thai_digits=saved.use_thai_digits,
        paper=saved.paper,
        hours=saved.hours,
        serial_pattern=saved.serial_pattern,
        logo_path=saved.logo_path,
        background_path=saved.background_path,
        signatories=saved.signatories,
    )
    if request.method == "POST":
        form = DesignForm()
        form.session_ids.choices = [SelectChoice(s.id, s.title) for s in event.sessions]
        if not form.validate():
            abort(400)
        sample.title, sample.body = form.title.data, form.body.data
        sample.language = form.language.data
        sample.use_thai_digits = form.use_thai_digits.data
        sample.paper, sample.hours = form.paper.data, form.hours.data
        sample.serial_pattern = form.serial_pattern.data
        sample.signatories = [
            {**(saved.signatories[i] if i < len(saved.signatories or []) else {}),
             "name": e.form.name.data or "", "position": e.form.position.data or ""}
            for i, e in enumerate(form.signatories.entries) if (e.form.name.data or "").strip()
        ]  # fmt: skip
        try:
            services.validate_body(sample.body)
            services.validate_serial_pattern(sample.serial_pattern)
        except RuleViolation as error:
            return Response(str(error.message), status=422, mimetype="text/plain")
    data = services.sample_pdf(
        sample,
        event,
        files=current_store(),
        base_url=current_app.config["BASE_URL"],
        time_limit=tasks.render_time_limit(),
    )
    db.session.rollback()
    return pdf_response(data, "preview.pdf", inline=True)


@bp.post(MANAGE + "/issue")
@role_required(Role.ORGANIZER)
def issue(event_id: int):
    """Issue to everyone eligible; before the event has ended, only with the box ticked."""
    begin_write(db.session)
    event = _event(event_id)
    form = IssueForm()
    form.validate_on_submit()  # CSRF; the box is optional
    try:
        issued = services.issue_certificates(
            db.session,
            event=event,
            actor=current_user,
            now=utcnow(),
            refuse_early=not form.confirm_early.data,
        )
    except Conflict as error:
        if error.code != "event_not_ended":
            raise  # a serial printed at the same moment: the 409 page
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("certificates.design", event_id=event_id))
    db.session.commit()
    flash(_("%(count)d certificates issued.", count=len(issued)), "success")
    return redirect(url_for("certificates.design", event_id=event_id))


@bp.post(MANAGE + "/<int:certificate_id>/revoke")
@role_required(Role.ORGANIZER)
def revoke(event_id: int, certificate_id: int):
    begin_write(db.session)
    event = _event(event_id)
    certificate = services.get_event_certificate(db.session, event=event, certificate_id=certificate_id)
    form = RevokeForm()
    try:
        services.revoke_certificate(
            db.session,
            certificate=certificate,
            actor=current_user,
            reason=form.reason.data or "",
            now=utcnow(),
        )
    except RuleViolation as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Certificate %(serial)s revoked.", serial=certificate.serial), "success")
    return redirect(url_for("certificates.design", event_id=event_id))


@bp.get(MANAGE + "/<int:certificate_id>.pdf")
@role_required(Role.ORGANIZER)
def download(event_id: int, certificate_id: int):
    event = _event(event_id)
    certificate = services.get_event_certificate(db.session, event=event, certificate_id=certificate_id)
    data = services.render_certificate_pdf(
        db.session,
        certificate,
        files=current_store(),
        base_url=current_app.config["BASE_URL"],
        time_limit=tasks.render_time_limit(),
    )
    return pdf_response(data, services.certificate_filename(certificate))


@bp.post(MANAGE + "/bulk")
@role_required(Role.ORGANIZER)
def bulk(event_id: int):
    """Start the background job that renders every certificate as a ZIP or one PDF."""
    begin_write(db.session)
    event = _event(event_id)
    form = BulkForm()
    output = form.output.data if form.validate_on_submit() else "zip"
    job = create_job(
        db.session,
        kind="certificates_bulk",
        params={"event_id": event.id, "output": output},
        actor=current_user,
    )
    db.session.commit()
    tasks.bulk_certificates.enqueue(job)
    return redirect(url_for("certificates.job", event_id=event.id, job_id=job.id))


@bp.post(MANAGE + "/email")
@role_required(Role.ORGANIZER)
def email(event_id: int):
    begin_write(db.session)
    event = _event(event_id)
    job = create_job(db.session, kind="certificates_email", params={"event_id": event.id}, actor=current_user)
    audit.record(
        db.session, actor=current_user, action="certificate.emailed", target=event, details={"job": job.id}
    )
    db.session.commit()
    tasks.email_certificates.enqueue(job)
    return redirect(url_for("certificates.job", event_id=event.id, job_id=job.id))


def _own_job(event, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if (
        job is None
        or job.kind not in ("certificates_bulk", "certificates_email")
        or job.params.get("event_id") != event.id
        or (not current_user.is_admin and job.created_by_id != current_user.id)
    ):
        abort(404)
    return job


@bp.get(MANAGE + "/jobs/<int:job_id>")
@role_required(Role.ORGANIZER)
def job(event_id: int, job_id: int):
    """The progress bar of a bulk or e-mail job, then the download link."""
    event = _event(event_id)
    return render_template("certificates/job.html", event=event, job=_own_job(event, job_id))


@bp.get(MANAGE + "/jobs/<int:job_id>/file")
@role_required(Role.ORGANIZER)
def job_file(event_id: int, job_id: int):
    event = _event(event_id)
    job = _own_job(event, job_id)
    if job.kind != "certificates_bulk" or str(job.status) != "done":
        abort(404)
    output = job.params.get("output", "zip")
    key = tasks.export_key(event.id, job.id, output)
    try:
        data = current_store().get(key)
    except FileMissing:  # expired (FILE_RETENTION_DAYS) or removed with an erased person
        abort(404)
    mimetype = "application/pdf" if output == "pdf" else "application/zip"
    suffix = ".pdf" if output == "pdf" else ".zip"
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": content_disposition(f"certificates-{event.id}{suffix}")},
    )


# --- other printed documents ---------------------------------------------------------------------


@bp.get(MANAGE + "/badges.pdf")
@role_required(Role.ORGANIZER)
def badges(event_id: int):
    event = _event(event_id)
    size = request.args.get("size", "a4-8")
    token_for = signer().token_for
    data = documents.badges_pdf(
        db.session,
        event=event,
        size=size,
        token_for=token_for,
        upload_dir=tasks.upload_dir(),
        time_limit=tasks.render_time_limit(),
    )
    return pdf_response(data, f"badges-{event.id}.pdf")


@bp.get(MANAGE + "/signin.pdf")
@role_required(Role.ORGANIZER)
def signin_sheet(event_id: int):
    event = _event(event_id)
    session_id = request.args.get("session", type=int)
    data = documents.signin_sheet_pdf(
        db.session,
        event=event,
        session_id=session_id,
        upload_dir=tasks.upload_dir(),
        time_limit=tasks.render_time_limit(),
    )
    return pdf_response(data, f"signin-{event.id}{'-' + str(session_id) if session_id else ''}.pdf")


@bp.get(MANAGE + "/attendance.pdf")
@role_required(Role.ORGANIZER)
def attendance(event_id: int):
    event = _event(event_id)
    data = documents.attendance_pdf(
        db.session,
        event=event,
        upload_dir=tasks.upload_dir(),
        now=utcnow(),
        time_limit=tasks.render_time_limit(),
    )
    return pdf_response(data, f"attendance-{event.id}.pdf")


# --- public -------------------------------------------------------------------------------------


@bp.get("/verify/<code>")
@public
@limiter.limit("30/minute")
def verify(code: str):
    """Valid or revoked, the masked name, the event and the date: nothing else."""
    info = services.verification(db.session, code)
    if info is None:
        return render_template("certificates/verify.html", info=None, code=code[:32]), 404
    return render_template("certificates/verify.html", info=info, code=code)


@bp.get("/r/<token>/certificate.pdf")
@public
@limiter.limit("30/minute")
def manage_download(token: str):
    """An attendee's own certificate, through the personal manage link."""
    tickets = signer()
    registration_id = tickets.manage_token_registration_id(token)
    registration = db.session.get(Registration, registration_id) if registration_id else None
    if registration is None or not tickets.check_manage_token(
        token, registration.id, registration.ticket_secret
    ):
        abort(404)
    certificate = services.certificate_of_registration(db.session, registration)
    if certificate is None or not certificate.is_valid:
        abort(404)
    data = services.render_certificate_pdf(
        db.session,
        certificate,
        files=current_store(),
        base_url=current_app.config["BASE_URL"],
        time_limit=tasks.render_time_limit(),
    )
    return pdf_response(data, services.certificate_filename(certificate))


# --- the list of issued certificates as a spreadsheet -------------------------------------------


def _certificates_table(event) -> list[list]:
    """The issued certificates as a Thai organizer reads them: ลำดับ 1…n in serial order (not
    database ids), the status in the reader's language, issue times in Bangkok time."""
    locale = str(get_locale() or "th")
    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    base_url = current_app.config["BASE_URL"]
    table: list[list] = [
        [
            _("No."),
            _("Serial"),
            _("Name"),
            _("Organization"),
            _("Issued at"),
            _("Status"),
            _("Reason for revoking"),
            _("Verification link"),
        ]
    ]
    for number, certificate in enumerate(services.event_certificates(db.session, event=event), start=1):
        volunteer = certificate.registration.volunteer
        table.append(
            [
                number,
                certificate.serial,
                volunteer.full_name,
                volunteer.organization,
                format_datetime(certificate.issued_at, locale=locale, tz=tz),
                _("Valid") if certificate.is_valid else _("Revoked"),
                certificate.revoke_reason if not certificate.is_valid else "",
                services.verify_url(base_url, certificate.verification_code),
            ]
        )
    return table


@bp.get(MANAGE + "/export.<kind>")
@role_required(Role.ORGANIZER)
def export(event_id: int, kind: str):
    """The issued certificates as .xlsx or .csv (the one spreadsheet writer)."""
    if kind not in export_module.FORMATS:
        abort(404)
    event = _event(event_id)
    body = export_module.to_bytes(_certificates_table(event), kind, sheet=_("Certificates"))
    mimetype = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="certificates-{event.id}.{kind}"'},
    )
