"""Site-wide routes: health check and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from sqlalchemy import text

from eventsys.db import db
from eventsys.i18n import LANGUAGE_COOKIE
from eventsys.web import is_safe_redirect, public

bp = Blueprint("site", __name__)


@bp.get("/healthz")
@public
def healthz():
    """200 when the app and its database answer; 503 (still JSON) when the database does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure to reach the database means "not ok"
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/lang/<code>", methods=["GET", "POST"])
@public
def set_language(code: str):
    """Switch language and remember the choice for a year, then go back where the reader was."""
    target = request.values.get("next") or _same_site_path(request.referrer)
    if not is_safe_redirect(target):
        target = url_for("events.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _same_site_path(referrer: str | None) -> str | None:
    """The path and query of a referring page on this site (None for another site)."""
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
