"""Walk-ins: register a person at the door and check them in, in one step (both databases)."""

import re

import pytest
from sqlalchemy import func, select

from eventsys.checkin import services
from eventsys.checkin.models import CheckIn, CheckInMethod
from eventsys.db import db
from eventsys.errors import DomainError
from eventsys.events.models import EventStaff, Question, QuestionKind
from eventsys.registration.models import Registration, RegistrationSource, RegistrationStatus
from eventsys.volunteers.crypto import cipher
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import PersonOnFile, VolunteerData

NATIONAL_ID = "1101700230708"


def _door(make_user, make_event, **event_kw):
    organizer, staff = make_user("organizer"), make_user("staff")
    event = make_event(owner=organizer, **event_kw)
    db.session.add(EventStaff(event_id=event.id, user_id=staff.id))
    db.session.commit()
    return event, staff


def _person(**kw):
    values = {"prefix": "นาง", "first_name": "สมศรี", "last_name": "ใจดี", "phone": "081-234-5678", **kw}
    return VolunteerData(**values)


def test_walk_in_registers_and_checks_in_once_with_dedupe(app, make_user, make_event, now):
    event, staff = _door(make_user, make_event, capacity=10)
    outcome = services.walk_in(
        db.session, event=event, data=_person(national_id=NATIONAL_ID), actor=staff, now=now, cipher=cipher()
    )
    db.session.commit()
    record = db.session.get(CheckIn, outcome.check_in_id)
    assert outcome.result == "checked_in" and record.method == CheckInMethod.WALK_IN
    assert record.registration.source == RegistrationSource.WALK_IN
    assert record.registration.status == RegistrationStatus.CONFIRMED
    # The same person again, ID typed differently: a match on file is no proof, so the
    # staff member is asked to compare the record with the ID card first; then same record,
    # same registration, "already".
    with pytest.raises(PersonOnFile) as on_file:
        services.walk_in(
            db.session, event=event, data=_person(national_id="1-1017-00230-70-8"), actor=staff, now=now,
            cipher=cipher(),
        )  # fmt: skip
    db.session.rollback()
    again = services.walk_in(
        db.session,
        event=event,
        data=_person(national_id="1-1017-00230-70-8"),
        actor=staff,
        now=now,
        cipher=cipher(),
        volunteer=db.session.get(Volunteer, on_file.value.volunteer.id),
    )
    db.session.commit()
    assert again.result == "already_checked_in"
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_walk_in_on_a_full_event_is_waitlisted_not_checked_in(app, make_user, make_event, now):
    event, staff = _door(make_user, make_event, capacity=0, waitlist_enabled=True)
    try:
        services.walk_in(db.session, event=event, data=_person(), actor=staff, now=now, cipher=cipher())
    except DomainError as error:
        assert error.code == "not_confirmed"
    else:
        raise AssertionError("a waitlisted walk-in must not be checked in")
    db.session.commit()
    registration = db.session.scalars(select(Registration)).one()
    assert registration.status == RegistrationStatus.WAITLISTED
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_walk_in_is_refused_to_staff_of_another_event(app, make_user, make_event, now):
    event, _staff = _door(make_user, make_event)
    stranger = make_user("staff")
    try:
        services.walk_in(db.session, event=event, data=_person(), actor=stranger, now=now, cipher=cipher())
    except DomainError as error:
        assert error.status == 403
    else:
        raise AssertionError("staff of another event must be refused")


def test_walk_in_page(client, app, make_user, make_event, login):
    event, staff = _door(make_user, make_event, capacity=10)
    login(staff)
    page = client.get(f"/checkin/{event.id}/walk-in").get_data(as_text=True)
    assert "ลงทะเบียนและเช็กอิน" in page
    bad = client.post(
        f"/checkin/{event.id}/walk-in", data={"first_name": "ก", "last_name": "ข", "phone": "12"}
    )
    assert bad.status_code == 200 and "เบอร์โทรศัพท์" in bad.get_data(as_text=True)
    response = client.post(
        f"/checkin/{event.id}/walk-in",
        data={
            "prefix": "นาย",
            "first_name": "สมชาย",
            "last_name": "มีสุข",
            "phone": "0812345678",
            "province": "ขอนแก่น",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/checkin/{event.id}/")
    db.session.rollback()
    check_in = db.session.scalars(select(CheckIn)).one()
    assert check_in.method == CheckInMethod.WALK_IN and check_in.staff_user_id == staff.id
    assert check_in.registration.volunteer.province_code == "40"
    other_staff = make_user("staff")
    client.post("/logout")
    login(other_staff)
    assert client.get(f"/checkin/{event.id}/walk-in").status_code in (403, 404)


def test_a_refused_walk_in_leaves_nothing_behind(client, app, make_user, make_event, login):
    """A full event without a waitlist: the person is not registered, and their record is
    not kept either (nothing half-written)."""
    event, staff = _door(make_user, make_event, capacity=0, waitlist_enabled=False)
    login(staff)
    response = client.post(
        f"/checkin/{event.id}/walk-in",
        data={"prefix": "นาย", "first_name": "สมชาย", "last_name": "มีสุข", "phone": "0812345678"},
    )
    assert response.status_code == 200 and "เต็ม" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 0
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_walk_in_asks_the_events_questions_with_the_public_lists(client, app, make_user, make_event, login):
    """An event with a required question: the walk-in form shows it (and the optional one),
    the title and province lists of the public form, and puts the error on the question."""
    event, staff = _door(make_user, make_event, capacity=10)
    event.questions.extend(
        [
            Question(
                key="q1", label="อาหารที่รับประทาน", kind=QuestionKind.SINGLE_CHOICE,
                options=["ปกติ", "มังสวิรัติ"], is_required=True,
            ),
            Question(key="q2", label="ข้อเสนอแนะ", kind=QuestionKind.SHORT_TEXT, position=2),
        ]
    )  # fmt: skip
    db.session.commit()
    login(staff)
    page = client.get(f"/checkin/{event.id}/walk-in").get_data(as_text=True)
    assert 'name="q_q1"' in page and 'name="q_q2"' in page and "อาหารที่รับประทาน" in page
    assert re.search(r'<select[^>]*name="prefix"', page) and ">นางสาว</option>" in page
    assert re.search(r'<select[^>]*name="province"', page) and ">ขอนแก่น</option>" in page
    person = {"prefix": "mrs", "first_name": "สมศรี", "last_name": "ใจดี", "phone": "0812345678"}
    person["province"] = "40"
    missing = client.post(f"/checkin/{event.id}/walk-in", data=person)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 200
    question = re.search(r'<fieldset class="field choice has-error">.*?</fieldset>', html, re.S)
    assert question and "อาหารที่รับประทาน" in question.group(0) and 'class="error"' in question.group(0)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    done = client.post(f"/checkin/{event.id}/walk-in", data={**person, "q_q1": "มังสวิรัติ"})
    assert done.status_code == 302
    db.session.rollback()
    registration = db.session.scalars(select(Registration)).one()
    assert registration.answers == {"q1": "มังสวิรัติ"}  # the optional question skipped
    assert registration.volunteer.prefix == "นาง" and registration.volunteer.province_code == "40"
