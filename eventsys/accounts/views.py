"""Log in and out, change one's password, and the admins' account pages (/admin/users)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as http_session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from eventsys.accounts import services
from eventsys.accounts.forms import ChangePasswordForm, LoginForm, NewUserForm, RoleForm, SubmitOnlyForm
from eventsys.accounts.models import ApiToken, Role, User
from eventsys.accounts.services import LoginFailed, authenticate
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import DomainError, NotFound, PermissionDenied
from eventsys.extensions import limiter
from eventsys.security import login_limited_message, login_rate_limit
from eventsys.web import ApiError, is_safe_redirect, log_in, public, role_required, wants_json

bp = Blueprint("accounts", __name__)

EVERY_ROLE = tuple(Role)

#: what a user who must choose a new password may still reach
_OPEN_WHILE_PASSWORD_CHANGE = {"accounts.change_password", "accounts.logout", "static", "site.set_language"}


@bp.before_app_request
def check_session():
    """On every request: forget a session whose version is stale, and hold a user whose
    password was reset on the change-password page until they choose a new one."""
    if request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        if "_user_id" in http_session:
            logout_user()  # a stale cookie: drop it (and the remember-me cookie)
        return None
    if not current_user.must_change_password or request.endpoint in _OPEN_WHILE_PASSWORD_CHANGE:
        return None
    if wants_json():
        raise ApiError(403, "password_change_required", _("Choose a new password before going on."))
    return redirect(url_for("accounts.change_password"))


def _home(user: User) -> str:
    """Where a log-in lands: door staff at the scanner (of today's event, if it is one),
    everyone else on the console."""
    if user.role == Role.STAFF:
        return url_for("checkin.index", today=1)
    return url_for("events.dashboard")


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
        if user.must_change_password:
            return redirect(url_for("accounts.change_password"))
        return redirect(target if is_safe_redirect(target) else _home(user))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    """Log out here and everywhere else this session (or its remember-me cookie) is used."""
    form = SubmitOnlyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            begin_write(db.session)
            services.log_out(db.session, user=_actor(), now=utcnow())
            db.session.commit()
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("events.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*EVERY_ROLE)
def change_password():
    """Anyone logged in changes their own password; other devices are logged out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        begin_write(db.session)
        user = _actor()
        try:
            services.change_password(
                db.session,
                user=user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "new_password").errors.append(str(error.message))
        else:
            db.session.commit()
            log_in(user, remember=_has_remember_cookie())  # this device stays logged in
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("events.dashboard"))
    return render_template("accounts/change_password.html", form=form)


def _actor() -> User:
    """The logged-in user as a model object (services take no proxies)."""
    return current_user._get_current_object()


def _has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


# --- administration -----------------------------------------------------------------------


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required()
def users():
    """Admins see every account and add new ones (with a one-time password)."""
    form = NewUserForm()
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            user, temporary = services.add_user(
                db.session,
                email=form.email.data,
                role=Role(form.role.data),
                full_name=form.full_name.data or "",
                actor=_actor(),
                now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Account added."), "success")
            return _user_page(user, temporary_password=temporary)
    accounts = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=accounts, form=form, now=utcnow())


@bp.get("/admin/users/<int:user_id>")
@role_required()
def user(user_id: int):
    """One account: its state, the admin's buttons, and its API tokens."""
    return _user_page(services.get_user(db.session, user_id))


def _user_page(user: User, *, temporary_password: str | None = None):
    """The account page; a one-time password is shown here once, never put in a cookie."""
    return render_template(
        "accounts/user.html",
        user=user,
        tokens=services.tokens_of(db.session, user=user),
        role_form=RoleForm(role=user.role.value),
        button=SubmitOnlyForm(),
        temporary_password=temporary_password,
        now=utcnow(),
    )


#: the buttons on the account page: service, and the message once done
ACTIONS = {
    "deactivate": (
        services.deactivate,
        lambda: _("The account is deactivated; its sessions and tokens ended."),
    ),
    "reactivate": (services.reactivate, lambda: _("The account can log in again.")),
    "unlock": (services.unlock, lambda: _("The account is unlocked.")),
}


@bp.post("/admin/users/<int:user_id>/<action>")
@role_required()
def user_action(user_id: int, action: str):
    if action not in ACTIONS:
        raise NotFound()
    form = SubmitOnlyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.user", user_id=user_id))
    begin_write(db.session)
    user = services.get_user(db.session, user_id)
    service, done = ACTIONS[action]
    return _commit_or_flash(lambda: service(db.session, user=user, actor=_actor(), now=utcnow()), done, user)


@bp.post("/admin/users/<int:user_id>/role")
@role_required()
def user_role(user_id: int):
    form = RoleForm()
    begin_write(db.session)
    user = services.get_user(db.session, user_id)
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return redirect(url_for("accounts.user", user_id=user_id))
    role = Role(form.role.data)
    return _commit_or_flash(
        lambda: services.change_role(db.session, user=user, role=role, actor=_actor(), now=utcnow()),
        lambda: _("The role is changed."),
        user,
    )


@bp.post("/admin/users/<int:user_id>/reset-password")
@role_required()
def user_reset_password(user_id: int):
    """Show a one-time password; the user must choose their own at the next log-in."""
    form = SubmitOnlyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.user", user_id=user_id))
    begin_write(db.session)
    user = services.get_user(db.session, user_id)
    temporary = services.reset_password(db.session, user=user, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("The password is reset; the account's sessions and tokens ended."), "success")
    return _user_page(user, temporary_password=temporary)


@bp.post("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke")
@role_required()
def revoke_token(user_id: int, token_id: int):
    form = SubmitOnlyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.user", user_id=user_id))
    begin_write(db.session)
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != user_id:
        raise NotFound()
    services.revoke_api_token(db.session, api_token=api_token, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.user", user_id=user_id))


def _commit_or_flash(change, done, user: User):
    """Run ``change``; commit and say ``done()``, or roll back and show the refusal."""
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done(), "success")
    return redirect(url_for("accounts.user", user_id=user.id))
