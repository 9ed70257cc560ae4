"""JSON API for events and registrations (paths and fields are a contract: see the OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _

from eventsys.accounts.models import Role
from eventsys.api import bp
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import PermissionDenied, RuleViolation
from eventsys.events import services as event_services
from eventsys.events.models import Event, EventStatus
from eventsys.extensions import limiter
from eventsys.openapi import answer, error_responses, request_body
from eventsys.privacy.services import parse_purposes, record_consents
from eventsys.registration import identity, services
from eventsys.registration.models import IdentityReview, Registration, RegistrationSource, RegistrationStatus
from eventsys.registration.tasks import commit_and_notify
from eventsys.registration.tickets import signer
from eventsys.registration.views import identity_key, lost_ticket_rate_limit, registration_rate_limit
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import PersonOnFile, VolunteerData
from eventsys.web import (
    ApiError,
    api_auth,
    api_user,
    bool_field,
    json_body,
    optional_json_body,
    public,
    text_field,
)


def _time(body: dict, name: str, errors: dict, *, required: bool = True) -> datetime | None:
    value = body.get(name)
    if value in (None, ""):
        if required:
            errors[name] = _("%(field)s: required (ISO 8601 with offset).", field=name)
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[name] = _("%(field)s: not an ISO 8601 date-time.", field=name)
        return None
    if parsed.tzinfo is None:
        errors[name] = _("%(field)s: give the offset, e.g. 2026-01-15T09:00:00+07:00.", field=name)
        return None
    if parsed.year >= 2400:  # a program must send Gregorian years: refused, never guessed
        errors[name] = _(
            "%(field)s: the year must be Gregorian (C.E.); %(year)s looks like a Buddhist-era year.",
            field=name,
            year=parsed.year,
        )
        return None
    return parsed


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def event_payload(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "venue": event.venue,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "capacity": event.capacity,
        "registration_opens_at": _iso(event.registration_opens_at),
        "registration_closes_at": _iso(event.registration_closes_at),
        "waitlist": event.waitlist_enabled,
        "requires_approval": event.requires_approval,
        "status": event.status.value,
        "url": url_for("events.detail", slug=event.slug, _external=True),
        "seats_left": services.seats_left(db.session, event),
        "counts": services.status_counts(db.session, event.id),
        "sessions": [
            {
                "id": item.id,
                "title": item.title,
                "starts_at": _iso(item.starts_at),
                "ends_at": _iso(item.ends_at),
                "room": item.room,
                "capacity": item.capacity,
            }
            for item in event.sessions
        ],
    }


@bp.post("/events")
@api_auth(Role.ORGANIZER)
def create_event():
    body = json_body()
    title, description = text_field(body, "title"), text_field(body, "description")
    venue = text_field(body, "venue")
    waitlist = bool_field(body, "waitlist", default=True)
    requires_approval = bool_field(body, "requires_approval", default=False)
    errors: dict[str, str] = {}
    starts_at, ends_at = _time(body, "starts_at", errors), _time(body, "ends_at", errors)
    opens = _time(body, "registration_opens_at", errors, required=False)
    closes = _time(body, "registration_closes_at", errors, required=False)
    capacity = body.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)):
        errors["capacity"] = _("capacity: a whole number, or null for no limit.")
    status = body.get("status", "draft")
    if status not in ("draft", "published"):
        errors["status"] = _('status: "draft" or "published".')
    sessions = []
    raw_sessions = body.get("sessions") or []
    if not isinstance(raw_sessions, list):
        errors["sessions"] = _("sessions: a list of objects.")
        raw_sessions = []
    for index, item in enumerate(raw_sessions):
        item = item if isinstance(item, dict) else {}
        item_errors: dict[str, str] = {}
        s_start, s_end = _time(item, "starts_at", item_errors), _time(item, "ends_at", item_errors)
        errors.update({f"sessions.{index}.{k}": v for k, v in item_errors.items()})
        if not item_errors:
            sessions.append(
                event_services.SessionData(
                    title=text_field(item, "title", label=f"sessions.{index}.title"),
                    starts_at=s_start,
                    ends_at=s_end,
                    room=text_field(item, "room", label=f"sessions.{index}.room"),
                )
            )
    if not title:
        errors["title"] = _("title: required.")
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    data = event_services.EventData(
        title=title,
        description=description,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_opens_at=opens,
        registration_closes_at=closes,
        waitlist_enabled=waitlist,
        requires_approval=requires_approval,
    )
    begin_write(db.session)
    user = api_user()
    event = event_services.create_event(
        db.session,
        data=data,
        owner=user,
        actor=user,
        now=utcnow(),
        status=EventStatus(status),
        sessions=sessions,
    )
    db.session.commit()
    return jsonify(event_payload(event)), 201


def _managed_event(event_id: int) -> Event:
    return event_services.get_managed_event(db.session, event_id, user=api_user())


@bp.get("/events/<int:event_id>")
@api_auth(Role.ORGANIZER)
def get_event(event_id: int):
    return jsonify(event_payload(_managed_event(event_id)))


def _registration_result(
    registration_id: int, status: RegistrationStatus, ticket_secret: str
) -> dict[str, Any]:
    """The answer to a registration, made from values read before the commit: the commit
    expires the object, and the signing is better done after the seat's lock is released."""
    manage_token = signer().manage_token(registration_id, ticket_secret)
    return {
        "registration_id": registration_id,
        "status": status.value,
        "ticket_token": signer().token_for(ticket_secret) if services.has_usable_ticket(status) else None,
        "manage_url": url_for("registration.manage", token=manage_token, _external=True),
    }


@bp.post("/events/<int:event_id>/registrations")
@public
@limiter.limit(registration_rate_limit)
def create_registration(event_id: int):
    body = json_body()
    begin_write(db.session)
    event = db.session.get(Event, event_id)
    if event is None:
        raise ApiError(404, "not_found", _("No such event."))
    answers = body.get("answers")
    if answers is not None and not isinstance(answers, dict):
        raise RuleViolation(
            _("Please correct the highlighted fields."), fields={"answers": _("answers: an object.")}
        )
    data = VolunteerData(
        prefix=text_field(body, "prefix"),
        first_name=text_field(body, "first_name"),
        last_name=text_field(body, "last_name"),
        national_id=text_field(body, "national_id"),
        passport_no=text_field(body, "passport_no"),
        phone=text_field(body, "phone"),
        email=text_field(body, "email"),
        province=text_field(body, "province"),
        organization=text_field(body, "organization"),
        network_type=text_field(body, "network_type"),
        language=text_field(body, "language") or str(current_app.config["BABEL_DEFAULT_LOCALE"]),
    )
    consents = body.get("consents", [])
    if not isinstance(consents, list):
        raise RuleViolation(
            _("Please correct the highlighted fields."),
            fields={"consents": _("consents: a list of purposes.")},
        )
    purposes = parse_purposes(consents)
    now = utcnow()
    try:
        registration, created = services.register(
            db.session,
            event=event,
            data=data,
            answers=answers,
            source=RegistrationSource.SELF,
            actor=None,
            now=now,
            cipher=current_app.extensions["eventsys.id_cipher"],
        )
        record_consents(
            db.session, volunteer=registration.volunteer, purposes=purposes,
            notice_version=registration.consent_version, source="api", now=now,
        )  # fmt: skip
    except PersonOnFile as on_file:
        volunteer_id = on_file.volunteer.id
        db.session.rollback()
        return _prove_identity(event, volunteer_id, identity.submission_of(data, answers or {}, purposes))
    except Exception:
        db.session.rollback()
        raise
    result = {  # read before the commit expires them
        "registration_id": registration.id,
        "status": registration.status,
        "ticket_secret": registration.ticket_secret,
    }
    commit_and_notify(db.session)
    return jsonify(_registration_result(**result)), 201 if created else 200


def _prove_identity(event: Event, volunteer_id: int, submission: dict):
    """202: a code went to a contact on the matched record (masked here), or the claim is
    held for the organizer's identity check. Nothing of the record is in the answer."""
    begin_write(db.session)
    try:
        outcome = identity.start_verification(
            db.session,
            event=event,
            volunteer=db.session.get(Volunteer, volunteer_id),
            submission=submission,
            client=identity.client_hash(identity_key(), request.remote_addr or ""),
            key=identity_key(),
            now=utcnow(),
            per_client=current_app.config.get("IDENTITY_CHECKS_PER_ADDRESS"),
        )
    except Exception:
        db.session.rollback()
        raise
    answer = (
        {"status": "identity_review"}
        if isinstance(outcome, IdentityReview)
        else {
            "status": "verification_required",
            "verification_id": outcome.public_id,
            "sent_to": list(outcome.sent_to),
        }
    )
    commit_and_notify(db.session)
    return jsonify(answer), 202


def _verification(verification_id: str):
    verification = identity.get_verification(db.session, verification_id)
    if verification is None:
        raise ApiError(404, "not_found", _("No such verification."))
    return verification


@bp.post("/verifications/<verification_id>")
@public
@limiter.limit(registration_rate_limit)
def check_verification(verification_id: str):
    """The one-time code: 201 (new registration) or 200 (their existing one)."""
    body = json_body()
    code = body.get("code")
    if not isinstance(code, str | int) or isinstance(code, bool):
        raise RuleViolation(
            _("Please correct the highlighted fields."), fields={"code": _("code: the 6 digits sent to you.")}
        )
    begin_write(db.session)
    verification = _verification(verification_id)
    try:
        registration, created = identity.check_code(
            db.session, verification=verification, code=str(code), key=identity_key(),
            cipher=current_app.extensions["eventsys.id_cipher"], now=utcnow(),
        )  # fmt: skip
    except (identity.WrongCode, identity.TooManyAttempts, identity.VerificationExpired):
        db.session.commit()  # the try counts
        raise
    except Exception:
        db.session.rollback()
        raise
    result = {
        "registration_id": registration.id,
        "status": registration.status,
        "ticket_secret": registration.ticket_secret,
    }
    commit_and_notify(db.session)
    return jsonify(_registration_result(**result)), 201 if created else 200


@bp.post("/verifications/<verification_id>/resend")
@public
@limiter.limit(registration_rate_limit)
def resend_verification(verification_id: str):
    """A new code to the same contacts on file; the old code stops working."""
    begin_write(db.session)
    verification = _verification(verification_id)
    try:
        identity.resend_code(db.session, verification=verification, key=identity_key(), now=utcnow())
    except Exception:
        db.session.rollback()
        raise
    sent_to = list(verification.sent_to)
    commit_and_notify(db.session)
    return jsonify(status="verification_required", verification_id=verification_id, sent_to=sent_to), 202


@bp.post("/events/<int:event_id>/ticket-recovery")
@public
@limiter.limit(lost_ticket_rate_limit)
def ticket_recovery(event_id: int):
    """Always 202 ``sent_if_registered``: the link goes to the contact on file, if any."""
    body = json_body()
    lookup = {
        name: body.get(name) for name in ("national_id", "phone", "email") if body.get(name) is not None
    }
    if len(lookup) != 1 or not all(isinstance(v, str) and 0 < len(v.strip()) <= 254 for v in lookup.values()):
        raise RuleViolation(
            _("Please correct the highlighted fields."),
            fields={"national_id": _("Send exactly one of national_id, phone or email, as text.")},
        )
    event = db.session.get(Event, event_id)
    if event is None or event.status not in (EventStatus.PUBLISHED, EventStatus.CLOSED):
        raise ApiError(404, "not_found", _("No such event."))
    begin_write(db.session)
    services.request_ticket_recovery(
        db.session, event=event, cipher=current_app.extensions["eventsys.id_cipher"], now=utcnow(), **lookup
    )
    commit_and_notify(db.session)
    return jsonify(status="sent_if_registered"), 202


@bp.post("/registrations/<int:registration_id>/reissue")
@public  # an organizer's token, or the person's own manage token: checked below
def reissue_registration(registration_id: int):
    """A new ticket: the old QR answers 404 at the door, the old manage link stops working."""
    begin_write(db.session)
    registration, actor = _registration_and_actor(registration_id)
    services.reissue_ticket(db.session, registration=registration, actor=actor, now=utcnow())
    secret, registration_id = registration.ticket_secret, registration.id
    commit_and_notify(db.session)
    return jsonify(
        ticket_token=signer().token_for(secret),
        manage_url=url_for(
            "registration.manage", token=signer().manage_token(registration_id, secret), _external=True
        ),
    )


def registration_item(registration: Registration) -> dict[str, Any]:
    volunteer = registration.volunteer
    return {
        "id": registration.id,
        "status": registration.status.value,
        "source": registration.source.value,
        "created_at": _iso(registration.created_at),
        "confirmed_at": _iso(registration.confirmed_at),
        "cancelled_at": _iso(registration.cancelled_at),
        "volunteer_id": volunteer.id,
        "prefix": volunteer.prefix,
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "phone": volunteer.phone,
        "email": volunteer.email,
        "province": volunteer.province_code,
        "organization": volunteer.organization,
        "network_type": volunteer.network_type,
        "answers": registration.answers,
    }


@bp.get("/events/<int:event_id>/registrations")
@api_auth(Role.ORGANIZER)
def list_registrations(event_id: int):
    event = _managed_event(event_id)
    status = request.args.get("status", "")
    if status and status not in {s.value for s in RegistrationStatus}:
        raise RuleViolation(
            _("Please correct the highlighted fields."), fields={"status": _("status: unknown value.")}
        )
    per_page = min(max(request.args.get("per_page", 100, type=int), 1), 500)
    page = db.paginate(
        services.registrations_query(event.id, services.RegistrationFilter(status=status, sort="oldest")),
        page=max(request.args.get("page", 1, type=int), 1),
        per_page=per_page,
        error_out=False,
    )
    return jsonify(
        items=[registration_item(r) for r in page.items],
        page=page.page,
        per_page=per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.post("/registrations/<int:registration_id>/cancel")
@public  # an organizer's token, or the person's own manage token: checked below
def cancel_registration(registration_id: int):
    begin_write(db.session)
    registration, actor = _registration_and_actor(registration_id)
    promoted = services.cancel(db.session, registration=registration, actor=actor, now=utcnow())
    commit_and_notify(db.session)
    return jsonify(
        registration_id=registration.id, status=registration.status.value, promoted=[r.id for r in promoted]
    )


def _registration_and_actor(registration_id: int) -> tuple[Registration, Any]:
    """The registration a call may change: with the person's manage token (actor None) or
    an organizer's token or session for its event."""
    registration = db.session.get(Registration, registration_id)
    token = request.headers.get("X-Manage-Token") or text_field(optional_json_body(), "manage_token")
    if token:
        if registration is None or not signer().check_manage_token(
            str(token), registration.id, registration.ticket_secret
        ):
            raise ApiError(403, "forbidden", _("This manage link is not valid for this registration."))
        actor = None
    else:
        actor = api_user()
        if actor is None:
            raise ApiError(401, "unauthorized", _("Authentication required."))
        if registration is None:
            raise ApiError(404, "not_found", _("No such registration."))
        if not event_services.can_manage(actor, registration.event):
            raise PermissionDenied(_("You do not manage this event."))
    return registration, actor


# --- OpenAPI ---------------------------------------------------------------------------------------

_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"}


OPENAPI_SCHEMAS: dict[str, Any] = {
    "SessionInput": {
        "type": "object",
        "required": ["title", "starts_at", "ends_at"],
        "properties": {
            "title": {"type": "string"},
            "starts_at": _TIME,
            "ends_at": _TIME,
            "room": {"type": "string"},
        },
    },
    "EventInput": {
        "type": "object",
        "required": ["title", "starts_at", "ends_at"],
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "venue": {"type": "string"},
            "starts_at": _TIME,
            "ends_at": _TIME,
            "capacity": {"type": "integer", "nullable": True, "minimum": 0},
            "registration_opens_at": {**_TIME, "nullable": True},
            "registration_closes_at": {**_TIME, "nullable": True},
            "waitlist": {"type": "boolean", "default": True},
            "requires_approval": {"type": "boolean", "default": False},
            "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
            "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/SessionInput"}},
        },
    },
    "Event": {
        "type": "object",
        "required": ["id", "slug", "title", "status", "sessions"],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "venue": {"type": "string"},
            "starts_at": _TIME,
            "ends_at": _TIME,
            "capacity": {"type": "integer", "nullable": True},
            "registration_opens_at": {**_TIME, "nullable": True},
            "registration_closes_at": {**_TIME, "nullable": True},
            "waitlist": {"type": "boolean"},
            "requires_approval": {"type": "boolean"},
            "status": {"type": "string", "enum": ["draft", "published", "closed", "archived"]},
            "url": {"type": "string", "description": "the public event page"},
            "seats_left": {"type": "integer", "nullable": True},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "sessions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "starts_at": _TIME,
                        "ends_at": _TIME,
                        "room": {"type": "string"},
                        "capacity": {"type": "integer", "nullable": True},
                    },
                },
            },
        },
    },
    "RegistrationInput": {
        "type": "object",
        "required": ["first_name", "last_name", "phone", "province"],
        "properties": {
            "prefix": {"type": "string", "example": "นาง"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "national_id": {
                "type": "string",
                "description": "13 digits; a person on file must then prove it is them (202)",
            },
            "passport_no": {"type": "string"},
            "phone": {"type": "string"},
            "email": {"type": "string"},
            "province": {"type": "string", "description": "Thai or English name, or DOPA code"},
            "organization": {"type": "string"},
            "network_type": {"type": "string"},
            "language": {"type": "string", "enum": ["th", "en"], "description": "for e-mail"},
            "answers": {"type": "object", "description": "answers keyed by question key"},
            "consent": {
                "type": "boolean",
                "description": "accepted and ignored (compatibility): registering is a public task "
                "(PDPA section 24(4)), not consent; the privacy notice version is recorded",
            },
            "consents": {
                "type": "array",
                "items": {"type": "string", "enum": ["photos", "news_email", "news_line"]},
                "uniqueItems": True,
                "description": "optional uses the person agrees to, each recorded with the notice version",
            },
        },
    },
    "RegistrationResult": {
        "type": "object",
        "required": ["registration_id", "status", "ticket_token", "manage_url"],
        "properties": {
            "registration_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["confirmed", "waitlisted", "pending"]},
            "ticket_token": {
                "type": "string",
                "nullable": True,
                "description": "what the QR carries; null until the registration is confirmed",
            },
            "manage_url": {"type": "string", "description": "the person's signed manage link"},
        },
    },
    "RegistrationAccepted": {
        "type": "object",
        "required": ["status"],
        "description": "The details match a person on file. `verification_required`: a 6-digit code "
        "went to the contacts already on that record (`sent_to`, masked); send it to "
        "`POST /verifications/{verification_id}`. `identity_review`: nothing on file can receive a "
        "code; the organizer checks the person's ID card. Never a registration, ticket or stored name.",
        "properties": {
            "status": {"type": "string", "enum": ["verification_required", "identity_review"]},
            "verification_id": {"type": "string"},
            "sent_to": {
                "type": "array",
                "items": {"type": "string"},
                "example": ["08x-xxx-5678", "s•••@example.org"],
            },
        },
    },
    "CodeInput": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string", "example": "123456", "description": "the 6 digits sent"}},
    },
    "TicketRecoveryInput": {
        "type": "object",
        "description": "Exactly one of the three.",
        "properties": {
            "national_id": {"type": "string"},
            "phone": {"type": "string"},
            "email": {"type": "string"},
        },
    },
    "TicketRecoveryAccepted": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["sent_if_registered"]}},
    },
    "ReissueResult": {
        "type": "object",
        "required": ["ticket_token", "manage_url"],
        "properties": {
            "ticket_token": {"type": "string", "description": "the new QR text; the old one is void"},
            "manage_url": {"type": "string", "description": "the new manage link; the old one is void"},
        },
    },
    "RegistrationItem": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string"},
            "source": {"type": "string"},
            "created_at": _TIME,
            "confirmed_at": {**_TIME, "nullable": True},
            "cancelled_at": {**_TIME, "nullable": True},
            "volunteer_id": {"type": "integer"},
            "prefix": {"type": "string"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "phone": {"type": "string"},
            "email": {"type": "string"},
            "province": {"type": "string", "description": "DOPA code"},
            "organization": {"type": "string"},
            "network_type": {"type": "string"},
            "answers": {"type": "object"},
        },
    },
    "RegistrationPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/RegistrationItem"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    },
    "CancelResult": {
        "type": "object",
        "properties": {
            "registration_id": {"type": "integer"},
            "status": {"type": "string"},
            "promoted": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "promoted from the waitlist",
            },
        },
    },
}

_EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI_PATHS: dict[str, Any] = {
    "/events": {
        "post": {
            "summary": "Create an event (organizer)",
            "operationId": "createEvent",
            "requestBody": request_body("EventInput"),
            "responses": {"201": answer("The new event", "Event"), **error_responses(400, 401, 403, 422)},
        }
    },
    "/events/{event_id}": {
        "get": {
            "summary": "One of the caller's events",
            "operationId": "getEvent",
            "parameters": [_EVENT_ID],
            "responses": {"200": answer("The event", "Event"), **error_responses(401, 403, 404)},
        }
    },
    "/events/{event_id}/registrations": {
        "post": {
            "summary": "Register for an event (public, no token)",
            "operationId": "register",
            "security": [],
            "parameters": [_EVENT_ID],
            "requestBody": request_body("RegistrationInput"),
            "description": "Someone not on file is registered in one step (201). Details that match a "
            "person on file (national ID, passport, or name and phone) are no proof of identity: the "
            "answer is 202 and nothing of that person is returned or changed until the code comes back.",
            "responses": {
                "201": answer("Registered: confirmed, waitlisted or pending approval", "RegistrationResult"),
                "202": answer(
                    "On file: prove it is you (a code), or wait for the organizer", "RegistrationAccepted"
                ),
                "409": answer(
                    "`event_full` (full, no waitlist) or `registration_closed` "
                    "(outside the window, or the event is not published)",
                    "Error",
                ),
                **error_responses(400, 404, 422, 429),
            },
        },
        "get": {
            "summary": "Registrations of one of the caller's events, paged",
            "operationId": "listRegistrations",
            "parameters": [
                _EVENT_ID,
                {"name": "status", "in": "query", "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "default": 100, "maximum": 500},
                },
            ],
            "responses": {
                "200": answer("One page", "RegistrationPage"),
                **error_responses(401, 403, 404, 422),
            },
        },
    },
    "/verifications/{verification_id}": {
        "post": {
            "summary": "Give the code sent to the contact on file (public, no token)",
            "description": "Then the registration is made (201) or the person's existing one is "
            "returned (200), and the contact details sent with the registration are applied (the old "
            "contact is told). Codes live 10 minutes and allow 5 tries; a new code voids the old one.",
            "operationId": "verifyIdentity",
            "security": [],
            "parameters": [
                {"name": "verification_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": request_body("CodeInput"),
            "responses": {
                "201": answer("Registered", "RegistrationResult"),
                "200": answer("Already registered: their registration", "RegistrationResult"),
                "410": answer("`verification_expired`: past its 10 minutes, used, or replaced", "Error"),
                "422": answer("`invalid`, with `fields.code`: not the code sent", "Error"),
                "429": answer("`too_many_attempts` after 5 wrong codes (or the rate limit)", "Error"),
                **error_responses(400, 404, 409),
            },
        }
    },
    "/verifications/{verification_id}/resend": {
        "post": {
            "summary": "Send a new code to the same contacts on file (public, no token)",
            "operationId": "resendIdentityCode",
            "security": [],
            "parameters": [
                {"name": "verification_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "202": answer("A new code was sent; the old one no longer works", "RegistrationAccepted"),
                "410": answer("`verification_expired`", "Error"),
                "429": answer("`too_many_requests`: too many codes for this person, or too soon", "Error"),
                **error_responses(404),
            },
        }
    },
    "/events/{event_id}/ticket-recovery": {
        "post": {
            "summary": "Lost ticket: send the manage link to the contact on file (public, no token)",
            "description": "Always 202 with the same body, whether or not anyone is registered; "
            "the link goes only to a phone or e-mail already on the person's record.",
            "operationId": "recoverTicket",
            "security": [],
            "parameters": [_EVENT_ID],
            "requestBody": request_body("TicketRecoveryInput"),
            "responses": {
                "202": answer("Sent if registered", "TicketRecoveryAccepted"),
                **error_responses(400, 404, 422, 429),
            },
        }
    },
    "/registrations/{registration_id}/reissue": {
        "post": {
            "summary": "A new ticket (organizer token, or the person's manage token)",
            "description": "The old QR then answers 404 `invalid_ticket` at the door (and drops out of "
            "the offline list at its next refresh), the old manage link stops working, and the person "
            "is sent the new link. Manage token in `X-Manage-Token` or the body, as for cancel.",
            "operationId": "reissueTicket",
            "parameters": [
                {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {"200": answer("The new ticket", "ReissueResult"), **error_responses(401, 403, 404)},
        }
    },
    "/registrations/{registration_id}/cancel": {
        "post": {
            "summary": "Cancel a registration (organizer token, or the person's manage token)",
            "description": "Send the manage token (the last part of the manage link) in `X-Manage-Token` "
            'or as `{"manage_token": ...}` instead of a bearer token. The seat goes to the waitlist.',
            "operationId": "cancelRegistration",
            "parameters": [
                {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": answer("Cancelled", "CancelResult"),
                "409": answer("`checked_in`: the person has checked in; undo the check-in first", "Error"),
                **error_responses(401, 403, 404),
            },
        }
    },
}
