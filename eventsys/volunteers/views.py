"""Volunteer pages for organizers and admins: list, person, forms, duplicates, import/export.

Full national IDs are for admins only (audit logged); everyone else sees them masked.
"""

from __future__ import annotations

import io
import json
import re
import secrets
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventsys import audit
from eventsys.accounts.models import Role
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import DomainError, RuleViolation
from eventsys.files import FileMissing, current_store
from eventsys.jobs.models import Job
from eventsys.jobs.services import create_job
from eventsys.registration.export import SpreadsheetWriter
from eventsys.registration.tasks import commit_and_notify
from eventsys.volunteers import services, sheets, thai
from eventsys.volunteers.crypto import cipher
from eventsys.volunteers.forms import ImportForm, ImportStartForm, MergeForm, VolunteerForm
from eventsys.volunteers.models import Volunteer, network_label
from eventsys.web import role_required

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")
MANAGERS = (Role.ORGANIZER,)  # and admins, who pass every role check
PREVIEW_ROWS = 10
#: rows the preview reads at most (blank ones included): the web request reads the start of
#: the file only; the import job reads and checks all of it
PREVIEW_SCAN_ROWS = 1000
_UPLOAD_TOKEN = re.compile(r"^[0-9a-f]{32}\.(xlsx|csv)$")


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "th"


def _filters() -> services.VolunteerFilter:
    return services.VolunteerFilter(
        q=request.args.get("q", "")[:200],
        province_code=request.args.get("province", "")[:4],
        network_type=request.args.get("network", "")[:60],
        organization=request.args.get("organization", "")[:300],
    )


def _filter_args(filters: services.VolunteerFilter) -> dict[str, str]:
    args = {
        "q": filters.q,
        "province": filters.province_code,
        "network": filters.network_type,
        "organization": filters.organization,
    }
    return {k: v for k, v in args.items() if v}


def _form_data(form: VolunteerForm) -> services.VolunteerData:
    return services.VolunteerData(
        prefix=form.prefix.data or "",
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        first_name_en=form.first_name_en.data or "",
        last_name_en=form.last_name_en.data or "",
        national_id=form.national_id.data or "",
        passport_no=form.passport_no.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        province=form.province.data or "",
        district=form.district.data or "",
        organization=form.organization.data or "",
        position=form.position.data or "",
        network_type=form.network_type.data or "",
        language=form.language.data or "th",
        consent=bool(form.consent.data),
    )


def _show_field_errors(form: VolunteerForm, error: RuleViolation) -> None:
    flash(str(error.message), "error")
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:  # a rule on something the form has no field for: still said, not dropped
            flash(str(message), "error")


@bp.get("/")
@role_required(*MANAGERS)
def index():
    filters = _filters()
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and len(page) < 7 else 1
    result = services.list_volunteers(db.session, filters, cipher=cipher(), page=page_number)
    return render_template(
        "volunteers/index.html",
        result=result,
        filters=filters,
        filter_args=_filter_args(filters),
        choices=services.filter_choices(db.session),
        provinces=sorted(thai.PROVINCES, key=lambda p: thai.collation_key(p.th)),
        province_name=thai.province_name,
        format_phone=thai.format_phone,
    )


@bp.get("/export.<kind>")
@role_required(*MANAGERS)
def export(kind: str):
    """The filtered list as .xlsx or .csv; full IDs for admins, masked for others."""
    if kind not in sheets.FORMATS:
        abort(404)
    filters = _filters()
    masked = not current_user.is_admin
    query = services.filtered_query(filters, cipher=cipher()).order_by(Volunteer.sort_key, Volunteer.id)
    stream = io.BytesIO()
    count = sheets.export_volunteers(
        db.session, query, stream, kind=kind, cipher=cipher(), masked=masked, language=_language()
    )
    begin_write(db.session)
    details = {"count": count, "masked": masked, "filters": _filter_args(filters), "format": kind}
    audit.record(db.session, actor=current_user, action="volunteer.export", details=details, now=utcnow())
    db.session.commit()
    stream.seek(0)
    mimetype = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"volunteers-{utcnow():%Y%m%d-%H%M}.{kind}"
    return send_file(stream, mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new():
    form = VolunteerForm()
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            volunteer, created = services.save_volunteer(
                db.session,
                _form_data(form),
                cipher=cipher(),
                actor=current_user,
                now=utcnow(),
                require_phone=False,
            )
        except RuleViolation as error:
            db.session.rollback()
            _show_field_errors(form, error)
        else:
            db.session.commit()
            if created:
                flash(_("Saved."), "success")
            else:
                flash(_("This person was already on record; their contact details were updated."), "warning")
            return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    return render_template("volunteers/new.html", form=form)


def _detail(volunteer: Volunteer, *, full_national_id: str | None = None):
    return render_template(
        "volunteers/detail.html",
        volunteer=volunteer,
        attendance=services.history(db.session, volunteer),
        counts=services.attendance_counts(db.session, volunteer),
        full_national_id=full_national_id,
        province_name=thai.province_name,
        format_phone=thai.format_phone,
        format_national_id=thai.format_national_id,
    )


@bp.get("/<int:volunteer_id>")
@role_required(*MANAGERS)
def detail(volunteer_id: int):
    """A person's page; viewing personal data is audit logged."""
    begin_write(db.session)
    volunteer = services.get_volunteer(db.session, volunteer_id)
    audit.record(db.session, actor=current_user, action="volunteer.view", target=volunteer, now=utcnow())
    db.session.commit()
    return _detail(volunteer)


@bp.post("/<int:volunteer_id>/national-id")
@role_required()  # admins only
def reveal_id(volunteer_id: int):
    """The full national ID, for an admin (audit logged)."""
    begin_write(db.session)
    volunteer = services.get_volunteer(db.session, volunteer_id)
    national_id = services.reveal_national_id(
        db.session, volunteer, cipher=cipher(), actor=current_user, now=utcnow()
    )
    db.session.commit()
    return _detail(volunteer, full_national_id=national_id)


@bp.get("/<int:volunteer_id>/export.json")
@role_required()  # admins only
def person_json(volunteer_id: int):
    """Everything held on one person (PDPA access request), audit logged."""
    begin_write(db.session)
    volunteer = services.get_volunteer(db.session, volunteer_id)
    payload = services.person_export(db.session, volunteer, cipher=cipher(), actor=current_user, now=utcnow())
    db.session.commit()
    body = json.dumps(payload, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="person-{volunteer_id}.json"'},
    )


@bp.post("/<int:volunteer_id>/erase")
@role_required()  # admins only
def erase(volunteer_id: int):
    begin_write(db.session)
    volunteer = services.get_volunteer(db.session, volunteer_id)
    try:
        services.erase_volunteer(
            db.session, volunteer, actor=current_user, now=utcnow(), files=current_store(), cipher=cipher()
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The person's data was erased; their attendance is kept without a name."), "success")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit(volunteer_id: int):
    volunteer = services.get_volunteer(db.session, volunteer_id)
    if volunteer.erased_at is not None:
        flash(_("This person's data was erased; the record cannot be edited."), "error")
        return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))
    form = VolunteerForm(
        data={
            "prefix": volunteer.prefix,
            "first_name": volunteer.first_name,
            "last_name": volunteer.last_name,
            "first_name_en": volunteer.first_name_en,
            "last_name_en": volunteer.last_name_en,
            "national_id": volunteer.masked_national_id,
            "passport_no": volunteer.passport_no or "",
            "phone": thai.format_phone(volunteer.phone) if volunteer.phone else "",
            "email": volunteer.email,
            "province": volunteer.province_code,
            "district": volunteer.district,
            "organization": volunteer.organization,
            "position": volunteer.position,
            # by name in the reader's language; saved back as the same code
            "network_type": network_label(volunteer.network_type),
            "language": volunteer.language,
            "consent": bool(volunteer.consent_at),
        }
    )
    if form.validate_on_submit():
        begin_write(db.session)
        volunteer = services.get_volunteer(db.session, volunteer_id)
        data = _form_data(form)
        if data.national_id == volunteer.masked_national_id and volunteer.national_id_hash:
            # left as shown (masked): keep the stored ID
            data.national_id = services.national_id_of(volunteer, cipher=cipher()) or ""
        try:
            services.update_volunteer(
                db.session, volunteer, data, cipher=cipher(), actor=current_user, now=utcnow()
            )
        except RuleViolation as error:
            db.session.rollback()
            _show_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))
    return render_template("volunteers/edit.html", form=form, volunteer=volunteer)


# --- duplicates and merge ---------------------------------------------------------------------


@bp.get("/duplicates")
@role_required(*MANAGERS)
def duplicates():
    return render_template(
        "volunteers/duplicates.html",
        groups=services.likely_duplicates(db.session),
        province_name=thai.province_name,
        format_phone=thai.format_phone,
    )


@bp.route("/merge", methods=["GET", "POST"])
@role_required(*MANAGERS)
def merge():
    """Compare two records (GET ?keep=&drop=) and merge the second into the first (POST)."""
    form = MergeForm()
    source = request.form if request.method == "POST" else request.args
    keep_id, drop_id = source.get("keep", ""), source.get("drop", "")
    if not (keep_id.isdigit() and drop_id.isdigit()):
        abort(404)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        begin_write(db.session)
        keep = services.get_volunteer(db.session, int(keep_id))
        drop = services.get_volunteer(db.session, int(drop_id))
        try:
            services.merge_volunteers(
                db.session, keep=keep, drop=drop, cipher=cipher(), actor=current_user, now=utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("volunteers.merge", keep=keep_id, drop=drop_id))
        commit_and_notify(db.session)  # to anyone promoted into a seat the merge freed
        flash(_("The two records were merged."), "success")
        return redirect(url_for("volunteers.detail", volunteer_id=int(keep_id)))
    keep = services.get_volunteer(db.session, int(keep_id))
    drop = services.get_volunteer(db.session, int(drop_id))
    return render_template(
        "volunteers/merge.html",
        keep=keep,
        drop=drop,
        counts={v.id: services.attendance_counts(db.session, v) for v in (keep, drop)},
        form=MergeForm(keep=keep_id, drop=drop_id),
        province_name=thai.province_name,
        format_phone=thai.format_phone,
    )


# --- import ----------------------------------------------------------------------------------


def _upload_key(token: str) -> str:
    from eventsys.volunteers.tasks import upload_key

    return upload_key(current_user.id, token)


def _preview(path: Path, filename: str) -> dict:
    """The header mapping and the first rows, each checked as the import will check it."""
    sheet = sheets.open_sheet(path, filename=filename, read_rows=PREVIEW_SCAN_ROWS)
    rows = []
    for row in sheets.import_rows_of(sheet):
        try:
            services.validate(row.data, require_phone=False)
            problem = ""
        except RuleViolation as error:
            problem = " ".join(str(m) for m in error.fields.values())
        rows.append({"number": row.number, "values": row.values or {}, "problem": problem})
        if len(rows) >= PREVIEW_ROWS:
            break
    fields = [c.field for c in sheets.COLUMNS if c.field in sheet.mapping.values()]
    return {"sheet": sheet, "rows": rows, "fields": fields}


@bp.route("/import", methods=["GET", "POST"])
@role_required(*MANAGERS)
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = Path(upload.filename or "").name[:200]
        kind = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
        if kind not in sheets.FORMATS:
            form.file.errors = [_("File: only .xlsx and .csv files can be imported.")]
        else:
            token = f"{secrets.token_hex(16)}.{kind}"
            store = current_store()
            key = store.put(_upload_key(token), upload.read())
            try:
                with store.local_copy(key) as path:
                    preview = _preview(path, filename)
            except sheets.SheetError as error:
                db.session.rollback()
                store.delete(key)
                db.session.commit()
                form.file.errors = [str(error.message)]
            else:
                db.session.commit()  # the upload, for the import that may follow (any app host)
                return render_template(
                    "volunteers/import_preview.html",
                    preview=preview,
                    filename=filename,
                    columns=sheets.COLUMN_BY_FIELD,
                    start_form=ImportStartForm(token=token, filename=filename),
                )
    # a POST that reaches this point was refused (the file, or the form): say so in the status too
    status = 422 if request.method == "POST" else 200
    return render_template("volunteers/import.html", form=form, columns=sheets.COLUMNS), status


@bp.post("/import/start")
@role_required(*MANAGERS)
def import_start():
    from eventsys.volunteers.tasks import import_volunteers

    form = ImportStartForm()
    token = form.token.data or ""
    if (
        not form.validate_on_submit()
        or not _UPLOAD_TOKEN.match(token)
        or not current_store().exists(_upload_key(token))
    ):
        flash(_("The uploaded file is gone; please upload it again."), "error")
        return redirect(url_for("volunteers.import_upload"))
    begin_write(db.session)
    job = create_job(
        db.session,
        kind="volunteer_import",
        params={
            "key": _upload_key(token),
            "filename": Path(form.filename.data or token).name,
            "language": _language(),
        },
        actor=current_user,
    )
    db.session.commit()
    try:
        import_volunteers.enqueue(job)
    except Exception:  # noqa: BLE001 - the job page shows the failure recorded on the job
        db.session.rollback()
    return redirect(url_for("volunteers.import_job", job_id=job.id))


def _own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != "volunteer_import":
        abort(404)
    if not current_user.is_admin and job.created_by_id != current_user.id:
        abort(404)
    return job


@bp.get("/import/<int:job_id>")
@role_required(*MANAGERS)
def import_job(job_id: int):
    job = _own_job(job_id)
    return render_template("volunteers/import_job.html", job=job)


def _report_rows(job: Job) -> list[dict]:
    from eventsys.volunteers.tasks import report_key

    if job.status != "done":
        abort(404)
    try:  # gone after FILE_RETENTION_DAYS
        return json.loads(current_store().get(report_key(job.id)))
    except FileMissing:
        abort(404)


@bp.get("/import/<int:job_id>/errors.<kind>")
@role_required(*MANAGERS)
def import_errors(job_id: int, kind: str):
    """The skipped rows with their reasons, to fix and import again."""
    if kind not in sheets.FORMATS:
        abort(404)
    job = _own_job(job_id)
    skipped = [row for row in _report_rows(job) if row["status"] == "skipped"]
    stream = io.BytesIO()
    sheets.write_error_sheet(stream, kind, skipped, fields=job.result.get("fields", []), language=_language())
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name=f"import-{job_id}-errors.{kind}")


@bp.get("/import/<int:job_id>/report.csv")
@role_required(*MANAGERS)
def import_report(job_id: int):
    """Every row's outcome: created, updated, unchanged or skipped, with the reason."""
    job = _own_job(job_id)
    stream = io.BytesIO()
    labels = {
        "created": _("created"),
        "updated": _("updated"),
        "unchanged": _("unchanged"),
        "skipped": _("skipped"),
    }
    writer = SpreadsheetWriter(stream, "csv")
    writer.write([_("Row"), _("Result"), _("Name"), _("Record ID"), _("Reason")])
    for row in _report_rows(job):
        writer.write(
            [
                str(row["number"]),
                labels[row["status"]],
                row["name"],
                str(row["volunteer_id"] or ""),
                row["reason"],
            ]
        )
    writer.close()
    stream.seek(0)
    return send_file(
        stream, mimetype="text/csv", as_attachment=True, download_name=f"import-{job_id}-report.csv"
    )
