"""Event rules: who may see and manage which event, and which events the public sees."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from eventsys import audit
from eventsys.accounts.models import Role, User
from eventsys.db import utcnow
from eventsys.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from eventsys.events.models import AgendaSession, Event, EventStaff, EventStatus, Question, QuestionKind


def public_events(session, *, now: datetime | None = None) -> list[Event]:
    """Published events that have not ended yet, soonest first, then past ones."""
    now = now or utcnow()
    upcoming = session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= now)
        .order_by(Event.starts_at)
    ).all()
    return list(upcoming)


def past_public_events(session, *, now: datetime | None = None, limit: int = 10) -> list[Event]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Event)
            .where(
                Event.status.in_([EventStatus.PUBLISHED, EventStatus.CLOSED]),
                Event.ends_at < now,
            )
            .order_by(Event.starts_at.desc())
            .limit(limit)
        )
    )


def visible_events_query(user: User) -> Select:
    """Events a user works on: admins all, organizers their own, staff those assigned."""
    query = select(Event)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.ORGANIZER:
        return query.where(Event.owner_id == user.id)
    return query.where(Event.id.in_(select(EventStaff.event_id).where(EventStaff.user_id == user.id)))


def visible_events(session, *, user: User) -> list[Event]:
    return list(session.scalars(visible_events_query(user).order_by(Event.starts_at.desc(), Event.id.desc())))


def can_manage(user: User, event: Event) -> bool:
    """Admins manage every event; an organizer manages the events they own."""
    return manages_owner(user, event.owner_id)


def manages_owner(user: User, owner_id: int | None) -> bool:
    """:func:`can_manage` for an event known only by its owner (the door's one-query look-up)."""
    return user.role == Role.ADMIN or (user.role == Role.ORGANIZER and owner_id == user.id)


def is_event_staff(session, user: User, event: Event) -> bool:
    """May ``user`` check people in at ``event``? (its staff, its owner, or an admin)"""
    if can_manage(user, event):
        return True
    return (
        session.scalar(
            select(func.count())
            .select_from(EventStaff)
            .where(EventStaff.event_id == event.id, EventStaff.user_id == user.id)
        )
        > 0
    )


def get_managed_event(session, event_id: int, *, user: User) -> Event:
    """The event if ``user`` manages it; NotFound if it does not exist, PermissionDenied if
    it belongs to someone else."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(_l("No such event."))
    if not can_manage(user, event):
        raise PermissionDenied(_l("You do not manage this event."))
    return event


def get_public_event(session, slug: str) -> Event:
    """A published (or closed) event by its slug; drafts and archived events are not public."""
    event = session.scalar(
        select(Event).where(
            Event.slug == slug,
            or_(Event.status == EventStatus.PUBLISHED, Event.status == EventStatus.CLOSED),
        )
    )
    if event is None:
        raise NotFound(_l("No such event."))
    return event


# --- the organizer console: events, agenda, questions, staff -----------------------------------


@dataclass
class EventData:
    """An event's settings as entered (times timezone-aware)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    venue: str = ""
    address: str = ""
    map_url: str = ""
    organizer_unit: str = ""
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    waitlist_enabled: bool = True
    requires_approval: bool = False
    signin_shows_phone: bool = False


@dataclass
class SessionData:
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    speakers: str = ""
    capacity: int | None = None


#: an event before this is a typing mistake (or a Buddhist-era year taken for Gregorian)
EARLIEST_EVENT_YEAR = 2000
#: how far ahead an event may be planned
LATEST_EVENT_AHEAD = timedelta(days=5 * 366)


def _check_when(value: datetime | None, *, name: str, label: str, now: datetime, errors: dict) -> None:
    """A date from 2000 to five years ahead: anything else is a mistyped year (most often a
    Buddhist-era year read as Gregorian: 2570 is 3113, not 2027)."""
    if value is None or name in errors:
        return
    if value.year < EARLIEST_EVENT_YEAR:
        errors[name] = _l("%(field)s: before the year 2000; check the year.", field=label)
    elif value > now + LATEST_EVENT_AHEAD:
        errors[name] = _l(
            "%(field)s: more than five years ahead; check the year (%(year)s C.E. is %(be_year)s B.E.).",
            field=label,
            year=value.year,
            be_year=value.year + 543,
        )


def _check_event(data: EventData, *, now: datetime) -> None:
    """The event's settings make sense: raises RuleViolation naming every bad field."""
    errors: dict[str, str] = {}
    if not (data.title or "").strip():
        errors["title"] = _l("Title: please enter the event's title.")
    elif len(data.title) > 300:
        errors["title"] = _l("Title: at most 300 characters.")
    _check_when(data.starts_at, name="starts_at", label=_l("Starts at"), now=now, errors=errors)
    _check_when(data.ends_at, name="ends_at", label=_l("Ends at"), now=now, errors=errors)
    if "ends_at" not in errors and data.ends_at < data.starts_at:
        errors["ends_at"] = _l("Ends at: must not be before the start.")
    if data.capacity is not None and data.capacity < 0:
        errors["capacity"] = _l("Capacity: must be zero or more (leave empty for no limit).")
    _check_when(
        data.registration_opens_at,
        name="registration_opens_at",
        label=_l("Registration opens"),
        now=now,
        errors=errors,
    )
    _check_when(
        data.registration_closes_at,
        name="registration_closes_at",
        label=_l("Registration closes"),
        now=now,
        errors=errors,
    )
    if (
        data.registration_opens_at
        and data.registration_closes_at
        and "registration_closes_at" not in errors
        and data.registration_closes_at < data.registration_opens_at
    ):
        errors["registration_closes_at"] = _l("Registration closes: must be after it opens.")
    elif (
        data.registration_closes_at
        and "registration_closes_at" not in errors
        and data.registration_closes_at > data.ends_at
    ):
        errors["registration_closes_at"] = _l("Registration closes: must not be after the event ends.")
    if data.map_url and not data.map_url.startswith(("https://", "http://")):
        errors["map_url"] = _l("Map link: must start with https://.")
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)


def _check_session(
    data: SessionData, *, starts_at: datetime, ends_at: datetime, prefix: str = ""
) -> dict[str, str]:
    """An agenda item's own rules, and that it lies within its event (``starts_at`` to
    ``ends_at``): an item outside the event is a mistyped date."""
    errors: dict[str, str] = {}
    if not (data.title or "").strip():
        errors[f"{prefix}title"] = _l("Session title: please enter a title.")
    if data.ends_at < data.starts_at:
        errors[f"{prefix}ends_at"] = _l("Session end: must not be before its start.")
    elif data.starts_at < starts_at or data.ends_at > ends_at:
        errors[f"{prefix}starts_at"] = _l(
            "Agenda item: must lie within the event's start and end (check the date and the year)."
        )
    if data.capacity is not None and data.capacity < 0:
        errors[f"{prefix}capacity"] = _l("Session capacity: must be zero or more.")
    return errors


def new_slug(session, title: str) -> str:
    """A URL name from the Latin letters of the title plus a random tail (Thai titles get
    only the tail), unique among events."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    stem = "-".join(words)[:60].strip("-") or "event"
    while True:
        slug = f"{stem}-{secrets.token_hex(3)}"
        if session.scalar(select(func.count()).select_from(Event).where(Event.slug == slug)) == 0:
            return slug


def _apply_event(event: Event, data: EventData) -> None:
    event.title = data.title.strip()
    for name in ("description", "venue", "address", "map_url", "organizer_unit"):
        setattr(event, name, (getattr(data, name) or "").strip())
    event.starts_at, event.ends_at = data.starts_at, data.ends_at
    event.capacity = data.capacity
    event.registration_opens_at = data.registration_opens_at
    event.registration_closes_at = data.registration_closes_at
    event.waitlist_enabled = data.waitlist_enabled
    event.requires_approval = data.requires_approval
    event.signin_shows_phone = data.signin_shows_phone


def create_event(
    session,
    *,
    data: EventData,
    owner: User,
    actor: User,
    now: datetime,
    status: EventStatus = EventStatus.DRAFT,
    sessions: list[SessionData] | None = None,
) -> Event:
    """A new event owned by ``owner``; RuleViolation names every bad field."""
    _check_event(data, now=now)
    errors: dict[str, str] = {}
    for index, item in enumerate(sessions or []):
        errors.update(
            _check_session(item, starts_at=data.starts_at, ends_at=data.ends_at, prefix=f"sessions.{index}.")
        )
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    event = Event(
        slug=new_slug(session, data.title), owner=owner, status=status, created_at=now, updated_at=now
    )
    _apply_event(event, data)
    for item in sessions or []:
        event.sessions.append(AgendaSession(**vars(item)))
    session.add(event)
    session.flush()
    audit.record(
        session, actor=actor, action="event.create", target=event, details={"status": status.value}, now=now
    )
    return event


def update_event(session, *, event: Event, data: EventData, actor: User, now: datetime) -> Event:
    """Change an event's settings. A capacity increase frees seats: the caller then promotes
    the waitlist (``registration.services.fill_seats``)."""
    _check_event(data, now=now)
    shift = _agenda_shift(event, data)
    _apply_event(event, data)
    for item in event.sessions:
        item.starts_at, item.ends_at = item.starts_at + shift, item.ends_at + shift
    event.updated_at = now
    session.flush()
    details = (
        {"agenda_moved_by_minutes": int(shift.total_seconds() // 60)} if shift and event.sessions else None
    )
    audit.record(session, actor=actor, action="event.update", target=event, details=details, now=now)
    return event


def _agenda_shift(event: Event, data: EventData) -> timedelta:
    """How far the agenda moves with the event: by as much as its start moves, when every
    item then still lies inside the new dates (a duplicated event given next year's date
    keeps its timetable); else not at all. An item left outside the new dates is a
    RuleViolation naming it: change or remove it first."""
    moved = data.starts_at - event.starts_at
    for shift in (moved, timedelta(0)):
        outside = [
            item.title
            for item in event.sessions
            if item.starts_at + shift < data.starts_at or item.ends_at + shift > data.ends_at
        ]
        if not outside:
            return shift
    raise RuleViolation(
        _l("Please correct the highlighted fields."),
        fields={
            "ends_at": _l(
                "Agenda: “%(items)s” would lie outside the event's new dates. Change or remove "
                "the item first.",
                items="”, “".join(outside),
            )
        },
    )


#: which status an organizer may move an event to from which
STATUS_MOVES = {
    EventStatus.DRAFT: (EventStatus.PUBLISHED, EventStatus.ARCHIVED),
    EventStatus.PUBLISHED: (EventStatus.CLOSED, EventStatus.DRAFT),
    EventStatus.CLOSED: (EventStatus.PUBLISHED, EventStatus.ARCHIVED),
    EventStatus.ARCHIVED: (EventStatus.DRAFT,),
}


def set_status(session, *, event: Event, status: EventStatus, actor: User, now: datetime) -> Event:
    """Publish, close, archive or return an event to draft; Conflict on a move not allowed."""
    if status == event.status:
        return event
    if status not in STATUS_MOVES[event.status]:
        raise Conflict(_l("This event cannot be moved to that status from its current one."))
    event.status = status
    event.updated_at = now
    audit.record(session, actor=actor, action=f"event.{status.value}", target=event, now=now)
    return event


def was_ever_out_of_draft(session, *, event: Event) -> bool:
    """Whether the audit log shows ``event`` left draft once: a status move (back to draft
    included, which means it was out), or created with another status (API, demo)."""
    moves = {f"event.{status.value}" for status in EventStatus}
    rows = session.execute(
        select(audit.AuditLog.action, audit.AuditLog.details).where(
            audit.AuditLog.target_type == Event.__tablename__,
            audit.AuditLog.target_id == str(event.id),
            audit.AuditLog.action.in_([*moves, "event.create"]),
        )
    )
    for action, details in rows:
        created_as = (details or {}).get("status", EventStatus.DRAFT.value)
        if action in moves or created_as != EventStatus.DRAFT.value:
            return True
    return False


def deletion_refusal(session, *, event: Event) -> str | None:
    """Why ``event`` cannot be deleted, or None: only a draft that was never published and
    that nobody registered for may go (anything else has people or links depending on it:
    close or archive it instead)."""
    from eventsys.registration.models import Registration

    if event.status != EventStatus.DRAFT:
        return str(_l("Only a draft can be deleted. Close or archive this event instead."))
    registered = session.scalar(
        select(func.count()).select_from(Registration).where(Registration.event_id == event.id)
    )
    if registered:
        return str(_l("People have registered for this event: archive it instead of deleting it."))
    if was_ever_out_of_draft(session, event=event):
        return str(_l("This event was published once (its link may be out): archive it instead."))
    return None


def _lock(session, event: Event) -> None:
    """Hold ``event``'s row until the transaction ends (PostgreSQL; SQLite's write lock is
    the caller's): a registration, which locks it too (``registration.services.lock_event``),
    waits, so what was counted or checked stays true until the commit."""
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    session.refresh(event)


def delete_event(session, *, event: Event, actor: User, now: datetime) -> None:
    """Delete a draft nobody has seen (see :func:`deletion_refusal`); Conflict otherwise.
    The audit line keeps its title and dates."""
    _lock(session, event)
    refusal = deletion_refusal(session, event=event)
    if refusal:
        raise Conflict(refusal, code="not_deletable")
    details = {
        "title": event.title,
        "slug": event.slug,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
    }
    audit.record(session, actor=actor, action="event.delete", target=event, details=details, now=now)
    session.delete(event)
    session.flush()


def duplicate_event(session, *, event: Event, actor: User, now: datetime) -> Event:
    """A draft copy of an event (settings, agenda, questions; no registrations or staff)."""
    copy = Event(
        slug=new_slug(session, event.slug.rsplit("-", 1)[0]),
        title=f"{event.title} (2)"[:300],
        owner_id=event.owner_id if actor.role != Role.ORGANIZER else actor.id,
        status=EventStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    for name in (
        "description", "venue", "address", "map_url", "organizer_unit", "starts_at", "ends_at",
        "capacity", "registration_opens_at", "registration_closes_at", "waitlist_enabled",
        "requires_approval", "signin_shows_phone",
    ):  # fmt: skip
        setattr(copy, name, getattr(event, name))
    for item in event.sessions:
        copy.sessions.append(
            AgendaSession(
                title=item.title,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                room=item.room,
                speakers=item.speakers,
                capacity=item.capacity,
            )  # fmt: skip
        )
    for question in event.questions:
        copy.questions.append(
            Question(
                key=question.key,
                label=question.label,
                kind=question.kind,
                options=list(question.options),
                is_required=question.is_required,
                position=question.position,
            )  # fmt: skip
        )
    session.add(copy)
    session.flush()
    audit.record(
        session, actor=actor, action="event.duplicate", target=copy, details={"from": event.id}, now=now
    )
    return copy


def add_session(session, *, event: Event, data: SessionData, actor: User, now: datetime) -> AgendaSession:
    """An item on the event's agenda; RuleViolation if it lies outside the event."""
    errors = _check_session(data, starts_at=event.starts_at, ends_at=event.ends_at)
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    item = AgendaSession(event=event, **vars(data))
    session.add(item)
    session.flush()
    audit.record(session, actor=actor, action="event.session_add", target=event, now=now)
    return item


def own_session(session, event: Event, session_id: int) -> AgendaSession:
    """The agenda item ``session_id`` of ``event``; NotFound for another event's (or none)."""
    item = session.get(AgendaSession, session_id)
    if item is None or item.event_id != event.id:
        raise NotFound(_l("No such agenda item."))
    return item


def update_session(
    session, *, event: Event, session_id: int, data: SessionData, actor: User, now: datetime
) -> AgendaSession:
    """Change an agenda item in place (its check-ins and certificate rules keep pointing at
    it, which removing and re-adding would break); same rules as :func:`add_session`."""
    item = own_session(session, event, session_id)
    errors = _check_session(data, starts_at=event.starts_at, ends_at=event.ends_at)
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    before = {
        "title": item.title,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
    }
    for name, value in vars(data).items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.session_update",
        target=event,
        details={"session": item.id, "before": before},
        now=now,
    )
    return item


def delete_session(session, *, event: Event, session_id: int, actor: User, now: datetime) -> None:
    session.delete(own_session(session, event, session_id))
    session.flush()
    audit.record(session, actor=actor, action="event.session_delete", target=event, now=now)


@dataclass
class QuestionData:
    label: str
    kind: QuestionKind
    options: list[str] = field(default_factory=list)
    is_required: bool = False


CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


def _checked_question(data: QuestionData) -> tuple[str, list[str]]:
    """The label and options as stored; RuleViolation for an empty label or a choice
    question with fewer than two options."""
    errors: dict[str, str] = {}
    label = (data.label or "").strip()
    if not label:
        errors["label"] = _l("Question: please enter the question's text.")
    options = list(dict.fromkeys(o.strip() for o in data.options if o and o.strip()))
    if data.kind in CHOICE_KINDS and len(options) < 2:
        errors["options"] = _l("Options: a choice question needs at least two options, one per line.")
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    return label[:500], options if data.kind in CHOICE_KINDS else []


def add_question(session, *, event: Event, data: QuestionData, actor: User, now: datetime) -> Question:
    """A question at the end of the form; choice questions need at least two options."""
    label, options = _checked_question(data)
    used = {q.key for q in event.questions}
    number = len(used) + 1
    while f"q{number}" in used:
        number += 1
    position = max((q.position for q in event.questions), default=0) + 1
    question = Question(
        event=event,
        key=f"q{number}",
        label=label,
        kind=data.kind,
        options=options,
        is_required=data.is_required,
        position=position,
    )
    session.add(question)
    session.flush()
    audit.record(session, actor=actor, action="event.question_add", target=event, now=now)
    return question


def own_question(session, event: Event, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound(_l("No such question."))
    return question


def given_answers(session, *, event: Event, question: Question) -> list[Any]:
    """Every answer registrations of ``event`` hold for ``question`` (empty ones left out)."""
    from eventsys.registration.models import Registration

    stored = session.scalars(select(Registration.answers).where(Registration.event_id == event.id))
    found = []
    for answers in stored:
        value = (answers or {}).get(question.key)
        if value not in (None, "", []):
            found.append(value)
    return found


def update_question(
    session, *, event: Event, question_id: int, data: QuestionData, actor: User, now: datetime
) -> Question:
    """Change a question in place, as pretix does once answers exist: its text, whether it
    is required and new options may change; its kind may not, and neither may an option
    someone chose be removed or renamed (their answer would no longer mean anything).
    RuleViolation names the field; the answers stay as given."""
    _lock(session, event)
    question = own_question(session, event, question_id)
    label, options = _checked_question(data)
    answers = given_answers(session, event=event, question=question)
    if answers and data.kind != question.kind:
        raise RuleViolation(
            _l(
                "Kind of answer: %(n)s people have already answered this question, so its kind "
                "cannot change. Add a new question instead.",
                n=len(answers),
            ),
            field="kind",
        )
    if answers and question.kind in CHOICE_KINDS:
        chosen = {item for value in answers for item in (value if isinstance(value, list) else [value])}
        dropped = [option for option in question.options if option in chosen and option not in options]
        if dropped:
            raise RuleViolation(
                _l(
                    "Options: “%(options)s” was already chosen by someone, so it cannot be removed "
                    "or renamed. You may add options.",
                    options="”, “".join(dropped),
                ),
                field="options",
            )
    before = {"label": question.label, "kind": str(question.kind), "options": list(question.options)}
    question.label, question.kind, question.options = label, data.kind, options
    question.is_required = data.is_required
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.question_update",
        target=event,
        details={"question": question.id, "before": before},
        now=now,
    )
    return question


def delete_question(session, *, event: Event, question_id: int, actor: User, now: datetime) -> None:
    session.delete(own_question(session, event, question_id))
    session.flush()
    audit.record(session, actor=actor, action="event.question_delete", target=event, now=now)


def move_question(
    session, *, event: Event, question_id: int, offset: int, actor: User, now: datetime
) -> None:
    """Move a question up (-1) or down (+1) in the form's order."""
    question = own_question(session, event, question_id)
    ordered = sorted(event.questions, key=lambda q: (q.position, q.id))
    index = ordered.index(question)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    session.flush()
    session.expire(event, ["questions"])


def assign_staff(session, *, event: Event, email: str, actor: User, now: datetime) -> EventStaff:
    """Give a door-staff account (or another organizer) check-in rights at ``event``."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.is_active:
        raise RuleViolation(_l("Staff e-mail: no active account with this e-mail."), field="email")
    existing = session.get(EventStaff, (event.id, user.id))
    if existing:
        return existing
    staff = EventStaff(event=event, user=user, created_at=now)
    session.add(staff)
    session.flush()
    audit.record(
        session, actor=actor, action="event.staff_add", target=event, details={"user": user.id}, now=now
    )
    return staff


def remove_staff(session, *, event: Event, user_id: int, actor: User, now: datetime) -> None:
    staff = session.get(EventStaff, (event.id, user_id))
    if staff is None:
        raise NotFound(_l("This person is not on the event's staff."))
    session.delete(staff)
    session.flush()
    audit.record(
        session, actor=actor, action="event.staff_remove", target=event, details={"user": user_id}, now=now
    )


class RegistrationWindow(Protocol):
    """What the registration rules read of an event: an Event, or its row as read under
    the event's lock (``registration.services``)."""

    status: EventStatus
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    ends_at: datetime
    capacity: int | None
    waitlist_enabled: bool
    requires_approval: bool


def registration_is_open(event: RegistrationWindow, *, now: datetime) -> bool:
    """Published, and now inside the registration window (open until the event ends by default)."""
    if event.status != EventStatus.PUBLISHED:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    closes = event.registration_closes_at or event.ends_at
    return now <= closes
