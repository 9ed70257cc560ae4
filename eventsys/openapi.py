"""The OpenAPI 3 document of the JSON API, served at ``/api/v1/openapi.json``.

The paths and fields written here are a contract other tools are built against: change
them only together with the routes, and keep the tests that compare the two green.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "stable machine-readable code"},
        "message": {"type": "string", "description": "human-readable, in the caller's language"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "attendee": {
            "type": "object",
            "description": "a genuine ticket refused for its state (cancelled, not confirmed): whose it is",
            "properties": {"name": {"type": "string"}, "organization": {"type": "string"}},
        },
    },
}


def json_content(schema: str) -> dict[str, Any]:
    """A ``content`` entry: JSON described by ``#/components/schemas/<schema>``."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def request_body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": json_content(schema)}


def answer(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": json_content(schema)}


def error_responses(*statuses: int) -> dict[str, Any]:
    descriptions = {
        400: "Bad request",
        401: "Missing, invalid or revoked bearer token",
        403: "The caller's role does not allow this",
        404: "Not found",
        409: "Conflict with the current state",
        410: "Gone",
        422: "Invalid fields",
        429: "Rate limited",
        503: "Temporarily unavailable (e.g. a PDF that took too long to render); try again later",
    }
    return {str(status): answer(descriptions[status], "Error") for status in statuses}


def openapi_document() -> dict[str, Any]:
    """The whole document: the shared parts here, each feature's paths from its ``api``."""
    from eventsys import FEATURES, feature_module

    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for feature in FEATURES:
        module = feature_module(feature, "api")
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "eventsys API",
            "version": "1.0.0",
            "description": (
                "Events, registrations, check-in and certificates. Authenticate with "
                "`Authorization: Bearer <token>` (create one with `flask --app app create-token EMAIL`)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": ERROR,
                "Me": {
                    "type": "object",
                    "required": ["id", "email", "role", "name"],
                    "properties": {
                        "id": {"type": "integer"},
                        "email": {"type": "string"},
                        "role": {"type": "string", "enum": ["admin", "organizer", "staff"]},
                        "name": {"type": "string"},
                    },
                },
                **schemas,
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/me": {
                "get": {
                    "summary": "The account behind the token",
                    "operationId": "getMe",
                    "responses": {
                        "200": {
                            "description": "The caller",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}},
                        },
                        **error_responses(401, 403),
                    },
                }
            },
        },
    }
    document["paths"].update(paths)
    return document
