"""Event pages: the public home page and event page, and the organizer/staff console."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from eventsys.accounts.models import Role
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import Conflict, RuleViolation
from eventsys.events import services
from eventsys.events.forms import (
    QUESTION_KINDS,
    DeleteEventForm,
    EventForm,
    QuestionForm,
    SessionForm,
    StaffForm,
    local_to_utc,
    utc_to_local,
)
from eventsys.events.ics import event_ics
from eventsys.events.models import EventStatus, QuestionKind
from eventsys.registration import deliveries
from eventsys.registration import services as registration_services
from eventsys.registration.tasks import commit_and_notify
from eventsys.volunteers import thai
from eventsys.volunteers.models import network_label
from eventsys.web import public, role_required

bp = Blueprint("events", __name__)


def _tz() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


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
    return render_template(
        "events/detail.html",
        event=event,
        seats_left=registration_services.seats_left(db.session, event),
        is_open=services.registration_is_open(event, now=utcnow()),
    )


@bp.get("/e/<slug>/calendar.ics")
@public
def calendar(slug: str):
    event = services.get_public_event(db.session, slug)
    body = event_ics(event, url=url_for("events.detail", slug=slug, _external=True), now=utcnow())
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{slug}.ics"',
        },
    )


@bp.get("/manage/")
@role_required(Role.ORGANIZER, Role.STAFF)
def dashboard():
    events = services.visible_events(db.session, user=current_user)
    failed_deliveries = 0
    if current_user.is_admin:
        failed_deliveries = deliveries.count_failed_deliveries(db.session)
    elif current_user.role == Role.ORGANIZER:
        failed_deliveries = deliveries.count_failed_deliveries(db.session, event_ids=[e.id for e in events])
    return render_template("events/dashboard.html", events=events, failed_deliveries=failed_deliveries)


# --- organizer console ---------------------------------------------------------------------------


def _event_data(form: EventForm) -> services.EventData:
    tz = _tz()
    return services.EventData(
        title=form.title.data or "",
        description=form.description.data or "",
        starts_at=local_to_utc(form.starts_at.data, tz),
        ends_at=local_to_utc(form.ends_at.data, tz),
        venue=form.venue.data or "",
        address=form.address.data or "",
        map_url=form.map_url.data or "",
        organizer_unit=form.organizer_unit.data or "",
        capacity=form.capacity.data,
        registration_opens_at=local_to_utc(form.registration_opens_at.data, tz),
        registration_closes_at=local_to_utc(form.registration_closes_at.data, tz),
        waitlist_enabled=bool(form.waitlist_enabled.data),
        requires_approval=bool(form.requires_approval.data),
        signin_shows_phone=bool(form.signin_shows_phone.data),
    )


def _form_errors(form, error: RuleViolation) -> None:
    for key, message in error.fields.items():
        field = getattr(form, key.rsplit(".", 1)[-1], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), str(message)]
        else:
            flash(str(message), "error")


@bp.route("/manage/events/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def create():
    form = EventForm()
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            event = services.create_event(
                db.session, data=_event_data(form), owner=current_user, actor=current_user, now=utcnow()
            )
        except RuleViolation as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            db.session.commit()
            flash(_("The event is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/edit.html", form=form, event=None)


@bp.route("/manage/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def edit(event_id: int):
    event = services.get_managed_event(db.session, event_id, user=current_user)
    form = EventForm(obj=event)
    if request.method == "GET":
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            getattr(form, name).data = utc_to_local(getattr(event, name), _tz())
    if form.validate_on_submit():
        begin_write(db.session)
        now = utcnow()
        try:
            services.update_event(
                db.session, event=event, data=_event_data(form), actor=current_user, now=now
            )
            promoted = registration_services.fill_seats(db.session, event=event, actor=current_user, now=now)
        except RuleViolation as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            commit_and_notify(db.session)
            flash(_("Saved."), "success")
            if promoted:
                flash(
                    _("%(n)s people were moved from the waiting list into free seats.", n=len(promoted)),
                    "success",
                )
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/edit.html", form=form, event=event)


@bp.get("/manage/events/<int:event_id>")
@role_required(Role.ORGANIZER)
def manage(event_id: int):
    event = services.get_managed_event(db.session, event_id, user=current_user)
    stats = registration_services.event_statistics(db.session, event)
    locale = str(get_locale() or "th")
    not_given = _("Not given")
    return render_template(
        "events/manage.html",
        event=event,
        stats=stats,
        seats_left=registration_services.seats_left(db.session, event),
        moves=services.STATUS_MOVES[event.status],
        session_form=SessionForm(prefix="session"),
        question_form=QuestionForm(prefix="question"),
        staff_form=StaffForm(prefix="staff"),
        question_kinds={choice.value: choice.label for choice in QUESTION_KINDS},
        province_labels=[thai.province_name(code, locale) or not_given for code, _n in stats["provinces"]],
        network_labels=[network_label(name) or not_given for name, _n in stats["network_types"]],
    )


def _write(event_id: int):
    begin_write(db.session)
    return services.get_managed_event(db.session, event_id, user=current_user)


def _done(event_id: int, message: str | None = None):
    commit_and_notify(db.session)
    if message:
        flash(message, "success")
    return redirect(url_for("events.manage", event_id=event_id))


def _refused(event_id: int, error) -> object:
    db.session.rollback()
    messages = getattr(error, "fields", None) or {"": error.message}
    for message in messages.values():
        flash(str(message), "error")
    return redirect(url_for("events.manage", event_id=event_id))


@bp.post("/manage/events/<int:event_id>/status/<status>")
@role_required(Role.ORGANIZER)
def set_status(event_id: int, status: str):
    event = _write(event_id)
    if status not in {s.value for s in EventStatus}:
        return _refused(event_id, Conflict(_("Unknown status.")))
    try:
        services.set_status(
            db.session, event=event, status=EventStatus(status), actor=current_user, now=utcnow()
        )
    except Conflict as error:
        return _refused(event_id, error)
    return _done(event_id, _("The event is now: %(status)s.", status=_label(status)))


def _label(value: str) -> str:
    from eventsys.i18n import label

    return label(value)


@bp.route("/manage/events/<int:event_id>/delete", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def delete(event_id: int):
    """Delete a draft nobody has seen, after a confirm page (GET); anything else is refused
    with the reason and the way out (close or archive)."""
    event = services.get_managed_event(db.session, event_id, user=current_user)
    form = DeleteEventForm()
    if form.validate_on_submit():
        event = _write(event_id)
        title = event.title
        try:
            services.delete_event(db.session, event=event, actor=current_user, now=utcnow())
        except Conflict as error:
            return _refused(event_id, error)
        db.session.commit()
        flash(_("The draft “%(title)s” was deleted.", title=title), "success")
        return redirect(url_for("events.dashboard"))
    return render_template(
        "events/delete.html",
        event=event,
        form=form,
        refusal=services.deletion_refusal(db.session, event=event),
        moves=services.STATUS_MOVES[event.status],
    )


@bp.post("/manage/events/<int:event_id>/duplicate")
@role_required(Role.ORGANIZER)
def duplicate(event_id: int):
    event = _write(event_id)
    copy = services.duplicate_event(db.session, event=event, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("A draft copy was made. Change its dates and publish it."), "success")
    return redirect(url_for("events.edit", event_id=copy.id))


@bp.post("/manage/events/<int:event_id>/sessions")
@role_required(Role.ORGANIZER)
def add_session(event_id: int):
    event = _write(event_id)
    form = SessionForm(prefix="session")
    if not form.validate_on_submit():
        return _refused(
            event_id, RuleViolation(fields={k: " ".join(map(str, v)) for k, v in form.errors.items()})
        )
    try:
        services.add_session(
            db.session, event=event, data=_session_data(form), actor=current_user, now=utcnow()
        )
    except RuleViolation as error:
        return _refused(event_id, error)
    return _done(event_id, _("Added to the agenda."))


def _session_data(form: SessionForm) -> services.SessionData:
    return services.SessionData(
        title=form.title.data or "",
        starts_at=local_to_utc(form.starts_at.data, _tz()),
        ends_at=local_to_utc(form.ends_at.data, _tz()),
        room=form.room.data or "",
        speakers=form.speakers.data or "",
        capacity=form.capacity.data,
    )


@bp.route("/manage/events/<int:event_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def edit_session(event_id: int, session_id: int):
    """Change an agenda item in place (its check-ins stay with it)."""
    event = services.get_managed_event(db.session, event_id, user=current_user)
    item = services.own_session(db.session, event, session_id)
    form = SessionForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(item.starts_at, _tz())
        form.ends_at.data = utc_to_local(item.ends_at, _tz())
    if form.validate_on_submit():
        done = _change_in_place(
            form,
            event_id,
            lambda event: services.update_session(
                db.session, event=event, session_id=session_id, data=_session_data(form),
                actor=current_user, now=utcnow(),
            ),
            _("The agenda item was changed."),
        )  # fmt: skip
        if done:
            return done
    return render_template("events/edit_session.html", form=form, event=event, item=item)


def _change_in_place(form, event_id: int, change, message: str):
    """An edit page's write: the event locked, ``change(event)`` applied, then back to the event
    page; a RuleViolation is rolled back and shown on the form's fields (None: show it again)."""
    event = _write(event_id)
    try:
        change(event)
    except RuleViolation as error:
        db.session.rollback()
        _form_errors(form, error)
        return None
    return _done(event_id, message)


@bp.post("/manage/events/<int:event_id>/sessions/<int:session_id>/delete")
@role_required(Role.ORGANIZER)
def delete_session(event_id: int, session_id: int):
    event = _write(event_id)
    services.delete_session(db.session, event=event, session_id=session_id, actor=current_user, now=utcnow())
    return _done(event_id, _("Removed from the agenda."))


@bp.post("/manage/events/<int:event_id>/questions")
@role_required(Role.ORGANIZER)
def add_question(event_id: int):
    event = _write(event_id)
    form = QuestionForm(prefix="question")
    if not form.validate_on_submit():
        return _refused(
            event_id, RuleViolation(fields={k: " ".join(map(str, v)) for k, v in form.errors.items()})
        )
    try:
        services.add_question(
            db.session, event=event, data=_question_data(form), actor=current_user, now=utcnow()
        )
    except RuleViolation as error:
        return _refused(event_id, error)
    return _done(event_id, _("The question is on the form."))


def _question_data(form: QuestionForm) -> services.QuestionData:
    return services.QuestionData(
        label=form.label.data or "",
        kind=QuestionKind(form.kind.data),
        options=(form.options.data or "").splitlines(),
        is_required=bool(form.is_required.data),
    )


@bp.route("/manage/events/<int:event_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def edit_question(event_id: int, question_id: int):
    """Change a question in place; what answers already given allow is the service's rule."""
    event = services.get_managed_event(db.session, event_id, user=current_user)
    question = services.own_question(db.session, event, question_id)
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.options.data = "\n".join(question.options or [])
    if form.validate_on_submit():
        done = _change_in_place(
            form,
            event_id,
            lambda event: services.update_question(
                db.session, event=event, question_id=question_id, data=_question_data(form),
                actor=current_user, now=utcnow(),
            ),
            _("The question was changed."),
        )  # fmt: skip
        if done:
            return done
    answered = len(services.given_answers(db.session, event=event, question=question))
    return render_template(
        "events/edit_question.html", form=form, event=event, question=question, answered=answered
    )


@bp.post("/manage/events/<int:event_id>/questions/<int:question_id>/delete")
@role_required(Role.ORGANIZER)
def delete_question(event_id: int, question_id: int):
    event = _write(event_id)
    services.delete_question(
        db.session, event=event, question_id=question_id, actor=current_user, now=utcnow()
    )
    return _done(event_id, _("The question was removed."))


@bp.post("/manage/events/<int:event_id>/questions/<int:question_id>/move/<direction>")
@role_required(Role.ORGANIZER)
def move_question(event_id: int, question_id: int, direction: str):
    event = _write(event_id)
    if direction not in ("up", "down"):
        raise NotFound()
    services.move_question(
        db.session,
        event=event,
        question_id=question_id,
        offset=-1 if direction == "up" else 1,
        actor=current_user,
        now=utcnow(),
    )
    return _done(event_id)


@bp.post("/manage/events/<int:event_id>/staff")
@role_required(Role.ORGANIZER)
def add_staff(event_id: int):
    event = _write(event_id)
    form = StaffForm(prefix="staff")
    try:
        services.assign_staff(
            db.session, event=event, email=form.email.data or "", actor=current_user, now=utcnow()
        )
    except RuleViolation as error:
        return _refused(event_id, error)
    return _done(event_id, _("Staff assigned."))


@bp.post("/manage/events/<int:event_id>/staff/<int:user_id>/delete")
@role_required(Role.ORGANIZER)
def remove_staff(event_id: int, user_id: int):
    event = _write(event_id)
    services.remove_staff(db.session, event=event, user_id=user_id, actor=current_user, now=utcnow())
    return _done(event_id, _("Staff removed."))
