"""The events feature through its services: creating and changing events, the rules their
settings must follow, publishing, who sees and manages what, the registration window, the
agenda, questions, door staff, duplicating, slugs and the calendar file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from eventsys.audit import AuditLog
from eventsys.db import db
from eventsys.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from eventsys.events import services
from eventsys.events.ics import event_ics
from eventsys.events.models import AgendaSession, Event, EventStatus, Question, QuestionKind
from eventsys.events.services import EventData, QuestionData, SessionData

START = datetime(2015, 11, 12, 2, 0, tzinfo=UTC)  # 09.00 in Bangkok, eleven days after ``now``


def _data(**changes) -> EventData:
    values = {"title": "อบรมอาสาสมัคร", "starts_at": START, "ends_at": START + timedelta(hours=7)}
    return EventData(**{**values, **changes})


def _create(owner, now, **changes) -> Event:
    event = services.create_event(db.session, data=_data(**changes), owner=owner, actor=owner, now=now)
    db.session.commit()
    return event


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


# --- creating and changing ------------------------------------------------------------------------


def test_a_new_event_is_a_draft_with_its_settings_trimmed_and_recorded(app, make_user, now):
    owner = make_user()
    event = _create(
        owner, now, title="  อบรม อพม.  ", venue=" ศาลากลาง ", capacity=40, waitlist_enabled=False,
        requires_approval=True, map_url="https://maps.example/x",
    )  # fmt: skip
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == EventStatus.DRAFT and event.owner_id == owner.id
    assert (event.title, event.venue, event.capacity) == ("อบรม อพม.", "ศาลากลาง", 40)
    assert (event.waitlist_enabled, event.requires_approval) == (False, True)
    assert event.starts_at == START and event.created_at == now
    assert _actions() == ["event.create"]


def test_every_bad_setting_is_named_and_nothing_is_stored(app, make_user, now):
    owner = make_user()
    with pytest.raises(RuleViolation) as refused:
        services.create_event(
            db.session,
            data=_data(
                title="  ",
                ends_at=START - timedelta(hours=1),
                capacity=-1,
                registration_opens_at=START - timedelta(days=1),
                registration_closes_at=START - timedelta(days=2),
                map_url="javascript:alert(1)",
            ),
            owner=owner,
            actor=owner,
            now=now,
        )
    assert set(refused.value.fields) == {"title", "ends_at", "capacity", "registration_closes_at", "map_url"}
    db.session.rollback()
    assert db.session.scalar(select(Event)) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "ก" * 301}, "title"),
        ({"starts_at": datetime(1999, 12, 31, tzinfo=UTC)}, "starts_at"),
        # a Buddhist-era year typed as Gregorian: 2558 B.E. is 2015, not 2558
        ({"ends_at": datetime(2558, 11, 12, 9, tzinfo=UTC)}, "ends_at"),
        ({"registration_closes_at": START + timedelta(hours=8)}, "registration_closes_at"),
        ({"registration_opens_at": datetime(3113, 1, 1, tzinfo=UTC)}, "registration_opens_at"),
    ],
)
def test_one_bad_setting_is_refused_on_its_field(app, make_user, now, changes, field):
    owner = make_user()
    with pytest.raises(RuleViolation) as refused:
        services.create_event(db.session, data=_data(**changes), owner=owner, actor=owner, now=now)
    assert list(refused.value.fields) == [field]


def test_limits_that_are_allowed(app, make_user, now):
    """No capacity means no limit, zero seats is allowed, a window may close as the event ends."""
    owner = make_user()
    unlimited = _create(owner, now, capacity=None)
    closed_door = _create(owner, now, capacity=0, registration_closes_at=START + timedelta(hours=7))
    one_instant = _create(owner, now, ends_at=START)
    assert unlimited.capacity is None and closed_door.capacity == 0 and one_instant.ends_at == START


def test_update_changes_the_settings_and_checks_them_again(app, make_user, now):
    owner = make_user()
    event = _create(owner, now, capacity=10)
    later = now + timedelta(hours=1)
    services.update_event(
        db.session, event=event, data=_data(title="อบรมรุ่นที่ 2", capacity=20, waitlist_enabled=False),
        actor=owner, now=later,
    )  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.title, event.capacity, event.waitlist_enabled, event.updated_at) == (
        "อบรมรุ่นที่ 2", 20, False, later,
    )  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        services.update_event(db.session, event=event, data=_data(capacity=-5), actor=owner, now=later)
    assert list(refused.value.fields) == ["capacity"]
    assert _actions() == ["event.create", "event.update"]


# --- slugs ----------------------------------------------------------------------------------------


def test_slugs_take_the_latin_words_and_a_random_tail(app, make_user, now):
    owner = make_user()
    latin = _create(owner, now, title="OSM Network Workshop 2558!")
    thai = _create(owner, now, title="การประชุมเชิงปฏิบัติการ")
    again = _create(owner, now, title="OSM Network Workshop 2558!")
    assert re.fullmatch(r"osm-network-workshop-2558-[0-9a-f]{6}", latin.slug)
    assert re.fullmatch(r"event-[0-9a-f]{6}", thai.slug)  # a Thai title gives only the tail
    assert again.slug != latin.slug and again.slug.startswith("osm-network-workshop-2558-")
    long = services.new_slug(db.session, "word " * 40)
    assert len(long) <= 60 + 7 and not long.startswith("-")


def test_a_slug_already_taken_is_never_given_again(app, make_user, make_event, now, monkeypatch):
    make_event(slug="meeting-aaaaaa")
    tails = iter(["aaaaaa", "aaaaaa", "bbbbbb"])
    monkeypatch.setattr(services.secrets, "token_hex", lambda _n: next(tails))
    assert services.new_slug(db.session, "Meeting") == "meeting-bbbbbb"


# --- status ---------------------------------------------------------------------------------------


def test_status_moves_follow_the_table_and_are_recorded(app, make_user, now):
    owner = make_user()
    event = _create(owner, now)
    for status in (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.PUBLISHED, EventStatus.DRAFT):
        services.set_status(db.session, event=event, status=status, actor=owner, now=now)
    services.set_status(db.session, event=event, status=EventStatus.ARCHIVED, actor=owner, now=now)
    services.set_status(db.session, event=event, status=EventStatus.ARCHIVED, actor=owner, now=now)  # no-op
    db.session.commit()
    assert _actions() == [
        "event.create", "event.published", "event.closed", "event.published", "event.draft", "event.archived",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        (EventStatus.DRAFT, EventStatus.CLOSED),
        (EventStatus.PUBLISHED, EventStatus.ARCHIVED),
        (EventStatus.ARCHIVED, EventStatus.PUBLISHED),
        (EventStatus.ARCHIVED, EventStatus.CLOSED),
    ],
)
def test_a_status_move_not_in_the_table_is_a_conflict(app, make_user, make_event, now, start, refused):
    owner = make_user()
    event = make_event(owner=owner, status=start.value)
    with pytest.raises(Conflict):
        services.set_status(db.session, event=event, status=refused, actor=owner, now=now)
    assert event.status == start


# --- who sees what --------------------------------------------------------------------------------


def test_the_public_sees_published_events_to_come_and_past_ones_apart(app, make_event, now):
    soon = make_event(starts_at=now + timedelta(days=1), title="เร็ว ๆ นี้")
    later = make_event(starts_at=now + timedelta(days=9), title="ภายหลัง")
    make_event(status="draft", starts_at=now + timedelta(days=2))
    make_event(status="closed", starts_at=now + timedelta(days=3))  # closed: not listed as to come
    make_event(status="archived", starts_at=now - timedelta(days=3))
    past = make_event(status="closed", starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=5))
    older = make_event(starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=40))
    going_on = make_event(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    assert services.public_events(db.session, now=now) == [going_on, soon, later]
    assert services.past_public_events(db.session, now=now) == [past, older]
    assert services.past_public_events(db.session, now=now, limit=1) == [past]


def test_only_published_and_closed_events_have_a_public_page(app, make_event):
    for status in ("published", "closed"):
        event = make_event(status=status)
        assert services.get_public_event(db.session, event.slug) == event
    for status in ("draft", "archived"):
        event = make_event(status=status)
        with pytest.raises(NotFound):
            services.get_public_event(db.session, event.slug)
    with pytest.raises(NotFound):
        services.get_public_event(db.session, "no-such-event")


def test_admins_manage_all_organizers_their_own_staff_only_check_in(app, make_user, make_event, now):
    admin, owner, other, door = make_user("admin"), make_user(), make_user(), make_user("staff")
    mine, theirs, orphan = make_event(owner=owner), make_event(owner=other), make_event(owner=None)
    services.assign_staff(db.session, event=mine, email=door.email, actor=owner, now=now)
    db.session.commit()
    assert set(services.visible_events(db.session, user=admin)) == {mine, theirs, orphan}
    assert services.visible_events(db.session, user=owner) == [mine]
    assert services.visible_events(db.session, user=door) == [mine]
    assert services.get_managed_event(db.session, mine.id, user=owner) == mine
    assert services.get_managed_event(db.session, theirs.id, user=admin) == theirs
    with pytest.raises(PermissionDenied):
        services.get_managed_event(db.session, theirs.id, user=owner)
    with pytest.raises(PermissionDenied):
        services.get_managed_event(db.session, mine.id, user=door)  # staff check in, never manage
    with pytest.raises(NotFound):
        services.get_managed_event(db.session, 999_999, user=admin)
    assert services.is_event_staff(db.session, door, mine) and not services.is_event_staff(
        db.session, door, theirs
    )
    assert services.is_event_staff(db.session, owner, mine) and services.is_event_staff(
        db.session, admin, theirs
    )
    assert not services.is_event_staff(db.session, other, mine)


# --- the registration window ----------------------------------------------------------------------


def test_registration_is_open_only_while_published_and_inside_its_window(app, make_event, now):
    opens, closes = now + timedelta(days=1), now + timedelta(days=5)
    event = make_event(registration_opens_at=opens, registration_closes_at=closes)
    assert not services.registration_is_open(event, now=opens - timedelta(seconds=1))
    assert services.registration_is_open(event, now=opens)
    assert services.registration_is_open(event, now=closes)  # the closing instant still counts
    assert not services.registration_is_open(event, now=closes + timedelta(seconds=1))
    for status in (EventStatus.DRAFT, EventStatus.CLOSED, EventStatus.ARCHIVED):
        event.status = status
        assert not services.registration_is_open(event, now=opens + timedelta(days=1))


def test_without_a_window_registration_stays_open_until_the_event_ends(app, make_event, now):
    event = make_event()
    assert services.registration_is_open(event, now=now - timedelta(days=300))
    assert services.registration_is_open(event, now=event.ends_at)
    assert not services.registration_is_open(event, now=event.ends_at + timedelta(seconds=1))


def test_the_event_settings_decide_seats_waitlist_and_approval(app, make_event, register_person, person):
    """What an organizer sets is what registering does: capacity, waiting list, approval."""
    from eventsys.registration.models import RegistrationStatus

    full_no_list = make_event(capacity=1, waitlist_enabled=False)
    full_with_list = make_event(capacity=1, waitlist_enabled=True)
    approval = make_event(capacity=5, requires_approval=True)
    statuses = []
    for event in (full_no_list, full_with_list):
        statuses.append(register_person(event, person())[0].status)
    statuses.append(register_person(full_with_list, person())[0].status)
    statuses.append(register_person(approval, person())[0].status)
    assert statuses == [
        RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
        RegistrationStatus.PENDING,
    ]  # fmt: skip
    with pytest.raises(Conflict):
        register_person(full_no_list, person())


# --- the agenda -----------------------------------------------------------------------------------


def test_agenda_items_lie_within_the_event_and_are_kept_in_time_order(app, make_user, now):
    owner = make_user()
    event = _create(owner, now)
    afternoon = SessionData("ภาคบ่าย", START + timedelta(hours=4), START + timedelta(hours=7), room="ห้อง 2")
    morning = SessionData("ภาคเช้า", START, START + timedelta(hours=3), speakers="ดร.สมชาย", capacity=30)
    for item in (afternoon, morning):
        services.add_session(db.session, event=event, data=item, actor=owner, now=now)
    db.session.commit()
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert [(s.title, s.room, s.speakers, s.capacity) for s in event.sessions] == [
        ("ภาคเช้า", "", "ดร.สมชาย", 30), ("ภาคบ่าย", "ห้อง 2", "", None),
    ]  # fmt: skip
    assert _actions() == ["event.create", "event.session_add", "event.session_add"]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (SessionData("", START, START + timedelta(hours=1)), "title"),
        (SessionData("ช่วงเช้า", START + timedelta(hours=2), START + timedelta(hours=1)), "ends_at"),
        (SessionData("ก่อนงาน", START - timedelta(hours=1), START + timedelta(hours=1)), "starts_at"),
        (SessionData("วันถัดไป", START + timedelta(days=1), START + timedelta(days=1, hours=1)), "starts_at"),
        (SessionData("ช่วงเช้า", START, START + timedelta(hours=1), capacity=-1), "capacity"),
    ],
)
def test_an_agenda_item_breaking_a_rule_is_refused_on_its_field(app, make_user, now, item, field):
    owner = make_user()
    event = _create(owner, now)
    with pytest.raises(RuleViolation) as refused:
        services.add_session(db.session, event=event, data=item, actor=owner, now=now)
    assert list(refused.value.fields) == [field]
    db.session.rollback()
    assert db.session.scalar(select(AgendaSession)) is None


def test_the_agenda_given_with_a_new_event_is_checked_item_by_item(app, make_user, now):
    owner = make_user()
    good = SessionData("ภาคเช้า", START, START + timedelta(hours=3))
    outside = SessionData("ภาคค่ำ", START + timedelta(hours=8), START + timedelta(hours=9))
    with pytest.raises(RuleViolation) as refused:
        services.create_event(
            db.session, data=_data(), owner=owner, actor=owner, now=now, sessions=[good, outside]
        )
    assert list(refused.value.fields) == ["sessions.1.starts_at"]
    event = services.create_event(
        db.session, data=_data(), owner=owner, actor=owner, now=now, sessions=[good]
    )
    assert [s.title for s in event.sessions] == ["ภาคเช้า"]


def test_an_agenda_item_is_deleted_only_from_its_own_event(app, make_user, make_event, now):
    owner = make_user()
    event, other = make_event(owner=owner, sessions=2), make_event(owner=owner, sessions=1)
    with pytest.raises(NotFound):
        services.delete_session(
            db.session, event=event, session_id=other.sessions[0].id, actor=owner, now=now
        )
    services.delete_session(db.session, event=event, session_id=event.sessions[0].id, actor=owner, now=now)
    db.session.commit()
    db.session.expire_all()
    assert [s.title for s in db.session.get(Event, event.id).sessions] == ["ช่วงที่ 2"]
    assert len(db.session.get(Event, other.id).sessions) == 1


# --- registration questions -----------------------------------------------------------------------


def test_questions_get_stable_keys_and_choices_need_two_options(app, make_user, make_event, now):
    owner = make_user()
    event = make_event(owner=owner)

    def add(label, kind, options=(), required=False):
        data = QuestionData(label, kind, list(options), required)
        return services.add_question(db.session, event=event, data=data, actor=owner, now=now)

    food = add("อาหาร", QuestionKind.SINGLE_CHOICE, [" ปกติ ", "", "มังสวิรัติ"], required=True)
    note = add("หมายเหตุ", QuestionKind.LONG_TEXT, ["ignored"])
    assert (food.key, food.options, food.is_required, food.position) == ("q1", ["ปกติ", "มังสวิรัติ"], True, 1)
    assert (note.key, note.options, note.position) == ("q2", [], 2)  # options only for choices
    with pytest.raises(RuleViolation) as refused:
        add(" ", QuestionKind.MULTIPLE_CHOICE, ["หนึ่ง", "  "])
    assert set(refused.value.fields) == {"label", "options"}
    # a deleted question's key is never given to another (answers are stored under it)
    services.delete_question(db.session, event=event, question_id=food.id, actor=owner, now=now)
    db.session.expire(event, ["questions"])
    assert add("ไซซ์เสื้อ", QuestionKind.SHORT_TEXT).key == "q3"


def test_questions_move_up_and_down_within_the_form(app, make_user, make_event, now):
    owner = make_user()
    event = make_event(owner=owner)
    for label in ("หนึ่ง", "สอง", "สาม"):
        services.add_question(
            db.session, event=event, data=QuestionData(label, QuestionKind.YES_NO), actor=owner, now=now
        )
    first, _second, third = event.questions

    def move(question, offset):
        services.move_question(
            db.session, event=event, question_id=question.id, offset=offset, actor=owner, now=now
        )
        return [q.label for q in event.questions]

    assert move(third, -1) == ["หนึ่ง", "สาม", "สอง"]
    assert move(first, -1) == ["หนึ่ง", "สาม", "สอง"]  # already first
    assert move(first, +1) == ["สาม", "หนึ่ง", "สอง"]
    assert move(_second, +1) == ["สาม", "หนึ่ง", "สอง"]  # already last
    other = make_event(owner=owner)
    with pytest.raises(NotFound):
        services.move_question(db.session, event=other, question_id=first.id, offset=1, actor=owner, now=now)
    with pytest.raises(NotFound):
        services.delete_question(db.session, event=other, question_id=first.id, actor=owner, now=now)


# --- door staff -----------------------------------------------------------------------------------


def test_staff_are_assigned_by_e_mail_once_and_removed(app, make_user, make_event, now):
    owner, door = make_user(), make_user("staff", email="door@example.org")
    gone = make_user("staff")
    gone.is_active = False
    db.session.commit()
    event = make_event(owner=owner)
    first = services.assign_staff(db.session, event=event, email="  DOOR@example.org ", actor=owner, now=now)
    again = services.assign_staff(db.session, event=event, email="door@example.org", actor=owner, now=now)
    assert first is again and [s.user_id for s in event.staff] == [door.id]
    for email in ("nobody@example.org", gone.email, ""):
        with pytest.raises(RuleViolation) as refused:
            services.assign_staff(db.session, event=event, email=email, actor=owner, now=now)
        assert list(refused.value.fields) == ["email"]
    services.remove_staff(db.session, event=event, user_id=door.id, actor=owner, now=now)
    with pytest.raises(NotFound):
        services.remove_staff(db.session, event=event, user_id=door.id, actor=owner, now=now)
    db.session.commit()
    assert not services.is_event_staff(db.session, door, event)
    assert _actions()[-2:] == ["event.staff_add", "event.staff_remove"]


# --- duplicating ----------------------------------------------------------------------------------


def test_a_duplicate_is_a_draft_with_the_agenda_and_questions_but_nobody_on_it(
    app, make_user, make_event, make_volunteer, make_registration, now
):
    owner, admin, door = make_user(), make_user("admin"), make_user("staff")
    event = make_event(
        owner=owner, slug="osm-workshop-abc123", sessions=2, capacity=30, requires_approval=True
    )
    services.add_question(
        db.session, event=event, data=QuestionData("อาหาร", QuestionKind.SINGLE_CHOICE, ["ก", "ข"], True),
        actor=owner, now=now,
    )  # fmt: skip
    services.assign_staff(db.session, event=event, email=door.email, actor=owner, now=now)
    db.session.commit()
    make_registration(event, make_volunteer("สมศรี"))
    copy = services.duplicate_event(db.session, event=event, actor=owner, now=now)
    db.session.commit()
    assert copy.id != event.id and copy.status == EventStatus.DRAFT and copy.owner_id == owner.id
    assert copy.title == f"{event.title} (2)" and re.fullmatch(r"osm-workshop-[0-9a-f]{6}", copy.slug)
    assert (copy.capacity, copy.requires_approval, copy.starts_at) == (30, True, event.starts_at)
    assert [(s.title, s.starts_at) for s in copy.sessions] == [(s.title, s.starts_at) for s in event.sessions]
    assert [(q.key, q.options, q.is_required) for q in copy.questions] == [("q1", ["ก", "ข"], True)]
    assert (
        copy.staff == []
        and db.session.scalar(
            select(db.func.count()).select_from(Question).where(Question.event_id == event.id)
        )
        == 1
    )
    from eventsys.registration.models import Registration

    assert db.session.scalars(select(Registration.event_id)).all() == [event.id]
    # an admin's copy stays the organizer's event; a title at the limit stays within it
    event.title = "ก" * 300
    by_admin = services.duplicate_event(db.session, event=event, actor=admin, now=now)
    assert by_admin.owner_id == owner.id and len(by_admin.title) == 300


# --- the calendar file ----------------------------------------------------------------------------


def test_the_calendar_file_is_rfc_5545_with_thai_text_escaped_and_folded(app, make_event, now):
    event = make_event(
        title="ประชุม, เครือข่าย; อพม.\\รุ่น 1", venue="ศาลากลางจังหวัดเชียงใหม่", address="ถนนโชตนา",
        description="บรรทัดแรก\r\nบรรทัดสอง\rสาม " + "ยาว" * 40,
        starts_at=START, ends_at=START + timedelta(hours=7),
    )  # fmt: skip
    body = event_ics(event, url="https://eventsys.example/e/x", now=now)
    text = body.decode()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded by octets, not characters
    unfolded = text.replace("\r\n ", "")
    assert unfolded.encode().decode() == unfolded  # no Thai character cut in half
    lines = unfolded.split("\r\n")
    assert "DTSTART:20151112T020000Z" in lines and "DTEND:20151112T090000Z" in lines
    assert "DTSTAMP:20151101T030000Z" in lines and f"UID:event-{event.id}@eventsys" in lines
    assert "SUMMARY:ประชุม\\, เครือข่าย\\; อพม.\\\\รุ่น 1" in lines
    assert "LOCATION:ศาลากลางจังหวัดเชียงใหม่\\, ถนนโชตนา" in lines
    assert any(line.startswith("DESCRIPTION:บรรทัดแรก\\nบรรทัดสอง\\nสาม ยาว") for line in lines)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
