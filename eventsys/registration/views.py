"""Public registration: the form, the personal manage page (ticket, contact, cancel), QR images,
and the admins' outbox (e-mail, SMS, failed deliveries)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest, NotFound

from eventsys import qr, sms
from eventsys.accounts.forms import SubmitOnlyForm
from eventsys.accounts.models import Role
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import Conflict, RuleViolation
from eventsys.events import services as event_services
from eventsys.extensions import limiter
from eventsys.files import FileMissing
from eventsys.privacy.services import record_consents
from eventsys.registration import deliveries, identity, services
from eventsys.registration import export as export_module
from eventsys.registration.forms import (
    CodeForm,
    ContactForm,
    LostTicketForm,
    province_choices,
    registration_form_for,
)
from eventsys.registration.models import IdentityReview, Registration, RegistrationSource, RegistrationStatus
from eventsys.registration.qr import ticket_card_png
from eventsys.registration.tasks import commit_and_notify, outbox_store
from eventsys.registration.tickets import signer
from eventsys.volunteers import thai
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import PersonOnFile, VolunteerData
from eventsys.web import is_safe_redirect, public, role_required

bp = Blueprint("registration", __name__)


def registration_rate_limit() -> str:
    return current_app.config.get("REGISTRATION_RATE_LIMIT") or "60/minute"


def lost_ticket_rate_limit() -> str:
    return current_app.config.get("LOST_TICKET_RATE_LIMIT") or "5/minute;30/hour"


def _locale() -> str:
    return str(get_locale() or "th")


def volunteer_data_from_form(form) -> VolunteerData:
    network = form.network_type.data or ""
    return VolunteerData(
        prefix=form.prefix.data or "",
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        national_id=form.national_id.data or "",
        passport_no=form.passport_no.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        province=form.province.data or "",
        organization=form.organization.data or "",
        network_type="" if network == "other" else network,
        language=_locale(),
    )


def _show_field_errors(form, error: RuleViolation) -> None:
    for message in form.place_errors(error.fields):
        flash(message, "error")


def manage_link(registration: Registration, **values) -> str:
    token = signer().manage_token(registration.id, registration.ticket_secret)
    return url_for("registration.manage", token=token, **values)


@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@public
@limiter.limit(registration_rate_limit, methods=["POST"])
def register(slug: str):
    event = event_services.get_public_event(db.session, slug)
    now = utcnow()
    form = registration_form_for(event, _locale())
    is_open = event_services.registration_is_open(event, now=now)
    if is_open and form.validate_on_submit():
        begin_write(db.session)
        try:
            registration, _created = services.register(
                db.session,
                event=event,
                data=volunteer_data_from_form(form),
                answers=form.answers(),
                source=RegistrationSource.SELF,
                actor=None,
                now=now,
                cipher=current_app.extensions["eventsys.id_cipher"],
            )
        except PersonOnFile as on_file:
            volunteer_id = on_file.volunteer.id
            db.session.rollback()
            submission = identity.submission_of(
                volunteer_data_from_form(form), form.answers(), form.optional_consents()
            )
            return _prove_identity(event, volunteer_id, submission, form)
        except RuleViolation as error:
            db.session.rollback()
            _show_field_errors(form, error)
        except Conflict as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:  # a person not on file: the optional uses they ticked are theirs to give
            record_consents(
                db.session, volunteer=registration.volunteer, purposes=form.optional_consents(),
                notice_version=registration.consent_version, source="registration", now=now,
            )  # fmt: skip
            commit_and_notify(db.session)
            return redirect(manage_link(registration, new=1))
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        is_open=is_open,
        seats_left=services.seats_left(db.session, event),
    ), (200 if request.method == "GET" or not form.errors else 422)


def identity_key() -> str:
    return current_app.config["SECRET_KEY"]


def _prove_identity(event, volunteer_id: int, submission: dict, form):
    """The details typed match a person on file: send a code to a contact on that record
    (or hold the claim for the organizer); nothing of the record is shown."""
    begin_write(db.session)
    volunteer = db.session.get(Volunteer, volunteer_id)
    try:
        outcome = identity.start_verification(
            db.session,
            event=event,
            volunteer=volunteer,
            submission=submission,
            client=identity.client_hash(identity_key(), request.remote_addr or ""),
            key=identity_key(),
            now=utcnow(),
            per_client=current_app.config.get("IDENTITY_CHECKS_PER_ADDRESS"),
        )
    except identity.TooManyCodes as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render_template(
            "registration/register.html", event=event, form=form, is_open=True,
            seats_left=services.seats_left(db.session, event),
        ), 429  # fmt: skip
    commit_and_notify(db.session)
    if isinstance(outcome, IdentityReview):
        return redirect(url_for("registration.identity_held", slug=event.slug))
    return redirect(url_for("registration.verify", slug=event.slug, verification_id=outcome.public_id))


def _verification_for(slug: str, verification_id: str):
    event = event_services.get_public_event(db.session, slug)
    verification = identity.get_verification(db.session, verification_id)
    if verification is None or verification.event_id != event.id:
        raise NotFound()
    return event, verification


def _verify_page(event, verification, form, status: int = 200, *, ended: str = ""):
    return render_template(
        "registration/verify.html", event=event, verification=verification, form=form,
        action_form=SubmitOnlyForm(), ended=ended,
    ), status  # fmt: skip


@bp.route("/e/<slug>/verify/<verification_id>", methods=["GET", "POST"])
@public
@limiter.limit(registration_rate_limit, methods=["POST"])
def verify(slug: str, verification_id: str):
    """The code step: the code went to a contact on file (shown masked only)."""
    event, verification = _verification_for(slug, verification_id)
    form = CodeForm()
    if not form.validate_on_submit():
        return _verify_page(event, verification, form, 422 if form.errors else 200)
    begin_write(db.session)
    try:
        registration, created = identity.check_code(
            db.session, verification=verification, code=form.code.data, key=identity_key(),
            cipher=current_app.extensions["eventsys.id_cipher"], now=utcnow(),
        )  # fmt: skip
    except identity.WrongCode as error:
        db.session.commit()  # the try counts
        form.code.errors = [str(error.message)]
        return _verify_page(event, verification, form, 422)
    except RuleViolation as error:  # e.g. a question the organizer made required since
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("registration.register", slug=event.slug))
    except (identity.TooManyAttempts, identity.VerificationExpired) as error:
        db.session.commit()
        return _verify_page(event, verification, form, error.status, ended=str(error.message))
    except Conflict as error:  # full, no waitlist
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("events.detail", slug=event.slug))
    commit_and_notify(db.session)
    return redirect(manage_link(registration, new=1) if created else manage_link(registration))


@bp.post("/e/<slug>/verify/<verification_id>/resend")
@public
@limiter.limit(registration_rate_limit)
def resend_code(slug: str, verification_id: str):
    event, verification = _verification_for(slug, verification_id)
    if SubmitOnlyForm().validate_on_submit():
        begin_write(db.session)
        try:
            identity.resend_code(db.session, verification=verification, key=identity_key(), now=utcnow())
        except (identity.TooManyCodes, identity.TooManyAttempts, identity.VerificationExpired) as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            commit_and_notify(db.session)
            flash(_("A new code is on its way. The old code no longer works."), "success")
    return redirect(url_for("registration.verify", slug=slug, verification_id=verification_id))


@bp.post("/e/<slug>/verify/<verification_id>/review")
@public
@limiter.limit(registration_rate_limit)
def ask_review(slug: str, verification_id: str):
    """ "I cannot receive the code": the organizer checks the person's ID card instead."""
    event, verification = _verification_for(slug, verification_id)
    if SubmitOnlyForm().validate_on_submit():
        begin_write(db.session)
        try:
            identity.ask_review(db.session, verification=verification, now=utcnow())
        except (identity.VerificationExpired, identity.TooManyCodes) as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("registration.verify", slug=slug, verification_id=verification_id))
        db.session.commit()
        return redirect(url_for("registration.identity_held", slug=slug))
    return redirect(url_for("registration.verify", slug=slug, verification_id=verification_id))


@bp.get("/e/<slug>/register/held")
@public
def identity_held(slug: str):
    event = event_services.get_public_event(db.session, slug)
    return render_template("registration/held.html", event=event)


@bp.route("/e/<slug>/lost-ticket", methods=["GET", "POST"])
@public
@limiter.limit(lost_ticket_rate_limit, methods=["POST"])
def lost_ticket(slug: str):
    """Ask for one's link again. The answer is the same whether or not anyone is
    registered: the link goes only to a contact on file."""
    event = event_services.get_public_event(db.session, slug)
    form = LostTicketForm()
    if form.validate_on_submit():
        begin_write(db.session)
        services.request_ticket_recovery(
            db.session,
            event=event,
            cipher=current_app.extensions["eventsys.id_cipher"],
            now=utcnow(),
            **services.recovery_lookup(form.lookup.data),
        )
        commit_and_notify(db.session)
        return render_template("registration/lost_ticket.html", event=event, form=None, sent=True)
    return render_template("registration/lost_ticket.html", event=event, form=form, sent=False), (
        422 if form.errors else 200
    )


def _registration_for_manage_token(token: str) -> Registration:
    """The registration behind a manage link; 404 for any token that does not verify."""
    registration_id = signer().manage_token_registration_id(token)
    registration = db.session.get(Registration, registration_id) if registration_id else None
    if registration is None or not signer().check_manage_token(
        token, registration.id, registration.ticket_secret
    ):
        raise NotFound()
    return registration


@bp.get("/r/<token>")
@public
def manage(token: str):
    registration = _registration_for_manage_token(token)
    phone = registration.volunteer.phone
    form = ContactForm(
        phone=thai.format_phone(phone) if phone else "",  # as people write it; read back either way
        email=registration.volunteer.email,
        organization=registration.volunteer.organization,
        language=registration.language,
    )
    return _manage_page(registration, token, form)


def _manage_page(registration: Registration, token: str, form, status: int = 200):
    usable = services.has_usable_ticket(registration.status)
    ticket_token = signer().token_for(registration.ticket_secret) if usable else None
    return render_template(
        "registration/manage.html",
        registration=registration,
        event=registration.event,
        volunteer=registration.volunteer,
        token=token,
        ticket_token=ticket_token,
        form=form,
        is_new=request.args.get("new") == "1",
        waitlist_position=services.waitlist_position(db.session, registration),
    ), status


@bp.post("/r/<token>/contact")
@public
@limiter.limit(registration_rate_limit)
def update_contact(token: str):
    begin_write(db.session)
    registration = _registration_for_manage_token(token)
    form = ContactForm()
    if not form.validate_on_submit():
        return _manage_page(registration, token, form, 422)
    try:
        services.update_contact(
            db.session,
            registration=registration,
            data=services.ContactData(
                phone=form.phone.data,
                email=form.email.data or "",
                organization=form.organization.data or "",
                language=form.language.data,
            ),  # fmt: skip
            actor=None,
            now=utcnow(),
        )
    except RuleViolation as error:
        db.session.rollback()
        for key, message in error.fields.items():
            getattr(form, key, form.phone).errors = [str(message)]
        return _manage_page(registration, token, form, 422)
    commit_and_notify(db.session)
    flash(_("Your details are saved."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.post("/r/<token>/cancel")
@public
@limiter.limit(registration_rate_limit)
def cancel(token: str):
    begin_write(db.session)
    registration = _registration_for_manage_token(token)
    try:
        services.cancel(db.session, registration=registration, actor=None, now=utcnow())
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("registration.manage", token=token))
    commit_and_notify(db.session)
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.post("/r/<token>/reissue")
@public
@limiter.limit(registration_rate_limit)
def reissue(token: str):
    """The person's own new ticket: the old QR and this link stop working."""
    begin_write(db.session)
    registration = _registration_for_manage_token(token)
    if SubmitOnlyForm().validate_on_submit():
        services.reissue_ticket(db.session, registration=registration, actor=None, now=utcnow())
        new_link = manage_link(registration)
        commit_and_notify(db.session)
        flash(
            _(
                "Your new ticket is ready; the old QR code no longer works. "
                "We sent the new link to your contact on file."
            ),
            "success",
        )
        return redirect(new_link)
    return redirect(url_for("registration.manage", token=token))


def _confirmed_ticket(token: str) -> Registration:
    """The confirmed registration behind a ticket token that verifies, else 404.

    The signature is checked before the database is asked anything."""
    secret = signer().verify(token)
    if secret is None:
        raise NotFound()
    registration = services.registration_for_secret(db.session, secret)
    if registration is None or not services.has_usable_ticket(registration.status):
        raise NotFound()
    return registration


@bp.get("/ticket/<token>/qr.png")
@public
def ticket_png(token: str):
    png = qr.png(signer().token_for(_confirmed_ticket(token).ticket_secret))
    return png, 200, {"Content-Type": "image/png", "Cache-Control": "private, max-age=300"}


@bp.get("/ticket/<token>/ticket.png")
@public
def ticket_card(token: str):
    """The ticket to save to a phone's gallery: the QR with the name, event, date and venue."""
    from eventsys.i18n import format_datetime

    registration = _confirmed_ticket(token)
    event = registration.event
    when = format_datetime(event.starts_at, locale=_locale())
    png = ticket_card_png(
        signer().token_for(registration.ticket_secret),
        lines=[registration.volunteer.full_name, event.title, when, event.venue],
    )
    return (
        png,
        200,
        {
            "Content-Type": "image/png",
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="ticket.png"',
        },
    )


@bp.get("/ticket/<token>/qr.svg")
@public
def ticket_svg(token: str):
    svg = qr.svg(signer().token_for(_confirmed_ticket(token).ticket_secret))
    return svg, 200, {"Content-Type": "image/svg+xml", "Cache-Control": "private, max-age=300"}


# --- the admins' view of the outbox (e-mail and SMS) and of failed deliveries ------------------


#: an outbox e-mail's name: ``<hex>`` or ``v<volunteer id>-<hex>`` (``mail.outbox_key``)
_OUTBOX_NAME = re.compile(r"^(v[0-9]+-)?[0-9a-f]{32}$")


def _sent_at(header: str | None) -> datetime | None:
    """A message's Date header as a time the page shows in Bangkok time (None if unreadable)."""
    try:
        sent = parsedate_to_datetime(str(header)) if header else None
    except (TypeError, ValueError):
        return None
    # "-0000" (how the SMS outbox writes it) means UTC with no zone given: a naive result
    return sent.replace(tzinfo=UTC) if sent and sent.tzinfo is None else sent


@bp.get("/admin/outbox")
@role_required()
def outbox():
    """The e-mail and SMS files kept instead of sent, newest first, and the messages whose
    sending failed for good (each with a button to try again)."""
    store = outbox_store()
    kept = sorted(
        (i for i in store.list("outbox/") if i.key.endswith((".eml", sms.OUTBOX_SUFFIX))),
        key=lambda i: i.modified_at,
        reverse=True,
    )[:200]
    messages = []
    for info in kept:
        try:
            content = store.get(info.key)
        except FileMissing:  # removed (expired, erased) since the listing
            continue
        if info.key.endswith(sms.OUTBOX_SUFFIX):
            message = sms.parse_outbox_sms(content)
            first_line = message["text"].split("\n", 1)[0]
            messages.append(
                {
                    "channel": "sms",
                    "name": None,
                    "to": message["to"],
                    "subject": first_line,
                    "date": _sent_at(message["date"]),
                }
            )
        else:
            message = message_from_bytes(content, policy=policy.default)
            messages.append(
                {
                    "channel": "email",
                    "name": info.key.rsplit("/", 1)[1].removesuffix(".eml"),
                    "to": message["To"],
                    "subject": message["Subject"],
                    "date": _sent_at(message["Date"]),
                }
            )
    return render_template(
        "registration/outbox.html",
        messages=messages,
        failed=deliveries.failed_deliveries(db.session),
        retry_form=SubmitOnlyForm(),
        sms_backend=current_app.config.get("SMS_BACKEND") or "outbox",
    )


@bp.post("/admin/outbox/failed/<int:job_id>/retry")
@role_required()
def retry_delivery(job_id: int):
    """Send a failed e-mail or SMS again (after the commit, as a new attempt of its job)."""
    if not SubmitOnlyForm().validate_on_submit():
        raise BadRequest()
    try:
        deliveries.retry_delivery(db.session, job_id=job_id)
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        commit_and_notify(db.session)
        flash(_("The message is queued to be sent again."), "success")
    return redirect(url_for("registration.outbox"))


@bp.get("/admin/outbox/<name>")
@role_required()
def outbox_message(name: str):
    if not _OUTBOX_NAME.match(name):
        raise NotFound()
    try:
        content = outbox_store().get(f"outbox/{name}.eml")
    except FileMissing:
        raise NotFound() from None
    message = message_from_bytes(content, policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    attachments = [part.get_filename() for part in message.iter_attachments() if part.get_filename()]
    return render_template(
        "registration/outbox_message.html",
        message=message,
        text=body.get_content() if body else "",
        sent_at=_sent_at(message["Date"]),
        attachments=attachments,
    )


# --- the organizer's registrations table ---------------------------------------------------------


def _filters_from_request() -> services.RegistrationFilter:
    return services.RegistrationFilter(
        status=request.args.get("status", ""),
        search=request.args.get("q", "")[:100],
        province=request.args.get("province", ""),
        network_type=request.args.get("network", ""),
        sort=request.args.get("sort", "name"),
    )


PER_PAGE = 50


@bp.get("/manage/events/<int:event_id>/registrations")
@role_required(Role.ORGANIZER)
def registrations(event_id: int):
    event = event_services.get_managed_event(db.session, event_id, user=current_user)
    filters = _filters_from_request()
    page = db.paginate(
        services.registrations_query(event.id, filters), page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE, error_out=False,
    )  # fmt: skip
    networks = sorted({n for n, _count in services.event_statistics(db.session, event)["network_types"] if n})
    return render_template(
        "registration/registrations.html",
        event=event,
        page=page,
        filters=filters,
        provinces=province_choices(_locale()),
        networks=networks,
        statuses=[s.value for s in RegistrationStatus],
        province_name=lambda code: thai.province_name(code, _locale()),
    )


ACTIONS = {
    "approve": services.approve,
    "reject": services.reject,
    "cancel": services.cancel,
    "promote": services.promote,
    "resend": services.resend_ticket,
    "reissue": services.reissue_ticket,
}


@bp.post("/manage/events/<int:event_id>/registrations/<int:registration_id>/<action>")
@role_required(Role.ORGANIZER)
def registration_action(event_id: int, registration_id: int, action: str):
    if action not in ACTIONS:
        raise NotFound()
    begin_write(db.session)
    event = event_services.get_managed_event(db.session, event_id, user=current_user)
    registration = services.get_registration(db.session, registration_id)
    if registration.event_id != event.id:
        raise NotFound()
    try:
        outcome = ACTIONS[action](db.session, registration=registration, actor=current_user, now=utcnow())
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        promoted = [r.volunteer.full_name for r in outcome] if isinstance(outcome, list) else []
        commit_and_notify(db.session)
        if action in ("cancel", "reject"):
            flash(
                _("Done. Moved from the waiting list into the seat: %(names)s.", names=", ".join(promoted))
                if promoted
                else _("Done. Nobody was waiting for the seat."),
                "success",
            )
        else:
            flash(ACTION_DONE[action](), "success")
    target = request.form.get("next")
    return redirect(
        target if is_safe_redirect(target) else url_for("registration.registrations", event_id=event_id)
    )


ACTION_DONE = {
    "approve": lambda: _("Approved; the person is e-mailed their ticket."),
    "promote": lambda: _("Moved from the waiting list into a seat."),
    "resend": lambda: _("The e-mail is being sent again."),
    "reissue": lambda: _(
        "A new ticket was issued; the old QR code no longer works. The person is sent the new link."
    ),
}


# --- the organizer's identity checks -------------------------------------------------------------


@bp.get("/manage/events/<int:event_id>/identity-checks")
@role_required(Role.ORGANIZER)
def identity_reviews(event_id: int):
    """Claims held for an identity check: the record and the claim side by side."""
    event = event_services.get_managed_event(db.session, event_id, user=current_user)
    return render_template(
        "registration/identity_reviews.html",
        event=event,
        reviews=identity.open_reviews(db.session, event.id),
        province_name=lambda code: thai.province_name(code, _locale()) if code else "",
    )


@bp.post("/manage/events/<int:event_id>/identity-checks/<int:review_id>/<decision>")
@role_required(Role.ORGANIZER)
def decide_identity_review(event_id: int, review_id: int, decision: str):
    if decision not in ("confirm", "reject"):
        raise NotFound()
    begin_write(db.session)
    event = event_services.get_managed_event(db.session, event_id, user=current_user)
    review = db.session.get(IdentityReview, review_id)
    if review is None or review.event_id != event.id:
        raise NotFound()
    if SubmitOnlyForm().validate_on_submit():
        try:
            if decision == "confirm":
                identity.confirm_review(
                    db.session, review=review, actor=current_user,
                    cipher=current_app.extensions["eventsys.id_cipher"], now=utcnow(),
                )  # fmt: skip
            else:
                identity.reject_review(db.session, review=review, actor=current_user, now=utcnow())
        except (Conflict, RuleViolation) as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            commit_and_notify(db.session)
            flash(
                _("Confirmed: the record now has the claimant's contact details, and they are registered.")
                if decision == "confirm"
                else _("Rejected: nothing on the record changed; the claimant is told."),
                "success",
            )
    return redirect(url_for("registration.identity_reviews", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/export/<kind>")
@role_required(Role.ORGANIZER)
def export(event_id: int, kind: str):
    if kind not in ("xlsx", "csv"):
        raise NotFound()
    event = event_services.get_managed_event(db.session, event_id, user=current_user)
    locale = _locale()
    headers = [
        _("No."), _("Status"), _("Title"), _("First name"), _("Last name"), _("Phone"), _("E-mail"),
        _("Province"), _("Organization"), _("Network"), _("Source"), _("Registered at"), _("Checked in at"),
    ]  # fmt: skip
    query = services.registrations_query(event.id, _filters_from_request())
    table = export_module.rows(
        db.session.scalars(query),
        list(event.questions),
        headers=headers,
        locale=locale,
        yes=_("Yes"),
        no=_("No"),
    )
    if kind == "xlsx":
        body = export_module.to_xlsx(table)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = export_module.to_csv(table)
        mimetype = "text/csv; charset=utf-8"
    return (
        body,
        200,
        {
            "Content-Type": mimetype,
            "Content-Disposition": f'attachment; filename="registrations-{event.slug}.{kind}"',
        },
    )
