"""Issue 13: an agenda item or a question is edited in place, not removed and re-added; a
draft nobody has seen can be deleted, anything else cannot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsys.audit import AuditLog
from eventsys.db import begin_write, db
from eventsys.errors import Conflict, NotFound, RuleViolation
from eventsys.events import services
from eventsys.events.models import AgendaSession, Event, Question, QuestionKind


def _actions(event_id: int) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditLog.action).where(
                AuditLog.target_type == "events", AuditLog.target_id == str(event_id)
            )
        )
    )


def _food(event) -> Question:
    event.questions.append(
        Question(
            key="food", label="อาหาร", kind=QuestionKind.SINGLE_CHOICE, options=["ปกติ", "มังสวิรัติ", "ฮาลาล"]
        )
    )
    db.session.commit()
    return event.questions[-1]


# --- services ----------------------------------------------------------------------------------


def test_an_agenda_item_is_changed_in_place_and_stays_inside_the_event(make_user, make_event, now):
    owner = make_user("organizer")
    event = make_event(owner=owner, sessions=2)
    item = event.sessions[0]
    begin_write(db.session)
    data = services.SessionData(
        title="  ช่วงเช้า (ย้ายห้อง) ",
        starts_at=event.starts_at + timedelta(minutes=30),
        ends_at=event.starts_at + timedelta(hours=2),
        room="ห้อง 2",
    )
    changed = services.update_session(
        db.session, event=event, session_id=item.id, data=data, actor=owner, now=now
    )
    db.session.commit()
    assert changed.id == item.id and changed.title == "ช่วงเช้า (ย้ายห้อง)" and changed.room == "ห้อง 2"
    assert "event.session_update" in _actions(event.id)
    # a year too far (a B.E. year typed as C.E. elsewhere) or an end before the event's start
    begin_write(db.session)
    for starts, ends in (
        (event.starts_at + timedelta(days=365), event.starts_at + timedelta(days=365, hours=1)),
        (event.starts_at - timedelta(hours=2), event.starts_at - timedelta(hours=1)),
        (event.ends_at - timedelta(minutes=30), event.ends_at + timedelta(minutes=30)),
    ):
        with pytest.raises(RuleViolation) as refused:
            services.update_session(
                db.session,
                event=event,
                session_id=item.id,
                data=services.SessionData(title="x", starts_at=starts, ends_at=ends),
                actor=owner,
                now=now,
            )
        assert "starts_at" in refused.value.fields
    db.session.rollback()
    assert db.session.get(AgendaSession, item.id).title == "ช่วงเช้า (ย้ายห้อง)"


def test_another_events_or_a_deleted_agenda_item_is_not_found(make_user, make_event, now):
    owner = make_user("organizer")
    mine, theirs = make_event(owner=owner, sessions=1), make_event(owner=owner, sessions=1)
    data = services.SessionData(title="x", starts_at=mine.starts_at, ends_at=mine.starts_at)
    begin_write(db.session)
    with pytest.raises(NotFound):
        services.update_session(
            db.session, event=mine, session_id=theirs.sessions[0].id, data=data, actor=owner, now=now
        )
    gone = mine.sessions[0].id
    services.delete_session(db.session, event=mine, session_id=gone, actor=owner, now=now)
    with pytest.raises(NotFound):
        services.update_session(db.session, event=mine, session_id=gone, data=data, actor=owner, now=now)
    db.session.rollback()


def test_a_question_with_answers_keeps_its_kind_and_the_options_people_chose(
    make_user, make_event, make_checkin_registration, now
):
    owner = make_user("organizer")
    event = make_event(owner=owner)
    food = _food(event)
    answered = make_checkin_registration(event)
    answered.answers = {"food": "มังสวิรัติ"}
    db.session.commit()

    def update(**changes):
        begin_write(db.session)
        fields = {"label": food.label, "kind": food.kind, "options": list(food.options), "is_required": False}
        fields.update(changes)
        try:
            return services.update_question(
                db.session,
                event=event,
                question_id=food.id,
                data=services.QuestionData(**fields),
                actor=owner,
                now=now,
            )
        finally:
            db.session.rollback()

    with pytest.raises(RuleViolation) as refused:
        update(kind=QuestionKind.SHORT_TEXT)
    assert "kind" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:  # renamed: the answer would mean nothing
        update(options=["ปกติ", "อาหารมังสวิรัติ", "ฮาลาล"])
    assert "มังสวิรัติ" in refused.value.fields["options"]
    # what is safe: the text, required, an option nobody chose removed, a new option added
    begin_write(db.session)
    services.update_question(
        db.session,
        event=event,
        question_id=food.id,
        data=services.QuestionData(
            label="อาหารที่รับประทาน",
            kind=QuestionKind.SINGLE_CHOICE,
            options=["ปกติ", "มังสวิรัติ", "เจ", ""],
            is_required=True,
        ),
        actor=owner,
        now=now,
    )
    db.session.commit()
    db.session.rollback()
    stored = db.session.get(Question, food.id)
    assert (stored.label, stored.options, stored.is_required) == (
        "อาหารที่รับประทาน",
        ["ปกติ", "มังสวิรัติ", "เจ"],
        True,
    )
    assert stored.key == "food"  # the answers stay attached
    assert "event.question_update" in _actions(event.id)


def test_a_question_nobody_answered_may_change_kind(make_user, make_event, make_checkin_registration, now):
    owner = make_user("organizer")
    event = make_event(owner=owner)
    food = _food(event)
    make_checkin_registration(event)  # registered, but said nothing to this question
    begin_write(db.session)
    services.update_question(
        db.session,
        event=event,
        question_id=food.id,
        data=services.QuestionData(label="แพ้อาหารอะไร", kind=QuestionKind.SHORT_TEXT, options=["a", "b"]),
        actor=owner,
        now=now,
    )
    db.session.commit()
    db.session.rollback()
    stored = db.session.get(Question, food.id)
    assert (stored.kind, stored.options) == (QuestionKind.SHORT_TEXT, [])


def _move(event, status, actor, now) -> None:
    services.set_status(db.session, event=event, status=status, actor=actor, now=now)


def test_only_a_draft_nobody_has_seen_can_be_deleted(make_user, make_event, make_checkin_registration, now):
    owner = make_user("organizer")
    draft = make_event(owner=owner, status="draft", sessions=2)
    _food(draft)
    published = make_event(owner=owner, status="published")
    was_published = make_event(owner=owner, status="published")
    begin_write(db.session)
    services.set_status(
        db.session, event=was_published, status=services.EventStatus.DRAFT, actor=owner, now=now
    )
    db.session.commit()
    with_people = make_event(owner=owner, status="draft")
    make_checkin_registration(with_people)
    for event in (published, was_published, with_people):
        begin_write(db.session)
        with pytest.raises(Conflict):
            services.delete_event(db.session, event=event, actor=owner, now=now)
        db.session.rollback()
    # published then back to draft: the audit log remembers it was out
    begin_write(db.session)
    services.set_status(
        db.session, event=was_published, status=services.EventStatus.PUBLISHED, actor=owner, now=now
    )
    services.set_status(
        db.session, event=was_published, status=services.EventStatus.DRAFT, actor=owner, now=now
    )
    with pytest.raises(Conflict):
        services.delete_event(db.session, event=was_published, actor=owner, now=now)
    db.session.rollback()
    draft_id = draft.id
    begin_write(db.session)
    services.delete_event(db.session, event=draft, actor=owner, now=now)
    db.session.commit()
    db.session.rollback()
    assert db.session.get(Event, draft_id) is None
    assert db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == draft_id)).all() == []
    assert _actions(draft_id)[-1] == "event.delete"


# --- pages -------------------------------------------------------------------------------------


def test_the_console_edits_an_item_with_a_buddhist_era_year(client, make_user, make_event, login):
    owner = make_user("organizer")
    event = make_event(owner=owner, sessions=1)
    login(owner)
    manage = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    url = f"/manage/events/{event.id}/sessions/{event.sessions[0].id}/edit"
    assert url in manage
    page = client.get(url)
    assert page.status_code == 200 and "ช่วงที่ 1" in page.get_data(as_text=True)
    local = event.starts_at + timedelta(hours=7)  # Bangkok
    be_year = local.year + 543
    day = local.strftime("-%m-%dT")
    answer = client.post(
        url,
        data={
            "title": "พิธีเปิด",
            "starts_at": f"{be_year}{day}{local:%H:%M}",
            "ends_at": f"{be_year}{day}{local + timedelta(minutes=45):%H:%M}",
        },
    )
    assert answer.status_code == 302
    db.session.rollback()
    item = db.session.get(AgendaSession, event.sessions[0].id)
    assert item.title == "พิธีเปิด" and item.ends_at - item.starts_at == timedelta(minutes=45)
    # outside the event: refused on the form, nothing changed
    outside = client.post(
        url,
        data={"title": "ผิดปี", "starts_at": f"{be_year + 1}{day}09:00", "ends_at": f"{be_year + 1}{day}10:00"},
    )
    assert outside.status_code == 200 and "ต้องอยู่ในช่วงเวลาของงาน" in outside.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(AgendaSession, item.id).title == "พิธีเปิด"


def test_the_console_refuses_a_kind_change_with_a_clear_message(
    client, make_user, make_event, make_checkin_registration, login
):
    owner = make_user("organizer")
    event = make_event(owner=owner)
    food = _food(event)
    registration = make_checkin_registration(event)
    registration.answers = {"food": "ฮาลาล"}
    db.session.commit()
    login(owner)
    url = f"/manage/events/{event.id}/questions/{food.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'id="answered-notice"' in page and "ฮาลาล" in page
    answer = client.post(url, data={"label": "อาหาร", "kind": "short_text"})
    assert answer.status_code == 200
    assert "1 คน" in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Question, food.id).kind == QuestionKind.SINGLE_CHOICE
    answer = client.post(
        url, data={"label": "อาหารกลางวัน", "kind": "single_choice", "options": "ปกติ\nมังสวิรัติ\nฮาลาล\nเจ"}
    )
    assert answer.status_code == 302
    db.session.rollback()
    assert db.session.get(Question, food.id).options[-1] == "เจ"


def test_deleting_a_draft_asks_first_and_a_published_event_offers_archive(
    client, make_user, make_event, login
):
    owner = make_user("organizer")
    draft = make_event(owner=owner, status="draft")
    published = make_event(owner=owner, status="published")
    draft_id = draft.id
    login(owner)
    assert f"/manage/events/{draft_id}/delete" in client.get(f"/manage/events/{draft_id}").get_data(
        as_text=True
    )
    confirm = client.get(f"/manage/events/{draft_id}/delete").get_data(as_text=True)
    assert 'name="confirm"' in confirm
    # the box not ticked: nothing happens
    assert client.post(f"/manage/events/{draft_id}/delete", data={}).status_code == 200
    db.session.rollback()
    assert db.session.get(Event, draft_id) is not None
    assert client.post(f"/manage/events/{draft_id}/delete", data={"confirm": "y"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Event, draft_id) is None
    page = client.get(f"/manage/events/{published.id}/delete").get_data(as_text=True)
    assert 'id="delete-refused"' in page and "/status/closed" in page
    assert client.post(f"/manage/events/{published.id}/delete", data={"confirm": "y"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Event, published.id) is not None


def _settings(event, **changes) -> services.EventData:
    fields = {"title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at}
    return services.EventData(**{**fields, **changes})


def test_moving_the_event_moves_its_agenda_and_never_strands_an_item(make_user, make_event, now):
    owner = make_user("organizer")
    event = make_event(owner=owner, sessions=2)  # items at +0–1 h and +1–2 h of a 6-hour day
    first_start = event.sessions[0].starts_at
    year = timedelta(days=364)
    begin_write(db.session)
    services.update_event(
        db.session,
        event=event,
        data=_settings(event, starts_at=event.starts_at + year, ends_at=event.ends_at + year),
        actor=owner,
        now=now,
    )
    db.session.commit()
    db.session.rollback()
    assert db.session.get(AgendaSession, event.sessions[0].id).starts_at == first_start + year
    # shortened to one hour: the second item would be left outside, so it is refused by name
    begin_write(db.session)
    with pytest.raises(RuleViolation) as refused:
        services.update_event(
            db.session,
            event=event,
            data=_settings(event, ends_at=event.starts_at + timedelta(hours=1)),
            actor=owner,
            now=now,
        )
    assert "ช่วงที่ 2" in str(refused.value.fields["ends_at"])
    db.session.rollback()
