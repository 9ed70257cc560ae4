"""Check-in JSON API: scan, batch sync of offline scans, attendance counts, undo."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from eventsys.accounts.models import Role
from eventsys.api import bp
from eventsys.checkin import services
from eventsys.checkin.models import CheckInMethod
from eventsys.db import begin_write, db, utcnow
from eventsys.openapi import answer, error_responses, request_body
from eventsys.registration.tickets import signer
from eventsys.web import ApiError, api_auth, api_user, bool_field, json_body

#: the most scans one batch may carry (a phone offline for a whole morning stays well below)
BATCH_LIMIT = 1000


def _int_field(value: Any, name: str, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(
            422, "invalid", _("%(field)s: must be a whole number.", field=name), fields={name: "integer"}
        )
    return value


def _scanned_at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApiError(
            422,
            "invalid",
            _("scanned_at: must be an ISO 8601 time with a time zone."),
            fields={"scanned_at": "ISO 8601"},
        )
    return moment.astimezone(UTC)


def _client_id(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ApiError(
            422, "invalid", _("client_id: must be a UUID."), fields={"client_id": "uuid"}
        ) from None


def _method(value: Any) -> CheckInMethod:
    """An unknown method name counts as ``api``; a value that is not text is a 422."""
    if value is None or value == "":
        return CheckInMethod.API
    if not isinstance(value, str):
        raise ApiError(
            422, "invalid", _("%(field)s: text expected.", field="method"), fields={"method": "string"}
        )
    try:
        return CheckInMethod(value)
    except ValueError:
        return CheckInMethod.API


def _device() -> str:
    return request.headers.get("X-Device", "")[:100] or request.user_agent.string[:100]


def _item(body: dict[str, Any]) -> services.BatchItem:
    token = body.get("token")
    if not isinstance(token, str) or not token:
        raise ApiError(422, "invalid", _("token: the ticket token is missing."), fields={"token": "required"})
    return services.BatchItem(
        token=token,
        session_id=_int_field(body.get("session_id"), "session_id", required=False),
        client_id=_client_id(body.get("client_id")),
        scanned_at=_scanned_at(body.get("scanned_at")),
        method=_method(body.get("method")),
    )


@bp.post("/checkins")
@api_auth(Role.ORGANIZER, Role.STAFF)
def create_checkin():
    body = json_body()
    event_id = _int_field(body.get("event_id"), "event_id", required=True)
    item = _item(body)
    confirm_early = bool_field(body, "confirm_early", default=False)
    outcome = services.check_in_token(
        db.session,
        event_id=event_id,
        token=item.token,
        session_id=item.session_id,
        actor=api_user(),
        method=item.method,
        device=_device(),
        client_id=item.client_id,
        scanned_at=item.scanned_at,
        signer=signer(),
        now=utcnow(),
        refuse_early=not confirm_early,
    )
    result = outcome.as_json()
    db.session.commit()
    return jsonify(result)


@bp.post("/checkins/batch")
@api_auth(Role.ORGANIZER, Role.STAFF)
def create_checkin_batch():
    body = json_body()
    event_id = _int_field(body.get("event_id"), "event_id", required=True)
    raw_items = body.get("items")
    if not isinstance(raw_items, list) or len(raw_items) > BATCH_LIMIT:
        raise ApiError(
            422,
            "invalid",
            _("items: must be a list of at most %(n)d scans.", n=BATCH_LIMIT),
            fields={"items": "list"},
        )
    items = [_item(raw if isinstance(raw, dict) else {}) for raw in raw_items]
    confirm_early = bool_field(body, "confirm_early", default=False)
    results = services.check_in_batch(
        db.session,
        event_id=event_id,
        items=items,
        actor=api_user(),
        device=_device(),
        signer=signer(),
        now=utcnow(),
        refuse_early=not confirm_early,
    )
    db.session.commit()
    return jsonify(results=results)


@bp.get("/events/<int:id>/attendance")
@api_auth(Role.ORGANIZER, Role.STAFF)
def event_attendance(id: int):  # noqa: A002 - the path parameter of the contract
    event = services.staff_event(db.session, event_id=id, actor=api_user())
    return jsonify(services.attendance(db.session, event=event))


@bp.post("/checkins/<int:id>/undo")
@api_auth(Role.ORGANIZER, Role.STAFF)
def undo_checkin(id: int):  # noqa: A002 - the path parameter of the contract
    begin_write(db.session)
    record = services.undo_check_in(
        db.session, check_in_id=id, actor=api_user(), device=_device(), now=utcnow()
    )
    db.session.commit()
    return jsonify(result="undone", id=record.id)


# --- OpenAPI ---------------------------------------------------------------------------------

_SCAN_PROPERTIES = {
    "token": {"type": "string", "description": "the text of the ticket's QR code"},
    "session_id": {
        "type": "integer",
        "nullable": True,
        "description": "an agenda session's check-in list; omitted or null: the whole event",
    },
    "client_id": {
        "type": "string",
        "format": "uuid",
        "description": "generated by the scanning device; a re-send with the same id is recorded once",
    },
    "scanned_at": {
        "type": "string",
        "format": "date-time",
        "description": "when the ticket was scanned (offline scans); default: now",
    },
    "method": {"type": "string", "enum": [m.value for m in CheckInMethod]},
}

_CONFIRM_EARLY = {
    "type": "boolean",
    "default": False,
    "description": (
        "check in although the scan is more than a day before the event's first day (Thailand's "
        "date); without it such a scan is refused 409 too_early"
    ),
}

OPENAPI_SCHEMAS = {
    "CheckInRequest": {
        "type": "object",
        "required": ["event_id", "token"],
        "properties": {"event_id": {"type": "integer"}, **_SCAN_PROPERTIES, "confirm_early": _CONFIRM_EARLY},
    },
    "CheckInBatchRequest": {
        "type": "object",
        "required": ["event_id", "items"],
        "properties": {
            "event_id": {"type": "integer"},
            "confirm_early": _CONFIRM_EARLY,
            "items": {
                "type": "array",
                "maxItems": BATCH_LIMIT,
                "items": {"type": "object", "required": ["token"], "properties": _SCAN_PROPERTIES},
            },
        },
    },
    "CheckInResult": {
        "type": "object",
        "required": ["result", "attendee", "checked_in_at"],
        "properties": {
            "result": {"type": "string", "enum": ["checked_in", "already_checked_in"]},
            "id": {"type": "integer", "description": "the check-in (for undo)"},
            "attendee": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "organization": {"type": "string"},
                    "province": {"type": "string"},
                },
            },
            "checked_in_at": {
                "type": "string",
                "format": "date-time",
                "description": "the (first) scan time",
            },
            "checked_in_by": {"type": "string", "description": "staff who made the first scan"},
            "session_id": {"type": "integer", "nullable": True},
        },
    },
    "CheckInBatchResult": {
        "type": "object",
        "description": "one per item, in order: a CheckInResult, or {error, message} for a refused item",
        "properties": {
            "client_id": {"type": "string"},
            "result": {"type": "string", "enum": ["checked_in", "already_checked_in"]},
            "error": {
                "type": "string",
                "enum": [
                    "invalid_ticket",
                    "cancelled",
                    "not_confirmed",
                    "wrong_event",
                    "too_early",
                    "forbidden",
                    "invalid",
                ],
            },
            "message": {"type": "string"},
        },
    },
    "Attendance": {
        "type": "object",
        "required": ["confirmed", "checked_in", "sessions"],
        "properties": {
            "event_id": {"type": "integer"},
            "confirmed": {"type": "integer"},
            "checked_in": {"type": "integer"},
            "sessions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "checked_in": {"type": "integer"},
                    },
                },
            },
        },
    },
}


OPENAPI_PATHS = {
    "/checkins": {
        "post": {
            "summary": "Check a ticket in (staff of the event)",
            "description": (
                "Refusals: 404 invalid_ticket (tampered or unknown), 409 cancelled, not_confirmed "
                "(waitlisted or pending), wrong_event, too_early (more than a day before the "
                "event's first day; send confirm_early: true to check in anyway), 403 forbidden "
                "(not staff of the event)."
            ),
            "operationId": "createCheckIn",
            "requestBody": request_body("CheckInRequest"),
            "responses": {
                "200": answer("checked_in or already_checked_in", "CheckInResult"),
                "409": answer(
                    "cancelled, not_confirmed (with `attendee`: name and organization, so door staff "
                    "can explain), wrong_event or too_early",
                    "Error",
                ),
                **error_responses(400, 401, 403, 404, 422),
            },
        }
    },
    "/checkins/batch": {
        "post": {
            "summary": "Sync scans queued offline; one result per item, in order",
            "operationId": "createCheckInBatch",
            "requestBody": request_body("CheckInBatchRequest"),
            "responses": {
                "200": {
                    "description": "results",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "results": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/CheckInBatchResult"},
                                    }
                                },
                            }
                        }
                    },
                },
                **error_responses(400, 401, 403, 404, 422),
            },
        }
    },
    "/events/{id}/attendance": {
        "get": {
            "summary": "Checked-in and confirmed counts, overall and per agenda session",
            "operationId": "getAttendance",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": answer("counts", "Attendance"),
                **error_responses(401, 403, 404),
            },
        }
    },
    "/checkins/{id}/undo": {
        "post": {
            "summary": "Undo a check-in (staff of the event); audit logged",
            "operationId": "undoCheckIn",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "undone"},
                **error_responses(401, 403, 404),
            },
        }
    },
}
