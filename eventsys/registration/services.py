"""Registration rules: window, dedupe, capacity, waitlist, approval, cancellation, tickets.

Capacity holds under a rush because every change to who holds a seat happens while the
event's row is locked: ``SELECT … FOR UPDATE`` on PostgreSQL, the database write lock taken by
``BEGIN IMMEDIATE`` on SQLite (the caller starts the unit of work with
``eventsys.db.begin_write``). Seats are counted inside that lock, never before it.

E-mail is not sent here: each notice becomes a ``Job`` row in the same transaction and its
id is kept in ``session.info``; after the commit the caller hands them to
``registration.tasks.send_notices`` (nothing is sent for a rolled-back change).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, bindparam, case, func, insert, literal, null, or_, select
from sqlalchemy.orm import selectinload

from eventsys import audit
from eventsys.db import attach_row
from eventsys.errors import Conflict, NotFound, RuleViolation
from eventsys.events.models import Event, EventStatus, Question, QuestionKind
from eventsys.events.services import RegistrationWindow, registration_is_open
from eventsys.jobs.services import create_job, queue_after_commit, take_queued_jobs
from eventsys.privacy.services import current_notice_version
from eventsys.registration.models import (
    ACTIVE_STATUSES,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from eventsys.volunteers.crypto import IdCipher
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import VolunteerData, save_volunteer, validate

#: pretix's ticket alphabet: no o/0/1/i/l to misread when typed by hand
TICKET_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TICKET_LENGTH = 32  # 32 × log2(31) ≈ 158 bits

#: sources whose match on a stored person is no proof of identity (see identity.py)
PROOF_NEEDED = (RegistrationSource.SELF, RegistrationSource.WALK_IN)

#: the job kind of registration e-mail, and the notices it sends
MAIL_JOB = "registration_mail"
NOTICES = ("confirmed", "pending", "waitlisted", "promoted", "approved", "rejected", "cancelled")


def new_ticket_secret() -> str:
    """A random, unguessable ticket secret (≥128 bits), never derived from personal data."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


# --- locking and counting ------------------------------------------------------------------------


def lock_event(session, event_id: int) -> Event:
    """The event, locked against concurrent seat changes until the transaction ends.

    PostgreSQL: a row lock (``FOR UPDATE``). SQLite: the caller's ``BEGIN IMMEDIATE`` already
    holds the database's single write lock, so a plain read is enough.
    """
    event = session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise NotFound(_l("No such event."))
    return event


#: registrations holding a seat at event ``:event_id``: confirmed ones and those awaiting approval
_SEATS_TAKEN = (
    select(func.count())
    .select_from(Registration)
    .where(Registration.event_id == bindparam("event_id"), Registration.status.in_(ACTIVE_STATUSES))
)

#: the registration of person ``:volunteer_id`` at event ``:event_id``, if any
_EXISTING = select(Registration.id).where(
    Registration.event_id == bindparam("event_id"), Registration.volunteer_id == bindparam("volunteer_id")
)


def seats_taken(session, event_id: int) -> int:
    """Registrations holding a seat: confirmed ones and those awaiting approval."""
    return session.scalar(_SEATS_TAKEN, {"event_id": event_id})


def seats_left(session, event: Event) -> int | None:
    """Free seats, or None for an event without a limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(session, event.id))


def status_counts(session, event_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.status)
    ).all()
    counts = {status.value: 0 for status in RegistrationStatus}
    counts.update({str(getattr(status, "value", status)): count for status, count in rows})
    return counts


# --- notices (e-mail after the commit) -----------------------------------------------------------


def queue_notice(session, registration: Registration, kind: str) -> None:
    """Record that ``registration``'s person must get the ``kind`` e-mail after the commit
    (``jobs.services.queue_after_commit``: a rollback forgets it)."""
    if kind not in NOTICES or not registration.volunteer.email:
        return
    job = create_job(session, kind=MAIL_JOB, params={"registration_id": registration.id, "notice": kind})
    queue_after_commit(session, job)


def take_queued_notices(session) -> list[int]:
    """The notice job ids queued in this session, taken off the after-commit queue (jobs of
    other kinds stay on it; call after the commit)."""
    return [job_id for _kind, job_id in take_queued_jobs(session, kind=MAIL_JOB)]


# --- answers to the event's questions ------------------------------------------------------------


def clean_answers(questions: list[Question], answers: dict[str, Any] | None) -> dict[str, Any]:
    """Answers keyed by question key, checked against each question's kind; RuleViolation
    with ``answers.<key>`` fields otherwise. Unknown keys are dropped."""
    answers = answers or {}
    if not isinstance(answers, dict):
        raise RuleViolation(_l("Answers: must be an object keyed by question."), field="answers")
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        value = answers.get(question.key)
        name = f"answers.{question.key}"
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            text = str(value).strip() if value not in (None, "") else ""
            limit = 300 if question.kind == QuestionKind.SHORT_TEXT else 3000
            if len(text) > limit:
                errors[name] = _l(
                    "%(question)s: at most %(limit)s characters.", question=question.label, limit=limit
                )
            elif text:
                cleaned[question.key] = text
        elif question.kind == QuestionKind.YES_NO:
            if value in (True, "yes", "true", "1", "on"):
                cleaned[question.key] = True
            elif value in (False, "no", "false", "0"):
                cleaned[question.key] = False
            elif value not in (None, ""):
                errors[name] = _l("%(question)s: answer yes or no.", question=question.label)
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            if value not in (None, ""):
                if value not in question.options:
                    errors[name] = _l("%(question)s: choose one of the options.", question=question.label)
                else:
                    cleaned[question.key] = value
        else:  # multiple choice
            values = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
            if any(v not in question.options for v in values):
                errors[name] = _l("%(question)s: choose among the options.", question=question.label)
            elif values:
                cleaned[question.key] = [o for o in question.options if o in values]
        if question.is_required and question.key not in cleaned and name not in errors:
            errors[name] = _l("%(question)s: this question must be answered.", question=question.label)
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    return cleaned


# --- registering ---------------------------------------------------------------------------------


def _closed_message(event: RegistrationWindow, now: datetime) -> str:
    if event.status != EventStatus.PUBLISHED:
        return _l("Registration is not open: this event is not accepting registrations.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _l("Registration has not opened yet.")
    return _l("Registration has closed for this event.")


def _check_open(event: RegistrationWindow, *, now: datetime, check_window: bool) -> None:
    if (check_window and not registration_is_open(event, now=now)) or event.status == EventStatus.ARCHIVED:
        raise Conflict(_closed_message(event, now), code="registration_closed")


# At the minute registration opens, hundreds of people wait in turn for the event's lock, so
# what runs while it is held is two cached Core statements (the locking read, then one
# insert that counts the seats itself) and the caller's commit. Everything else happens
# before the lock or after the commit.

#: the event's row, locked (FOR UPDATE; SQLite's write lock is already held): what the seat
#: rule reads, as it is now rather than as it was when the request loaded the event
_LOCK_EVENT = (
    select(
        Event.status,
        Event.registration_opens_at,
        Event.registration_closes_at,
        Event.ends_at,
        Event.capacity,
        Event.waitlist_enabled,
        Event.requires_approval,
    )
    .where(Event.id == bindparam("event_id"))
    .with_for_update()
)

_registrations = Registration.__table__
_status_type = _registrations.c.status.type
_taken = func.count()
#: seats are left (a NULL capacity: no limit); the rule of :func:`_seat_status`, in SQL
_has_seat = _taken < func.coalesce(bindparam("capacity", type_=Integer), _taken + 1)
_seat = (
    select(
        case(
            (_has_seat, bindparam("seat_status", type_=_status_type)),
            else_=literal(RegistrationStatus.WAITLISTED, _status_type),
        ).label("status"),
        _has_seat.label("has_seat"),
    )
    .where(_registrations.c.event_id == bindparam("event_id"), _registrations.c.status.in_(ACTIVE_STATUSES))
    .subquery("seat")
)
_now = bindparam("now", type_=_registrations.c.created_at.type)
#: the columns :func:`register` gives as they are
_GIVEN = ("event_id", "volunteer_id", "ticket_secret", "source", "answers", "language", "consent_version")

#: the new registration with the status its place in the queue gives: a seat (confirmed, or
#: pending approval) while seats are left, else the waitlist if the event has one, else
#: nothing; nothing either if the person is registered already. A statement of its own
#: after the lock: on PostgreSQL a count in the locking statement would see the snapshot
#: taken before the wait for the lock.
_INSERT_WITH_SEAT = (
    insert(_registrations)
    .from_select(
        [*_GIVEN, "created_at", "updated_at", "status", "confirmed_at"],
        select(
            *(bindparam(name, type_=_registrations.c[name].type) for name in _GIVEN),
            _now,
            _now,
            _seat.c.status,
            case((_seat.c.status == RegistrationStatus.CONFIRMED, _now), else_=null()),
        ).where(or_(_seat.c.has_seat, bindparam("waitlist", type_=Boolean)), ~_EXISTING.exists()),
    )
    .returning(_registrations.c.id, _registrations.c.status)
)

#: when the insert above added nothing: seats taken, and this person's registration if any
_SEATS_AND_EXISTING = select(_SEATS_TAKEN.scalar_subquery(), _EXISTING.scalar_subquery())


def _seat_status(event: RegistrationWindow, *, taken: int, approval: bool) -> RegistrationStatus:
    """The status a newcomer gets now (the event is locked); Conflict("event_full") if none.
    The same rule as ``_INSERT_WITH_SEAT``'s, for a cancelled person coming back."""
    if event.capacity is None or taken < event.capacity:
        return RegistrationStatus.PENDING if approval else RegistrationStatus.CONFIRMED
    if event.waitlist_enabled:
        return RegistrationStatus.WAITLISTED
    raise Conflict(_l("Sorry, this event is full."), code="event_full")


def _enter(registration: Registration, status: RegistrationStatus, now: datetime) -> None:
    registration.status = status
    registration.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
    registration.cancelled_at = None


def register(
    session,
    *,
    event: Event,
    data: VolunteerData,
    answers: dict[str, Any] | None,
    source: RegistrationSource,
    actor,
    now: datetime,
    cipher: IdCipher,
    check_window: bool | None = None,
    volunteer: Volunteer | None = None,
) -> tuple[Registration, bool]:
    """Register a person for ``event``; returns (registration, created).

    ``volunteer`` is a person whose identity is established (a verified code, an
    organizer's check); otherwise the person is looked up in the volunteer table by
    national ID, passport, or name and phone. On the public path and at the door
    (``PROOF_NEEDED``) a match raises ``PersonOnFile``: a match on data others can know is
    no proof, so nothing of that record is used or changed here. Staff and imports link
    to the record. A person already registered gets their existing registration back
    (``created`` False); one who had cancelled is taken back in, at the end of the queue.
    Seats go first come first served; beyond capacity the person is waitlisted (if the
    event has a waitlist) or refused with Conflict ``event_full``. Registering rests on the
    public task (PDPA section 24(4)), not on consent: every registration records the current
    privacy notice version. Self-registration must fall inside the registration window of a
    published event (Conflict ``registration_closed``); staff registrations (walk-ins) skip
    the window unless ``check_window`` says otherwise.
    """
    errors: dict[str, str] = {}
    try:
        validate(data)
    except RuleViolation as error:
        errors.update(error.fields)
    try:
        cleaned = clean_answers(list(event.questions), answers)
    except RuleViolation as error:
        errors.update(error.fields)
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)

    if check_window is None:
        check_window = source == RegistrationSource.SELF
    _check_open(event, now=now, check_window=check_window)
    # The person's record needs no seat: saved before the event's lock is taken.
    if volunteer is None:
        volunteer, _created = save_volunteer(
            session, data, cipher=cipher, actor=actor, now=now, new_only=source in PROOF_NEEDED
        )
    given = {
        "event_id": event.id,
        "volunteer_id": volunteer.id,
        "ticket_secret": new_ticket_secret(),
        "source": source,
        "answers": cleaned,
        "language": volunteer.language,
        "consent_version": current_notice_version(session),  # the notice this person was given
    }
    connection = session.connection()
    locked = connection.execute(_LOCK_EVENT, {"event_id": event.id}).first()
    if locked is None:
        raise NotFound(_l("No such event."))
    _check_open(locked, now=now, check_window=check_window)
    approval = locked.requires_approval and source == RegistrationSource.SELF
    inserted = connection.execute(
        _INSERT_WITH_SEAT,
        {
            **given,
            "now": now,
            "capacity": locked.capacity,
            "waitlist": locked.waitlist_enabled,
            "seat_status": RegistrationStatus.PENDING if approval else RegistrationStatus.CONFIRMED,
        },
    ).first()
    if inserted is not None:
        status = RegistrationStatus(inserted[1])
        registration = attach_row(
            session,
            Registration,
            id=inserted[0],
            **given,
            status=status,
            created_at=now,
            updated_at=now,
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
            cancelled_at=None,
        )
    else:  # the person is registered already, or the event is full and has no waitlist
        taken, existing_id = connection.execute(
            _SEATS_AND_EXISTING, {"event_id": event.id, "volunteer_id": volunteer.id}
        ).one()
        if existing_id is None:
            raise Conflict(_l("Sorry, this event is full."), code="event_full")
        registration = session.get(Registration, existing_id, populate_existing=True)
        if registration.status != RegistrationStatus.CANCELLED:
            return registration, False  # the same person again (a rejected one stays rejected)
        # a cancelled person comes back: a new place in the queue
        status = _seat_status(locked, taken=taken, approval=approval)
        _enter(registration, status, now)
        registration.created_at = registration.updated_at = now
        registration.source = source
        registration.answers = cleaned
        registration.language = volunteer.language
        registration.consent_version = given["consent_version"] or registration.consent_version
        session.flush()
    if actor is not None or inserted is None:  # a person's own registration is its own record
        audit.record(
            session,
            actor=actor,
            action="registration.create" if inserted is not None else "registration.reactivate",
            target=registration,
            details={"status": status.value, "source": source.value},
            now=now,
        )
    queue_notice(session, registration, status.value)
    return registration, True


def fill_seats(session, *, event: Event, actor, now: datetime) -> list[Registration]:
    """Promote waitlisted people, first come first served, into the seats now free (after a
    cancellation, a rejection or a capacity increase); each promoted person is e-mailed."""
    event = lock_event(session, event.id)
    free = seats_left(session, event)
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.created_at, Registration.id)
    )
    if free is not None:
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(session.scalars(query))
    for registration in promoted:
        _promote(session, registration, actor=actor, now=now)
    return promoted


def _promote(session, registration: Registration, *, actor, now: datetime) -> None:
    status = (
        RegistrationStatus.PENDING
        if registration.event.requires_approval and registration.source == RegistrationSource.SELF
        else RegistrationStatus.CONFIRMED
    )
    _enter(registration, status, now)
    registration.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="registration.promote", target=registration, now=now)
    queue_notice(session, registration, "promoted" if status == RegistrationStatus.CONFIRMED else "pending")


def promote(session, *, registration: Registration, actor, now: datetime) -> Registration:
    """Move one waitlisted person into a free seat (an organizer's choice, out of turn)."""
    event = lock_event(session, registration.event_id)
    session.refresh(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise Conflict(_l("Only a waitlisted registration can be promoted."), code="not_waitlisted")
    if seats_left(session, event) == 0:
        raise Conflict(
            _l("No seat is free: raise the capacity or cancel a registration first."), code="event_full"
        )
    _promote(session, registration, actor=actor, now=now)
    return registration


def cancel(session, *, registration: Registration, actor, now: datetime) -> list[Registration]:
    """Cancel a registration; the seat goes to the waitlist. Returns the people promoted.

    A person who has checked in is not cancelled (Conflict ``checked_in``): their check-in
    stands for attendance, certificates and allowances, so checked in always means
    confirmed. Undo the check-in first (a mistaken scan), then cancel. The registration's
    row is locked, so a scan at the same moment either lands first (and the cancel is
    refused) or waits and is refused as cancelled."""
    from eventsys.checkin.models import CheckIn

    event = lock_event(session, registration.event_id)
    session.refresh(registration, with_for_update=True)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
        return []
    if session.scalar(select(CheckIn.id).where(CheckIn.registration_id == registration.id).limit(1)):
        raise Conflict(
            _l("This person has already checked in. Undo the check-in first, then cancel."), code="checked_in"
        )
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="registration.cancel", target=registration, now=now)
    queue_notice(session, registration, "cancelled")
    return fill_seats(session, event=event, actor=actor, now=now)


def approve(session, *, registration: Registration, actor, now: datetime) -> Registration:
    """Confirm a registration awaiting approval (its seat is already held)."""
    lock_event(session, registration.event_id)
    session.refresh(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise Conflict(_l("Only a registration awaiting approval can be approved."), code="not_pending")
    _enter(registration, RegistrationStatus.CONFIRMED, now)
    registration.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="registration.approve", target=registration, now=now)
    queue_notice(session, registration, "approved")
    return registration


def reject(session, *, registration: Registration, actor, now: datetime) -> list[Registration]:
    """Turn down a pending or waitlisted registration; a freed seat goes to the waitlist."""
    event = lock_event(session, registration.event_id)
    session.refresh(registration)
    if registration.status not in (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED):
        raise Conflict(_l("Only a pending or waitlisted registration can be rejected."), code="not_pending")
    registration.status = RegistrationStatus.REJECTED
    registration.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="registration.reject", target=registration, now=now)
    queue_notice(session, registration, "rejected")
    return fill_seats(session, event=event, actor=actor, now=now)


def resend_ticket(session, *, registration: Registration, actor, now: datetime) -> None:
    """E-mail the person their current state again (the ticket if confirmed)."""
    audit.record(session, actor=actor, action="registration.resend", target=registration, now=now)
    queue_notice(session, registration, str(registration.status.value))


@dataclass
class ContactData:
    phone: str = ""
    email: str = ""
    organization: str = ""
    language: str = "th"


def update_contact(session, *, registration: Registration, data: ContactData, actor, now: datetime) -> None:
    """The person updates their phone, e-mail, organization and language (manage link); the
    old phone and e-mail are told of a change."""
    from eventsys.registration.identity import tell_old_contact

    volunteer = registration.volunteer
    checked = validate(
        VolunteerData(first_name=volunteer.first_name or "-", phone=data.phone, email=data.email),
        require_phone=True,
    )
    changed = [name for name in ("phone", "email") if getattr(checked, name) != getattr(volunteer, name)]
    if changed:
        tell_old_contact(
            session,
            phone=volunteer.phone,
            email=volunteer.email,
            changed=changed,
            language=volunteer.language,
        )
    volunteer.phone = checked.phone
    volunteer.email = checked.email
    volunteer.organization = (data.organization or "").strip()[:300]
    volunteer.language = registration.language = data.language if data.language in ("th", "en") else "th"
    volunteer.updated_at = registration.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="registration.update_contact", target=registration, now=now)


def reissue_ticket(session, *, registration: Registration, actor, now: datetime) -> Registration:
    """A new ticket secret: the old QR no longer opens the door (nor, after its next
    refresh, the offline list) and the old manage link stops working. The person is sent
    the new link at the contacts on file."""
    from eventsys.registration.identity import contacts_on_file, queue_message

    session.refresh(registration, with_for_update=True)  # a scan of the old ticket waits, then fails
    registration.ticket_secret = new_ticket_secret()
    registration.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="registration.reissue", target=registration, now=now)
    contacts = contacts_on_file(registration.volunteer)
    queue_message(
        session,
        "link",
        to_phone=contacts.get("sms", ""),
        to_email=contacts.get("email", ""),
        registration_ids=[registration.id],
        language=registration.language or "th",
    )
    return registration


def recovery_lookup(lookup: str) -> dict[str, str]:
    """What a lost-ticket box holds: an e-mail (has @), a national ID (13 digits), or a phone."""
    text = (lookup or "").strip()
    if "@" in text:
        return {"email": text}
    from eventsys.volunteers import thai

    return {"national_id": text} if len(thai.digits_only(text)) == 13 else {"phone": text}


def request_ticket_recovery(
    session,
    *,
    event: Event,
    cipher: IdCipher,
    now: datetime,
    national_id: str = "",
    phone: str = "",
    email: str = "",
) -> None:
    """Send the manage links of ``event``'s registrations that match to the contact on file.

    The same work happens whether or not anyone matches (one look-up, one job row), so
    neither the answer nor its time tells a stranger whether someone is registered. An
    ID reaches every contact on file; a phone or an e-mail only itself."""
    from eventsys.registration.identity import queue_message
    from eventsys.volunteers import thai

    condition = None
    try:
        if national_id:
            condition = Volunteer.national_id_hash == cipher.lookup_hash(
                thai.normalise_national_id(national_id)
            )
        elif phone:
            condition = Volunteer.phone == thai.normalise_phone(phone)
        elif email:
            condition = Volunteer.email == email.strip().lower()[:254]
    except ValueError:
        condition = None
    if condition is None:
        condition = literal(False)
    found = session.execute(
        select(Registration.id, Registration.language, Volunteer.phone, Volunteer.email)
        .join(Volunteer, Registration.volunteer_id == Volunteer.id)
        .where(Registration.event_id == event.id, condition, Volunteer.erased_at.is_(None))
        .order_by(Registration.id)
        .limit(10)
    ).all()
    to_phone = to_email = ""
    if found:
        stored_phone, stored_email = found[0][2] or "", found[0][3] or ""
        mobile = thai.is_mobile(stored_phone)
        if email:
            to_email = stored_email
        elif phone and mobile:
            to_phone = stored_phone
        else:  # a national ID, or a landline: every contact on file
            to_phone, to_email = (stored_phone if mobile else ""), stored_email
    queue_message(
        session,
        "link",
        to_phone=to_phone,
        to_email=to_email,
        always=True,  # the same work whether or not anyone matched
        registration_ids=[row[0] for row in found] if (to_phone or to_email) else [],
        language=found[0][1] if found else "th",
    )


# --- looking registrations up --------------------------------------------------------------------


def get_registration(session, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(_l("No such registration."))
    return registration


def registration_for_secret(session, ticket_secret: str) -> Registration | None:
    return session.scalar(select(Registration).where(Registration.ticket_secret == ticket_secret))


def has_usable_ticket(status: RegistrationStatus) -> bool:
    """Only a confirmed registration (``status``) has a ticket that gets a person in."""
    return status == RegistrationStatus.CONFIRMED


def waitlist_position(session, registration: Registration) -> int | None:
    """1 for the next person to be promoted; None if not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.created_at < registration.created_at)
            | ((Registration.created_at == registration.created_at) & (Registration.id < registration.id)),
        )
    )
    return ahead + 1


@dataclass
class RegistrationFilter:
    status: str = ""
    search: str = ""
    province: str = ""
    network_type: str = ""
    #: "name" (Thai dictionary order), "newest" or "oldest"
    sort: str = "name"


def registrations_query(event_id: int, filters: RegistrationFilter):
    """The select behind the registrations table, the export and the API list."""
    from eventsys.volunteers import thai
    from eventsys.volunteers.models import Volunteer

    query = (
        select(Registration)
        .join(Volunteer, Registration.volunteer_id == Volunteer.id)
        .where(Registration.event_id == event_id)
        # the table and the export show who has checked in: one more query for the page
        .options(selectinload(Registration.check_ins))
    )
    if filters.status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == RegistrationStatus(filters.status))
    if filters.province:
        query = query.where(Volunteer.province_code == filters.province)
    if filters.network_type:
        query = query.where(Volunteer.network_type == filters.network_type)
    text = thai.normalise_text(filters.search or "").lower()
    if text:
        digits = thai.digits_only(text)
        # autoescape: "%" and "_" typed in the box are looked for, not wildcards
        condition = (
            Volunteer.search_text.contains(text, autoescape=True)
            | Volunteer.organization.icontains(text, autoescape=True)
            | Volunteer.email.contains(text, autoescape=True)
        )
        if len(digits) >= 4:
            condition = (
                condition
                | Volunteer.phone.contains(digits, autoescape=True)
                | (Volunteer.national_id_tail == digits[-4:])
            )
        query = query.where(condition)
    if filters.sort == "newest":
        return query.order_by(Registration.created_at.desc(), Registration.id.desc())
    if filters.sort == "oldest":
        return query.order_by(Registration.created_at, Registration.id)
    return query.order_by(Volunteer.sort_key, Registration.id)


def event_statistics(session, event: Event) -> dict[str, Any]:
    """Counts for the event dashboard: by status, checked in, by session, province, network."""
    from eventsys.checkin.models import CheckIn
    from eventsys.volunteers.models import Volunteer

    counts = status_counts(session, event.id)
    checked_in = session.scalar(
        select(func.count(func.distinct(CheckIn.registration_id)))
        .join(Registration, CheckIn.registration_id == Registration.id)
        .where(Registration.event_id == event.id)
    )
    by_session = dict(
        session.execute(
            select(CheckIn.session_id, func.count())
            .join(Registration, CheckIn.registration_id == Registration.id)
            .where(Registration.event_id == event.id, CheckIn.session_id.is_not(None))
            .group_by(CheckIn.session_id)
        ).all()
    )
    active = Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING])

    def grouped(column) -> list[tuple[str, int]]:
        rows = session.execute(
            select(column, func.count())
            .select_from(Registration)
            .join(Volunteer, Registration.volunteer_id == Volunteer.id)
            .where(Registration.event_id == event.id, active)
            .group_by(column)
            .order_by(func.count().desc())
        ).all()
        return [(value or "", count) for value, count in rows]

    from eventsys.registration.models import IdentityReview, IdentityReviewStatus

    identity_checks = session.scalar(
        select(func.count()).where(
            IdentityReview.event_id == event.id, IdentityReview.status == IdentityReviewStatus.OPEN
        )
    )
    return {
        "identity_checks": identity_checks or 0,
        "registered": sum(counts.values()),
        "counts": counts,
        "checked_in": checked_in or 0,
        "sessions": [(item, by_session.get(item.id, 0)) for item in event.sessions],
        "provinces": grouped(Volunteer.province_code),
        "network_types": grouped(Volunteer.network_type),
    }
