"""The JSON API under ``/api/v1``: its blueprint, its OpenAPI document, and ``/me``.

Feature modules add their routes to :data:`bp`; every error under ``/api/`` is answered as
``{"error": code, "message": text}`` by ``web.register_error_handlers``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from eventsys.accounts.models import Role
from eventsys.openapi import openapi_document
from eventsys.web import api_auth, api_user, public

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())


@bp.get("/me")
@api_auth(Role.ORGANIZER, Role.STAFF)
def me():
    """Who the token (or session) belongs to: lets a tool check its credentials."""
    user = api_user()
    return jsonify(id=user.id, email=user.email, role=str(user.role), name=user.display_name)
