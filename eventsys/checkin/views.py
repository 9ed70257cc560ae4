"""Check-in pages: the door scanner, its offline helpers, the kiosk, live attendance, export."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as http_session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf

from eventsys import audit
from eventsys.accounts.models import Role, User
from eventsys.checkin import services
from eventsys.checkin.models import CheckInMethod
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import DomainError, NotFound, PermissionDenied, RuleViolation
from eventsys.events.models import Event
from eventsys.events.services import get_managed_event, visible_events
from eventsys.i18n import format_datetime, label
from eventsys.registration import export as export_module
from eventsys.registration.models import Registration
from eventsys.registration.tasks import commit_and_notify
from eventsys.registration.tickets import signer
from eventsys.volunteers import thai
from eventsys.web import optional_json_body, public, role_required

bp = Blueprint("checkin", __name__)

DOOR_ROLES = (Role.ORGANIZER, Role.STAFF)
#: the session key of a device turned into an event's kiosk
KIOSK_KEY = "kiosk"
#: the session key of the events whose door this device's staff member opened early (a
#: confirmation asked once per log-in session, not at every scan)
EARLY_KEY = "door_early"


def _early_confirmed(event_id: int) -> bool:
    return event_id in (http_session.get(EARLY_KEY) or [])


def _door_event(event_id: int):
    return services.staff_event(db.session, event_id=event_id, actor=current_user)


def _list_session(event, raw: str | None):
    """The agenda session chosen for the page's list (``?session=``), or None (whole event)."""
    if not raw or not raw.isdigit():
        return None
    for item in event.sessions:
        if item.id == int(raw):
            return item
    raise NotFound(_("No such agenda session."))


def _refusal(error: DomainError):
    attendee = getattr(error, "attendee", None)
    extra = {"attendee": attendee} if attendee else {}
    return jsonify(error=error.code, message=str(error.message), **extra), error.status


# --- the scanner -----------------------------------------------------------------------------


@bp.get("/checkin/")
@role_required(*DOOR_ROLES)
def index():
    """The events this user works the door of; straight after log-in (``?today=1``), the
    scanner of today's event when exactly one is today (Thailand's date)."""
    events = visible_events(db.session, user=current_user)
    if request.args.get("today"):
        today = [event for event in events if services.is_today(event, now=utcnow())]
        if len(today) == 1:
            return redirect(url_for("checkin.scanner", event_id=today[0].id))
    return render_template("checkin/index.html", events=events)


@bp.get("/checkin/<int:event_id>/")
@role_required(*DOOR_ROLES)
def scanner(event_id: int):
    """The scanner; long before the event (:func:`services.is_too_early`) a banner asks the
    staff member to confirm first, once for this log-in session."""
    event = _door_event(event_id)
    return render_template(
        "checkin/scanner.html",
        event=event,
        agenda_session=_list_session(event, request.args.get("session")),
        too_early=services.is_too_early(event.starts_at, at=utcnow()),
        early_confirmed=_early_confirmed(event.id),
    )


@bp.post("/checkin/<int:event_id>/open-early")
@role_required(*DOOR_ROLES)
def open_early(event_id: int):
    """The staff member confirms checking people in although today is not an event day."""
    event = _door_event(event_id)
    confirmed = [*(http_session.get(EARLY_KEY) or []), event.id]
    http_session[EARLY_KEY] = list(dict.fromkeys(confirmed))[-20:]  # the latest few
    begin_write(db.session)
    audit.record(db.session, actor=current_user, action="checkin.open_early", target=event, now=utcnow())
    db.session.commit()
    return redirect(url_for("checkin.scanner", event_id=event.id, session=request.args.get("session")))


@bp.route("/checkin/<int:event_id>/walk-in", methods=["GET", "POST"])
@role_required(*DOOR_ROLES)
def walk_in(event_id: int):
    """A person without a registration arrives: register and check in, in one step.

    Details that match a person on file are no proof: the staff member sees that record
    masked, compares it with the ID card in front of them, and confirms before it is
    linked; its contact details change only if they tick the box (the old number is told).
    """
    from eventsys.checkin.forms import walk_in_form_for
    from eventsys.registration import identity
    from eventsys.volunteers.crypto import cipher
    from eventsys.volunteers.models import Volunteer
    from eventsys.volunteers.services import PersonOnFile, VolunteerData, find_existing, validate

    event = _door_event(event_id)
    form = walk_in_form_for(event, str(get_locale() or "th"))
    match = None
    if form.validate_on_submit():
        begin_write(db.session)
        event = _door_event(event_id)
        data = VolunteerData(
            prefix=form.prefix.data or "",
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            national_id=form.national_id.data or "",
            phone=form.phone.data,
            province=form.province.data or "",
            organization=form.organization.data or "",
            consent=False,
        )
        confirmed = None
        try:
            if form.confirm_volunteer.data:
                # the record the staff member confirmed must still be the one these details match
                found = find_existing(db.session, validate(data), cipher=cipher())
                if found is None or str(found.id) != form.confirm_volunteer.data:
                    raise RuleViolation(_("The details changed: please check the person again."))
                confirmed = found
                if form.update_contact.data:
                    identity.apply_contact(
                        db.session,
                        volunteer=found,
                        submission=identity.submission_of(data, {}, ()),
                        actor=current_user,
                        now=utcnow(),
                    )
            outcome = services.walk_in(
                db.session,
                event=event,
                data=data,
                answers=form.answers(),
                actor=current_user,
                now=utcnow(),
                cipher=cipher(),
                device=request.headers.get("User-Agent", "")[:100],
                volunteer=confirmed,
                refuse_early=not _early_confirmed(event.id),
            )
        except PersonOnFile as on_file:
            volunteer_id = on_file.volunteer.id
            db.session.rollback()
            match = db.session.get(Volunteer, volunteer_id)
            form.confirm_volunteer.data = str(volunteer_id)
        except RuleViolation as error:
            db.session.rollback()
            flash(str(error.message), "error")
            for message in form.place_errors(error.fields):  # no error is dropped
                flash(message, "error")
        except services.CheckInRefused as error:
            # registered but waitlisted (or awaiting approval): they keep their place
            commit_and_notify(db.session)
            flash(str(error.message), "error")
        except DomainError as error:  # not registered (event full, closed): nothing is kept
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            name = outcome.attendee.name
            commit_and_notify(db.session)
            flash(_("Registered and checked in: %(name)s", name=name), "success")
            return redirect(url_for("checkin.scanner", event_id=event_id))
    return render_template(
        "checkin/walk_in.html", event=event, form=form, match=match and _masked_person(match, form.phone.data)
    )


def _masked_person(volunteer, typed_phone: str) -> dict:
    """What door staff see of a matched record: enough to compare with an ID card."""
    from eventsys.masking import mask_email, mask_phone
    from eventsys.volunteers import thai

    try:
        phone_differs = thai.normalise_phone(typed_phone or "") != volunteer.phone
    except ValueError:
        phone_differs = True
    return {
        "name": f"{volunteer.prefix}{volunteer.first_name} {volunteer.last_name[:1]}.",
        "national_id": volunteer.masked_national_id,
        "phone": mask_phone(volunteer.phone) if volunteer.phone else "",
        "email": mask_email(volunteer.email) if volunteer.email else "",
        "province": thai.province_name(volunteer.province_code, "th") if volunteer.province_code else "",
        "phone_differs": phone_differs and bool(typed_phone),
    }


@bp.get("/checkin/<int:event_id>/tickets.json")
@role_required(*DOOR_ROLES)
def tickets(event_id: int):
    """The offline ticket list: fingerprints and names only."""
    event = _door_event(event_id)
    listing = services.ticket_list(db.session, event=event, signer=signer())
    return jsonify(event_id=event.id, downloaded_at=utcnow().isoformat(), tickets=listing)


@bp.get("/checkin/<int:event_id>/search")
@role_required(*DOOR_ROLES)
def search(event_id: int):
    event = _door_event(event_id)
    found = services.search_attendees(db.session, event=event, query=request.args.get("q", ""))
    return jsonify(
        results=[
            {
                "registration_id": registration.id,
                "name": registration.volunteer.full_name,
                "organization": registration.volunteer.organization,
                "phone_tail": registration.volunteer.phone[-4:],
                "status": str(registration.status),
            }
            for registration in found
        ]
    )


@bp.post("/checkin/<int:event_id>/manual")
@role_required(*DOOR_ROLES)
def manual(event_id: int):
    """Check in a person found by search (JSON in, JSON out, like the API)."""
    body = optional_json_body()
    try:
        event = _door_event(event_id)
        registration = db.session.get(Registration, body.get("registration_id") or 0)
        if registration is None or registration.event_id != event.id:
            raise services.InvalidTicket(_("No such registration at this event."))
        session_id = body.get("session_id")
        outcome = services.check_in(
            db.session,
            registration=registration,
            session_id=session_id if isinstance(session_id, int) else None,
            actor=current_user,
            method=CheckInMethod.SEARCH,
            device=request.headers.get("X-Device", "")[:100],
            client_id=str(body.get("client_id") or "")[:64] or None,
            scanned_at=None,
            now=utcnow(),
            refuse_early=not _early_confirmed(event.id),
        )
    except DomainError as error:
        db.session.rollback()
        return _refusal(error)
    answer = outcome.as_json()
    db.session.commit()
    return jsonify(answer)


@bp.get("/checkin/csrf")
@role_required(*DOOR_ROLES)
def csrf_token():
    """A fresh CSRF token for a page that was loaded from the offline cache long ago."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/checkin/sw.js")
@public
def service_worker():
    """The scanner's service worker, served under /checkin/ so that is its scope."""
    path = os.path.join(current_app.static_folder, "js", "checkin-sw.js")
    with open(path, encoding="utf-8") as script:
        body = script.read()
    return Response(
        body,
        mimetype="text/javascript",
        headers={"Service-Worker-Allowed": "/checkin/", "Cache-Control": "no-cache"},
    )


# --- kiosk -----------------------------------------------------------------------------------


@bp.get("/checkin/<int:event_id>/kiosk")
@role_required(*DOOR_ROLES)
def kiosk(event_id: int):
    """Door staff turn this device into the event's kiosk (they are logged out here)."""
    event = _door_event(event_id)
    return render_template("checkin/kiosk_start.html", event=event)


@bp.post("/checkin/<int:event_id>/kiosk")
@role_required(*DOOR_ROLES)
def kiosk_start(event_id: int):
    """Log the staff member out of this device and leave only the kiosk in its session.

    Whoever stands at the tablet can then reach nothing but the greeting screen; each
    check-in is still recorded as the staff member's who started the kiosk.
    """
    event = _door_event(event_id)
    staff_id = current_user.id
    early = _early_confirmed(event.id)  # the door opened early carries over to the kiosk
    logout_user()
    http_session.clear()
    http_session[KIOSK_KEY] = {"event_id": event.id, "started_by": staff_id, "early": early}
    return redirect(url_for("checkin.kiosk_screen", event_id=event.id))


def _kiosk_actor(event_id: int):
    """Who checks people in at this kiosk: the device's kiosk session for ``event_id`` (its
    starter), or a logged-in user trying the screen. Forbidden otherwise. Whether that
    person is on the event's door staff is the door rule's to say (``check_door_access``)."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    kiosk_session = http_session.get(KIOSK_KEY) or {}
    if kiosk_session.get("event_id") == event_id:
        staff = db.session.get(User, kiosk_session.get("started_by") or 0)
        if staff is not None and staff.is_active:
            return staff
    raise PermissionDenied(_("This device is not the kiosk of this event."))


@bp.get("/kiosk/<int:event_id>")
@public  # the kiosk session or door staff: checked by _kiosk_actor
def kiosk_screen(event_id: int):
    services.check_door_access(db.session, event_id=event_id, actor=_kiosk_actor(event_id))
    return render_template("checkin/kiosk.html", event=db.session.get(Event, event_id))


@bp.post("/kiosk/<int:event_id>/scan")
@public  # the kiosk session or door staff: checked by _kiosk_actor
def kiosk_scan(event_id: int):
    """Self check-in: answers only a greeting name, or a refusal code."""
    body = optional_json_body()
    try:
        actor = _kiosk_actor(event_id)
        outcome = services.check_in_token(
            db.session,
            event_id=event_id,
            token=str(body.get("token") or ""),
            session_id=None,
            actor=actor,
            method=CheckInMethod.KIOSK,
            device="kiosk",
            client_id=None,
            scanned_at=None,
            signer=signer(),
            now=utcnow(),
            refuse_early=not (http_session.get(KIOSK_KEY) or {}).get("early", _early_confirmed(event_id)),
        )
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=error.code), error.status
    db.session.commit()
    return jsonify(result=outcome.result, name=outcome.attendee.greeting)


# --- live attendance -------------------------------------------------------------------------


@bp.get("/manage/events/<int:event_id>/attendance")
@role_required(Role.ORGANIZER)
def live(event_id: int):
    event = get_managed_event(db.session, event_id, user=current_user)
    return render_template("checkin/live.html", event=event)


@bp.get("/manage/events/<int:event_id>/attendance.json")
@role_required(Role.ORGANIZER)
def live_data(event_id: int):
    event = get_managed_event(db.session, event_id, user=current_user)
    rows = services.attendance_rows(db.session, event=event)
    return jsonify(
        **services.attendance(db.session, event=event),
        arrivals=services.arrivals(db.session, event=event),
        missing=[
            {"name": row["name"], "organization": row["organization"], "phone": row["phone"]}
            for row in rows
            if row["checked_in_at"] is None
        ],
    )


def _attendance_table(event) -> list[list]:
    """The attendance sheet as a Thai organizer reads it: ลำดับ 1…n (not database ids),
    statuses and check-in methods in the reader's language, times in Bangkok time."""
    locale = str(get_locale() or "th")
    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    header = [
        _("No."),
        _("Name"),
        _("Organization"),
        _("Province"),
        _("Registration status"),
        _("Checked in at"),
        _("Method"),
    ]
    table: list[list] = [header]
    for number, row in enumerate(services.attendance_rows(db.session, event=event), start=1):
        province = row["province_code"]
        table.append(
            [
                number,
                row["name"],
                row["organization"],
                thai.province_name(province, locale) if province else "",
                label(row["status"]),
                format_datetime(row["checked_in_at"], locale=locale, tz=tz),
                label(row["method"]) if row["method"] else "",
            ]
        )
    return table


@bp.get("/manage/events/<int:event_id>/attendance.csv")
@role_required(Role.ORGANIZER)
def export_csv(event_id: int):
    event = get_managed_event(db.session, event_id, user=current_user)
    return Response(
        export_module.to_csv(_attendance_table(event)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="attendance-{event.id}.csv"'},
    )


@bp.get("/manage/events/<int:event_id>/attendance.xlsx")
@role_required(Role.ORGANIZER)
def export_xlsx(event_id: int):
    event = get_managed_event(db.session, event_id, user=current_user)
    return Response(
        export_module.to_xlsx(_attendance_table(event), sheet=_("Attendance")),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="attendance-{event.id}.xlsx"'},
    )
