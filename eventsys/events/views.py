"""Event pages: the public home page and event page, and the organizer/staff console."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from eventsys.accounts.models import Role
from eventsys.db import db
from eventsys.events import services
from eventsys.web import public, role_required

bp = Blueprint("events", __name__)


@bp.get("/")
@public
def home():
    return render_template(
        "events/home.html",
        events=services.public_events(db.session),
        past_events=services.past_public_events(db.session),
    )


@bp.get("/e/<slug>")
@public
def detail(slug: str):
    event = services.get_public_event(db.session, slug)
    return render_template("events/detail.html", event=event)


@bp.get("/manage/")
@role_required(Role.ORGANIZER, Role.STAFF)
def dashboard():
    events = services.visible_events(db.session, user=current_user)
    return render_template("events/dashboard.html", events=events)
