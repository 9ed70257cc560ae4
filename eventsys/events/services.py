"""Event rules: who may see and manage which event, and which events the public sees."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from eventsys.accounts.models import Role, User
from eventsys.db import utcnow
from eventsys.errors import NotFound, PermissionDenied
from eventsys.events.models import Event, EventStaff, EventStatus


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
    return user.role == Role.ADMIN or (user.role == Role.ORGANIZER and event.owner_id == user.id)


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
