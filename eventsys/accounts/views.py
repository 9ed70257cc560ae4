"""Log in and log out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from eventsys.accounts.forms import LoginForm, SubmitOnlyForm
from eventsys.accounts.models import User
from eventsys.accounts.services import LoginFailed, authenticate
from eventsys.db import begin_write, db
from eventsys.errors import PermissionDenied
from eventsys.extensions import limiter
from eventsys.security import login_limited_message, login_rate_limit
from eventsys.web import is_safe_redirect, log_in, public, role_required

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(login_rate_limit, methods=["POST"], error_message=login_limited_message)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("events.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            user = authenticate(db.session, email=form.email.data, password=form.password.data)
        except PermissionDenied as error:
            db.session.commit()  # keep the failure count and the audit line
            form.password.errors.append(str(error.message))
            status = 403 if not isinstance(error, LoginFailed) else 200
            return render_template("accounts/login.html", form=form), status
        db.session.commit()
        log_in(user, remember=bool(form.remember.data))
        target = request.args.get("next")
        return redirect(target if is_safe_redirect(target) else url_for("events.dashboard"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    form = SubmitOnlyForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("events.home"))


@bp.get("/admin/users")
@role_required()
def users():
    """Admins see every account (the page is the start of account management)."""
    accounts = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=accounts)
