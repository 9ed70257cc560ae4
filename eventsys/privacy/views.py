"""Privacy pages: the notice (current and every published version), the person's choices of
optional consents from their manage link, and the admins' page for a new notice version."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventsys.db import begin_write, db, utcnow
from eventsys.errors import RuleViolation
from eventsys.extensions import limiter
from eventsys.privacy import services
from eventsys.privacy.forms import ConsentForm, NoticeForm, consent_form_for
from eventsys.privacy.markup import render_notice

# the manage link belongs to the registration feature: its check is reused, not copied
from eventsys.registration.views import _registration_for_manage_token, registration_rate_limit
from eventsys.web import public, role_required

bp = Blueprint("privacy", __name__)


def _locale() -> str:
    return str(get_locale() or "th")


@bp.app_template_global("current_privacy_notice")
def current_privacy_notice():
    """The current notice, for the registration form's summary (templates call it)."""
    return services.current_notice(db.session)


@bp.app_template_global("privacy_consent_form")
def privacy_consent_form(volunteer) -> ConsentForm:
    """The manage page's consent boxes, ticked as the person's consents are now."""
    return consent_form_for(services.given_purposes(db.session, volunteer), formdata=None)


@bp.app_template_filter("notice_html")
def notice_html(text: str):
    return render_notice(text)


@bp.get("/privacy")
@public
def current():
    notice = services.current_notice(db.session)
    return render_template("privacy/notice.html", notice=notice, is_current=True, locale=_locale())


@bp.get("/privacy/<version>")
@public
def notice(version: str):
    notice = services.notice_by_version(db.session, version)
    is_current = notice.version == services.current_notice_version(db.session)
    return render_template("privacy/notice.html", notice=notice, is_current=is_current, locale=_locale())


@bp.post("/r/<token>/consents")
@public
@limiter.limit(registration_rate_limit)
def update_consents(token: str):
    """The person's optional consents, from their manage link (the link proves who they are)."""
    begin_write(db.session)
    registration = _registration_for_manage_token(token)
    form = ConsentForm()
    if form.validate_on_submit():
        services.set_consents(
            db.session,
            volunteer=registration.volunteer,
            purposes=form.optional_consents(),
            notice_version=services.current_notice_version(db.session),
            source="manage",
            now=utcnow(),
        )
        db.session.commit()
        flash(_("Your choices are saved."), "success")
    else:
        db.session.rollback()
        flash(_("Your choices could not be saved. Please try again."), "error")
    return redirect(url_for("registration.manage", token=token) + "#consents")


def _admin_page(form: NoticeForm, status: int = 200):
    return render_template(
        "privacy/admin.html",
        form=form,
        notices=services.list_notices(db.session),
        current_version=services.current_notice_version(db.session),
    ), status


@bp.get("/admin/privacy")
@role_required()
def admin():
    current = services.current_notice(db.session)
    form = NoticeForm(
        formdata=None,
        data_controller=current.data_controller,
        dpo_contact=current.dpo_contact,
        retention=current.retention,
        body_th=current.body_th,
        body_en=current.body_en,
    )
    return _admin_page(form)


@bp.post("/admin/privacy")
@role_required()
def publish():
    form = NoticeForm()
    if not form.validate_on_submit():
        return _admin_page(form, 422)
    begin_write(db.session)
    try:
        notice = services.publish_notice(
            db.session,
            version=form.version.data,
            body_th=form.body_th.data,
            body_en=form.body_en.data or "",
            data_controller=form.data_controller.data,
            dpo_contact=form.dpo_contact.data,
            retention=form.retention.data,
            actor=current_user,
            now=utcnow(),
        )
    except RuleViolation as error:
        db.session.rollback()
        for name, message in error.fields.items():
            getattr(form, name).errors = [str(message)]
        return _admin_page(form, 422)
    db.session.commit()
    flash(_("Version %(v)s of the privacy notice is published and now current.", v=notice.version), "success")
    return redirect(url_for("privacy.admin"))
