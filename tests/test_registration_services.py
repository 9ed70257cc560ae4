"""Registration rules against the real database (both backends), including a real rush."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventsys.db import begin_write, db
from eventsys.errors import Conflict, RuleViolation
from eventsys.events.models import Event, Question, QuestionKind
from eventsys.jobs.models import Job
from eventsys.registration import services
from eventsys.registration.models import Registration, RegistrationSource, RegistrationStatus
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import PRIVACY_NOTICE_VERSION, PersonOnFile


def test_first_come_first_served_then_waitlist(make_event, person, register_person):
    event = make_event(capacity=2)
    statuses = [register_person(event, person())[0].status for _ in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert services.seats_left(db.session, event) == 0


def test_full_without_waitlist_is_refused(make_event, person, register_person):
    event = make_event(capacity=1, waitlist_enabled=False)
    register_person(event, person())
    with pytest.raises(Conflict) as error:
        register_person(event, person())
    assert error.value.code == "event_full"


def test_a_match_on_file_is_no_proof_nothing_is_linked_or_changed(make_event, person, register_person):
    """Typing someone's national ID (or name + phone) proves nothing: PersonOnFile, and the
    record, its registrations and its contact details stay as they were."""
    event, other_event = make_event(capacity=5), make_event(capacity=5)
    data = person()
    first, created = register_person(event, data)
    stored = (first.volunteer.phone, first.volunteer.email)
    for attempt in (
        person(national_id=data.national_id, first_name="อื่น", phone="0899999999", email="x@evil.test"),
        person(national_id="", first_name=data.first_name, last_name=data.last_name, phone=data.phone,
               email="x@evil.test"),
    ):  # fmt: skip
        for target in (event, other_event):
            with pytest.raises(PersonOnFile):
                register_person(target, attempt)
            db.session.rollback()
    volunteer = db.session.get(Volunteer, first.volunteer_id)
    assert (volunteer.phone, volunteer.email) == stored
    assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 1


def test_repeat_registration_returns_the_existing_one(make_event, person, register_person):
    event = make_event(capacity=5)
    data = person()
    first, created = register_person(event, data)
    again, created_again = register_person(
        event, person(national_id=data.national_id, first_name="อื่น"), volunteer=first.volunteer
    )
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 1
    assert db.session.get(Volunteer, first.volunteer_id).first_name == data.first_name  # not renamed


@pytest.mark.parametrize("case", ["draft", "closed", "not_yet", "past"])
def test_window_and_status_rules(make_event, person, register_person, now, case):
    kw = {"draft": {"status": "draft"}, "closed": {"status": "closed"}}.get(case, {})
    if case == "not_yet":
        kw["registration_opens_at"] = now + timedelta(days=1)
    if case == "past":
        kw["registration_closes_at"] = now - timedelta(minutes=1)
    event = make_event(**kw)
    with pytest.raises(Conflict) as error:
        register_person(event, person())
    assert error.value.code == "registration_closed"


def test_fields_are_checked_together_and_no_consent_is_needed(make_event, person, register_person):
    event = make_event()
    with pytest.raises(RuleViolation) as error:
        register_person(event, person(consent=False, phone="12", national_id="1234567890123"))
    assert {"phone", "national_id"} <= set(error.value.fields) and "consent" not in error.value.fields
    # the basis is the public task (PDPA s. 24(4)): registering needs no consent, and every
    # registration records the privacy notice version the person was given
    registration, created = register_person(event, person(consent=False))
    assert created and registration.consent_version == PRIVACY_NOTICE_VERSION


def test_cancel_promotes_the_next_in_line_and_emails_them(make_event, person, register_person, now):
    event = make_event(capacity=1)
    first, _ = register_person(event, person())
    second, _ = register_person(event, person(), at=now + timedelta(seconds=1))
    third, _ = register_person(event, person(), at=now + timedelta(seconds=2))
    assert services.waitlist_position(db.session, third) == 2
    begin_write(db.session)
    promoted = services.cancel(db.session, registration=first, actor=None, now=now)
    db.session.commit()
    assert [r.id for r in promoted] == [second.id]
    assert second.status == RegistrationStatus.CONFIRMED and third.status == RegistrationStatus.WAITLISTED
    notices = [j.params["notice"] for j in db.session.scalars(select(Job).order_by(Job.id))]
    assert notices[-2:] == ["cancelled", "promoted"]


def test_capacity_increase_fills_seats_in_order(make_event, person, register_person, now):
    event = make_event(capacity=1)
    people = [register_person(event, person(), at=now + timedelta(seconds=i))[0] for i in range(4)]
    event.capacity = 3
    promoted = services.fill_seats(db.session, event=event, actor=None, now=now)
    db.session.commit()
    assert [r.id for r in promoted] == [people[1].id, people[2].id]
    assert people[3].status == RegistrationStatus.WAITLISTED


def test_cancelled_person_is_taken_back_at_the_end_of_the_queue(make_event, person, register_person, now):
    event = make_event(capacity=1)
    data = person()
    first, _ = register_person(event, data)
    services.cancel(db.session, registration=first, actor=None, now=now)
    db.session.commit()
    register_person(event, person())
    back, created = register_person(
        event, person(national_id=data.national_id), at=now + timedelta(minutes=1), volunteer=first.volunteer
    )
    assert created and back.id == first.id and back.status == RegistrationStatus.WAITLISTED


def test_approval_holds_a_seat_until_approved_or_rejected(
    make_event, person, register_person, now, make_user
):
    organizer = make_user("organizer")
    event = make_event(capacity=1, requires_approval=True, owner=organizer)
    pending, _ = register_person(event, person())
    waiting, _ = register_person(event, person(), at=now + timedelta(seconds=1))
    assert (pending.status, waiting.status) == ("pending", "waitlisted")
    assert not services.has_usable_ticket(pending.status)
    services.reject(db.session, registration=pending, actor=organizer, now=now)
    db.session.commit()
    assert waiting.status == RegistrationStatus.PENDING  # promoted, still needs approval
    services.approve(db.session, registration=waiting, actor=organizer, now=now)
    db.session.commit()
    assert waiting.status == RegistrationStatus.CONFIRMED and services.has_usable_ticket(waiting.status)


def test_staff_registration_skips_the_window(make_event, person, register_person):
    event = make_event(status="closed")
    registration, created = register_person(event, person(consent=False), source=RegistrationSource.STAFF)
    assert created and registration.status == RegistrationStatus.CONFIRMED


def test_answers_are_checked_against_the_questions(make_event, person, register_person):
    event = make_event()
    event.questions.extend(
        [
            Question(
                key="q1",
                label="อาหาร",
                kind=QuestionKind.SINGLE_CHOICE,
                options=["ปกติ", "มังสวิรัติ"],
                is_required=True,
            ),
            Question(key="q2", label="เคยเข้าร่วม", kind=QuestionKind.YES_NO, position=2),
            Question(
                key="q3", label="หัวข้อ", kind=QuestionKind.MULTIPLE_CHOICE, options=["ก", "ข", "ค"], position=3
            ),
        ]
    )
    db.session.commit()
    with pytest.raises(RuleViolation) as error:
        register_person(event, person(), answers={"q1": "อื่น ๆ"})
    assert "answers.q1" in error.value.fields
    registration, _ = register_person(
        event, person(), answers={"q1": "ปกติ", "q2": "yes", "q3": ["ค", "ก"], "x": 1}
    )
    assert registration.answers == {"q1": "ปกติ", "q2": True, "q3": ["ก", "ค"]}


def test_ticket_secret_is_random_and_long():
    secrets = {services.new_ticket_secret() for _ in range(200)}
    assert len(secrets) == 200 and all(len(s) == 32 for s in secrets)


def test_a_rush_never_oversells(make_event, person, register_person, in_threads):
    """Real threads, each with its own connection, register at once: seats hold."""
    event = make_event(capacity=5)
    event_id = event.id

    def registering(data):
        return lambda session: register_person(session.get(Event, event_id), data, session=session)

    assert in_threads(*(registering(person()) for _ in range(16))) == []
    counts = services.status_counts(db.session, event.id)
    assert counts["confirmed"] == 5 and counts["waitlisted"] == 11


def test_the_registration_returned_is_the_row_stored(make_event, person, register_person, now):
    """The seat is taken by one Core statement and the object attached without a read:
    every column it carries must be what the database holds."""
    event = make_event(capacity=1)
    event.questions.append(Question(key="q1", label="อาหาร", kind=QuestionKind.SHORT_TEXT))
    db.session.commit()
    seated, _ = register_person(event, person(), answers={"q1": "ปกติ"})
    waiting, _ = register_person(event, person(consent=True), at=now + timedelta(seconds=1))
    expected = {
        r.id: {column.name: getattr(r, column.name) for column in Registration.__table__.columns}
        for r in (seated, waiting)
    }
    db.session.expire_all()
    for registration_id, columns in expected.items():
        stored = db.session.get(Registration, registration_id)
        assert {name: getattr(stored, name) for name in columns} == columns
    assert expected[seated.id]["confirmed_at"] == now and expected[waiting.id]["confirmed_at"] is None
    assert expected[seated.id]["answers"] == {"q1": "ปกติ"} and expected[seated.id]["consent_version"]


def test_no_capacity_means_no_limit(make_event, person, register_person):
    event = make_event(capacity=None, waitlist_enabled=False)
    statuses = {register_person(event, person())[0].status for _ in range(12)}
    assert statuses == {RegistrationStatus.CONFIRMED}
    assert services.seats_left(db.session, event) is None


def test_a_full_event_still_answers_a_repeat_with_the_existing_one(make_event, person, register_person):
    event = make_event(capacity=1, waitlist_enabled=False)
    data = person()
    first, _ = register_person(event, data)
    again, created = register_person(event, person(national_id=data.national_id), volunteer=first.volunteer)
    assert not created and again.id == first.id


def test_a_rejected_person_stays_rejected(make_event, person, register_person, now, make_user):
    organizer = make_user("organizer")
    event = make_event(capacity=3, requires_approval=True, owner=organizer)
    data = person()
    pending, _ = register_person(event, data)
    services.reject(db.session, registration=pending, actor=organizer, now=now)
    db.session.commit()
    again, created = register_person(event, person(national_id=data.national_id), volunteer=pending.volunteer)
    assert not created and again.id == pending.id and again.status == RegistrationStatus.REJECTED


def test_the_seat_rule_reads_the_event_as_it_is_when_locked(make_event, person, register_person):
    """The request loaded the event before an organizer changed it elsewhere: the new
    capacity and status count, not the request's copy."""
    event = make_event(capacity=5, waitlist_enabled=True)
    register_person(event, person())

    def changed_elsewhere(**values):
        db.session.refresh(event)
        db.session.expunge(event)  # the request's copy keeps what it read
        db.session.rollback()
        with Session(db.engine) as other:
            stored = other.get(Event, event.id)
            for name, value in values.items():
                setattr(stored, name, value)
            other.commit()
        db.session.add(event)

    changed_elsewhere(capacity=1)
    assert event.capacity == 5
    assert register_person(event, person())[0].status == RegistrationStatus.WAITLISTED
    changed_elsewhere(status="closed")
    assert event.status == "published"
    with pytest.raises(Conflict) as error:
        register_person(event, person())
    assert error.value.code == "registration_closed"


def test_a_rolled_back_registration_leaves_the_session(app, make_event, person, now):
    """The seat's row is inserted by Core and its object attached: a rollback (of the
    transaction or of a savepoint) must forget the object, as for one the ORM inserted,
    so that the next row given the same id does not clash with it."""
    event = make_event(capacity=5)
    cipher = app.extensions["eventsys.id_cipher"]

    def register(data):
        return services.register(
            db.session, event=event, data=data, answers=None, source=RegistrationSource.SELF,
            actor=None, now=now, cipher=cipher,
        )[0]  # fmt: skip

    gone, _ = register(person()), db.session.rollback()
    assert gone not in db.session
    with db.session.begin_nested():
        kept = register(person())
    savepoint = db.session.begin_nested()
    undone = register(person())
    savepoint.rollback()
    assert kept in db.session and undone not in db.session
    again = register(person())
    db.session.commit()
    stored = {r.id: r.volunteer.first_name for r in db.session.scalars(select(Registration))}
    assert stored == {kept.id: kept.volunteer.first_name, again.id: again.volunteer.first_name}


@pytest.mark.parametrize("identity", ["national_id", "name_and_phone"])
def test_the_same_new_person_submitting_twice_at_once_is_one_person(
    make_event, person, register_person, in_threads, identity
):
    """A double tap on a slow network: two requests for a person not yet in the registry
    arrive together. One record, one registration, and both answered (no 500)."""
    event = make_event(capacity=5)
    data = person() if identity == "national_id" else person(national_id="")
    event_id = event.id
    answers: list[tuple[int, bool]] = []
    on_file: list[int] = []

    def register(session) -> None:
        try:
            registration, created = register_person(session.get(Event, event_id), data, session=session)
        except PersonOnFile as error:  # the later taps find the record: they must prove it is them
            on_file.append(error.volunteer.id)
            session.rollback()
        else:
            answers.append((registration.id, created))

    assert in_threads(register, register, register, register) == []
    assert len(answers) == 1 and answers[0][1] and len(on_file) == 3
    assert db.session.scalar(select(db.func.count()).select_from(Volunteer)) == 1
