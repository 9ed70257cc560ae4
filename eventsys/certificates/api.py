"""Certificate API: list and issue an event's certificates, fetch one as PDF.

``GET /api/v1/certificates/<reference>.pdf`` takes a serial or a verification code. A serial
holds "/" and Thai letters ("พม. 0001/2568"): send it percent-encoded (UTF-8); the route uses
the ``path`` converter, so an encoded or a literal "/" both work.
"""

from __future__ import annotations

from flask import current_app, jsonify
from flask_babel import gettext as _

from eventsys.accounts.models import Role
from eventsys.api import bp
from eventsys.certificates import services, tasks
from eventsys.certificates.views import pdf_response
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import Conflict
from eventsys.events.services import can_manage, get_managed_event
from eventsys.files import current_store
from eventsys.openapi import error_responses
from eventsys.web import ApiError, api_auth, api_user, bool_field, only_fields, optional_json_body


def certificate_json(certificate) -> dict:
    return {
        "registration_id": certificate.registration_id,
        "serial": certificate.serial,
        "verification_code": certificate.verification_code,
        "verify_url": services.verify_url(current_app.config["BASE_URL"], certificate.verification_code),
        "status": "valid" if certificate.is_valid else "revoked",
    }


@bp.get("/events/<int:id>/certificates")
@api_auth(Role.ORGANIZER)
def list_certificates(id: int):  # noqa: A002 - the name the OpenAPI path uses
    event = get_managed_event(db.session, id, user=api_user())
    return jsonify(
        certificates=[certificate_json(c) for c in services.event_certificates(db.session, event=event)]
    )


@bp.post("/events/<int:id>/certificates")
@api_auth(Role.ORGANIZER)
def issue_certificates(id: int):  # noqa: A002
    """Before the event has ended: 409 ``event_not_ended`` (with ``ends_at``) unless the body
    says ``{"confirm_early": true}``."""
    confirm_early = bool_field(
        only_fields(optional_json_body(), "confirm_early"), "confirm_early", default=False
    )
    begin_write(db.session)
    event = get_managed_event(db.session, id, user=api_user())
    try:
        issued = services.issue_certificates(
            db.session, event=event, actor=api_user(), now=utcnow(), refuse_early=not confirm_early
        )
    except Conflict as error:
        if error.code != "event_not_ended":
            raise
        db.session.rollback()
        raise ApiError(
            409,
            error.code,
            str(error.message),
            ends_at=event.ends_at.isoformat(),
            confirm_field="confirm_early",
        ) from None
    db.session.commit()
    return jsonify(issued=len(issued))


@bp.get("/certificates/<path:reference>.pdf")
@api_auth(Role.ORGANIZER)
def certificate_pdf(reference: str):
    certificate = services.find_certificate(db.session, reference)
    if certificate is None or not can_manage(api_user(), certificate.registration.event):
        raise ApiError(404, "not_found", _("No such certificate."))
    data = services.render_certificate_pdf(
        db.session,
        certificate,
        files=current_store(),
        base_url=current_app.config["BASE_URL"],
        time_limit=tasks.render_time_limit(),
    )
    return pdf_response(data, services.certificate_filename(certificate))


_EVENT_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
OPENAPI_SCHEMAS = {
    "Certificate": {
        "type": "object",
        "required": ["registration_id", "serial", "verification_code", "verify_url", "status"],
        "properties": {
            "registration_id": {"type": "integer"},
            "serial": {"type": "string", "example": "พม. 0001/2568"},
            "verification_code": {"type": "string", "example": "K7MPQ2XR9TZA"},
            "verify_url": {"type": "string", "format": "uri"},
            "status": {"type": "string", "enum": ["valid", "revoked"]},
        },
    },
}
OPENAPI_PATHS = {
    "/events/{id}/certificates": {
        "get": {
            "summary": "Certificates issued for an event (organizer of the event)",
            "tags": ["certificates"],
            "parameters": [_EVENT_ID],
            "responses": {
                "200": {
                    "description": "The event's certificates in serial order",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "certificates": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Certificate"},
                                    }
                                },
                            }
                        }
                    },
                },
                **error_responses(401, 403, 404),
            },
        },
        "post": {
            "summary": "Issue certificates to everyone eligible who has none yet",
            "description": (
                "Before the event has ended the answer is 409 `event_not_ended` (with `ends_at` "
                'and `confirm_field`), unless the body is `{"confirm_early": true}`: people who '
                "have not checked in yet would be left out. The body is optional; a body that is not "
                "a JSON object is a 400, an unknown field a 422."
            ),
            "tags": ["certificates"],
            "parameters": [_EVENT_ID],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "confirm_early": {
                                    "type": "boolean",
                                    "default": False,
                                    "description": "issue even though the event has not ended yet",
                                }
                            },
                            "additionalProperties": False,
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "How many were issued",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"issued": {"type": "integer"}}}
                        }
                    },
                },
                **error_responses(401, 403, 404, 409, 422),
            },
        },
    },
    "/certificates/{reference}.pdf": {
        "get": {
            "summary": "One certificate as PDF (organizer of its event)",
            "description": (
                "`reference` is the serial as printed (percent-encoded UTF-8; its '/' may be sent "
                "literally or as %2F; Thai or Arabic digits) or the verification code."
            ),
            "tags": ["certificates"],
            "parameters": [
                {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {"description": "The PDF", "content": {"application/pdf": {}}},
                **error_responses(401, 403, 404, 503),
            },
        }
    },
}
