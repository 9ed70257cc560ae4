"""HTTP glue shared by the views: role checks, API authentication, error pages.

Everything that turns a domain outcome into an HTTP answer lives here, so views stay
thin and every page and API route answers errors the same way.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, render_template, request
from flask import session as http_session
from flask_babel import gettext as _
from flask_login import current_user, login_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import Forbidden, HTTPException, MethodNotAllowed, Unauthorized
from wtforms.validators import ValidationError

from eventsys.accounts.models import Role, User
from eventsys.db import db
from eventsys.errors import DomainError, RuleViolation

log = logging.getLogger(__name__)
API_PREFIX = "/api/"


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site such as ``/events/1?x=y``.

    Browsers are lenient: they skip leading spaces and control characters, read ``\\`` as
    ``/`` and ``//host`` or ``/\\host`` as another host, and follow ``http:host`` and
    ``javascript:``. So the target must start with exactly one ``/``, followed by neither
    ``/`` nor ``\\``, with no backslash, no control or invisible character and no scheme.
    """
    if not isinstance(target, str) or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return False
    if "\\" in target or any(unicodedata.category(char).startswith("C") for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def role_required(*roles: Role) -> Callable:
    """Refuse a page unless the logged-in user has one of ``roles`` (admins always pass).

    Anonymous visitors go to the log-in page; others get 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            from eventsys.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != Role.ADMIN and current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the route-permission test
        return wrapped

    return decorator


# --- JSON API authentication ---------------------------------------------------------------


class ApiError(Exception):
    """An API refusal answered as ``{"error": code, "message": text, ...}``."""

    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


#: deepest nesting a JSON body may have; a deeper one is refused before anything walks it
MAX_JSON_DEPTH = 32


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists or objects more than ``limit`` levels (walked with a
    stack of its own, so a deep value cannot exhaust Python's recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _parsed_json() -> Any:
    """The request's JSON, or None if it is not JSON. A 400 for a body nested deeper than
    :data:`MAX_JSON_DEPTH`: the parser itself raises RecursionError on a deep enough one
    (a 500 before), and a shallower but still deep one is refused the same way."""
    too_deep = ApiError(
        400,
        "bad_request",
        _("The JSON body is nested more than %(limit)s levels deep.", limit=MAX_JSON_DEPTH),
    )
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise too_deep from None
    if body is not None and _deeper_than(body, MAX_JSON_DEPTH):
        raise too_deep
    return body


def json_body() -> dict[str, Any]:
    """The request's JSON object; a 400 ``bad_request`` for anything else."""
    body = _parsed_json()
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _("Send a JSON object with Content-Type: application/json."))
    return body


def optional_json_body() -> dict[str, Any]:
    """The request's JSON object, or ``{}`` when it sent no body at all (a route whose body is
    optional). A body that is not a JSON object (a form, a list, broken JSON) is a 400, as for
    :func:`json_body`: a tool that meant ``confirm_early`` must not be taken as not saying it."""
    body = _parsed_json()
    if body is None and not request.get_data(cache=True):
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _("Send a JSON object with Content-Type: application/json."))
    return body


def _field_error(name: str, message) -> RuleViolation:
    return RuleViolation(_("Please correct the highlighted fields."), fields={name: str(message)})


def text_field(body: dict[str, Any], name: str, *, label: str | None = None) -> str:
    """``body[name]`` as stripped text, "" when absent or null. Anything but a string (a
    list, number or object) is a 422 naming the field, never its ``str()`` stored as text."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        label = label or name
        raise _field_error(label, _("%(field)s: text expected.", field=label))
    return value.strip()


def bool_field(body: dict[str, Any], name: str, *, default: bool) -> bool:
    """``body[name]`` as a JSON boolean (``default`` when absent); anything else is a 422."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise _field_error(name, _("%(field)s: true or false expected.", field=name))
    return value


def only_fields(body: dict[str, Any], *names: str) -> dict[str, Any]:
    """``body`` if it holds no field but ``names``; else a 422 naming the first stranger (a
    misspelt ``confirm_erly`` must not be read as "not confirmed" and acted on)."""
    for name in body:
        if name not in names:
            raise _field_error(name, _("%(field)s: unknown field.", field=name))
    return body


def api_user() -> User | None:
    """The caller of an API route: a bearer token, or else the logged-in session.

    A session caller changing state must send the CSRF token in ``X-CSRFToken``, since
    its cookie is sent by the browser on its own.
    """
    if "api_user" in g:
        return g.api_user
    from eventsys.accounts.services import user_for_token

    user: User | None = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", _("Missing or malformed bearer token."))
        # Only a read: a write route takes SQLite's write lock itself (``begin_write``), as
        # late as it can, so that scans and registrations hold it for their writes alone.
        user = user_for_token(db.session, token.strip())
        if user is None:
            raise ApiError(401, "unauthorized", _("Invalid or revoked token."))
    elif current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                validate_csrf(request.headers.get("X-CSRFToken", ""))
            except ValidationError as exc:
                raise ApiError(400, "csrf_failed", _("The CSRF token is missing or wrong.")) from exc
        user = current_user._get_current_object()
    g.api_user = user
    return user


def api_auth(*roles: Role) -> Callable:
    """Require an API caller with one of ``roles`` (admins always pass)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            user = api_user()
            if user is None:
                raise ApiError(401, "unauthorized", _("Authentication required."))
            if user.role != Role.ADMIN and user.role not in roles:
                raise ApiError(403, "forbidden", _("You are not allowed to do this."))
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark a route as open to everyone (the route-permission test reads this mark)."""
    view.is_public = True
    return view


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a fresh session for ``user`` (a new session on log-in defeats fixation)."""
    http_session.clear()
    login_user(user, remember=remember)


# --- error handlers --------------------------------------------------------------------------


def _error_response(status: int, code: str, message: str, **extra: Any):
    if wants_json():
        body = {"error": code, "message": message, **extra}
        return jsonify(body), status
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # noqa: BLE001 - e.g. the database is down and the page needs the user
        log.exception("error page failed to render")
        return FALLBACK_ERROR_PAGE, status, {"Content-Type": "text/html; charset=utf-8"}


#: shown when even the error page cannot render; both languages, no details
FALLBACK_ERROR_PAGE = """<!doctype html><html lang="th"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>eventsys</title>
<h1>ขออภัย ระบบขัดข้องชั่วคราว</h1><p>กรุณาลองใหม่อีกครั้งในอีกสักครู่</p>
<h2 lang="en">Sorry, the service is temporarily unavailable</h2>
<p lang="en">Please try again in a moment.</p></html>"""


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return _error_response(error.status, error.code, error.message, **error.extra)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        extra: dict[str, Any] = (
            {"fields": {k: str(v) for k, v in error.fields.items()}}
            if isinstance(error, RuleViolation)
            else {}
        )
        if getattr(error, "attendee", None):  # a refused genuine ticket: whose it is, for the door
            extra["attendee"] = error.attendee
        return _error_response(error.status, error.code, str(error.message), **extra)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        return _error_response(
            400,
            "csrf_failed",
            _("The form has expired or was not sent from this site. Please reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if isinstance(error, Unauthorized) and not wants_json():
            from eventsys.extensions import login_manager

            return login_manager.unauthorized()
        messages = {
            400: _("The request could not be understood."),
            401: _("Authentication required."),
            403: _("You are not allowed to see this page."),
            404: _("The page you asked for does not exist."),
            405: _("This method is not allowed here."),
            413: _("The upload is too large."),
            429: _("Too many requests. Please wait a moment and try again."),
            503: _("The service is temporarily unavailable. Please try again shortly."),
        }
        status = error.code or 500
        message = messages.get(status, error.description or "")
        if status == 429 and getattr(getattr(error, "limit", None), "error_message", None):
            message = error.description  # the limit's own notice (e.g. log-in attempts)
        codes = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            429: "rate_limited",
            503: "unavailable",
        }
        response = _error_response(status, codes.get(status, "bad_request"), message)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            body, code = response
            return body, code, {"Allow": ", ".join(sorted(error.valid_methods))}
        return response

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def handle_out_of_range(error: Exception):
        """An ID beyond the column's range (``/events/99999999999``) names nothing."""
        db.session.rollback()
        return _error_response(404, "not_found", _("The page you asked for does not exist."))

    @app.errorhandler(OperationalError)
    def handle_database_down(error: OperationalError):
        log.error("database error: %s", error)
        db.session.rollback()
        return _error_response(
            503,
            "unavailable",
            _("The service is temporarily unavailable. Please try again shortly."),
        )

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the page must render even if the database is gone
            pass
        return _error_response(500, "server_error", _("Something went wrong on our side. Please try again."))
