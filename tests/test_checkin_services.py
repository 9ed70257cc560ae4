"""Check-in rules on both databases: once per list, refusals, staff scoping, undo, batch sync."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsys.audit import AuditLog
from eventsys.checkin import services
from eventsys.checkin.models import CheckIn, CheckInMethod
from eventsys.db import db
from eventsys.errors import PermissionDenied, RuleViolation
from eventsys.registration.tickets import signer


def scan(event, token, actor, now, **kw):
    return services.check_in_token(
        db.session,
        event_id=event.id,
        token=token,
        session_id=kw.pop("session_id", None),
        actor=actor,
        method=kw.pop("method", CheckInMethod.CAMERA),
        device=kw.pop("device", "phone-1"),
        client_id=kw.pop("client_id", None),
        scanned_at=kw.pop("scanned_at", None),
        signer=signer(),
        now=now,
    )


def count_check_ins() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn))


def test_a_ticket_checks_in_once_per_list(door, make_checkin_registration, ticket_token, now):
    event, _owner, staff = door
    registration = make_checkin_registration(event)
    first = scan(event, ticket_token(registration), staff, now)
    assert first.result == "checked_in"
    assert first.as_json()["attendee"]["name"] == registration.volunteer.full_name
    again = scan(event, ticket_token(registration), staff, now + timedelta(minutes=3))
    assert again.result == "already_checked_in"
    assert again.check_in_id == first.check_in_id
    assert again.as_json()["checked_in_by"] == staff.display_name
    # a session's list is a separate list
    session_id = event.sessions[0].id
    assert scan(event, ticket_token(registration), staff, now, session_id=session_id).result == "checked_in"
    assert (
        scan(event, ticket_token(registration), staff, now, session_id=session_id).result
        == "already_checked_in"
    )
    db.session.commit()
    assert count_check_ins() == 2
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "checkin.check_in")).all()
    assert len(log) == 2 and log[0].actor_id == staff.id
    assert log[0].details["device"] == "phone-1" and log[0].details["method"] == "camera"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("cancelled", "cancelled"),
        ("rejected", "cancelled"),
        ("waitlisted", "not_confirmed"),
        ("pending", "not_confirmed"),
    ],
)
def test_unconfirmed_tickets_are_refused(door, make_checkin_registration, ticket_token, now, status, code):
    event, _owner, staff = door
    registration = make_checkin_registration(event, status=status)
    with pytest.raises(services.CheckInRefused) as refused:
        scan(event, ticket_token(registration), staff, now)
    assert refused.value.code == code
    assert count_check_ins() == 0


def test_tampered_foreign_and_other_event_tickets(
    door, make_checkin_registration, make_event, ticket_token, now
):
    event, owner, staff = door
    registration = make_checkin_registration(event)
    token = ticket_token(registration)
    for bad in [
        token[:-2] + ("yy" if token.endswith("xx") else "xx"),
        "x" + token,
        "not a ticket",
        "",
        signer().token_for("unknown-secret"),
    ]:
        with pytest.raises(services.InvalidTicket):
            scan(event, bad, staff, now)
    other_event = make_event(owner=owner)
    other = make_checkin_registration(other_event)
    with pytest.raises(services.CheckInRefused) as refused:
        scan(event, ticket_token(other), staff, now)
    assert refused.value.code == "wrong_event"
    assert count_check_ins() == 0


def test_staff_only_check_in_at_their_events(
    door, make_checkin_registration, make_event, make_user, ticket_token, now
):
    event, owner, staff = door
    other_event = make_event(owner=make_user("organizer"))
    registration = make_checkin_registration(other_event)
    with pytest.raises(PermissionDenied):
        scan(other_event, ticket_token(registration), staff, now)
    with pytest.raises(PermissionDenied):
        services.check_in(
            db.session, registration=registration, session_id=None, actor=staff, method=CheckInMethod.SEARCH,
            device="", client_id=None, scanned_at=None, now=now,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # another organizer's event
        scan(other_event, ticket_token(registration), owner, now)
    assert scan(other_event, ticket_token(registration), make_user("admin"), now).result == "checked_in"
    with pytest.raises(PermissionDenied):
        services.staff_event(db.session, event_id=other_event.id, actor=staff)
    assert services.staff_event(db.session, event_id=event.id, actor=staff) is event


def test_session_must_belong_to_the_event(door, make_event, make_checkin_registration, ticket_token, now):
    event, owner, staff = door
    foreign_session = make_event(owner=owner, sessions=1).sessions[0]
    registration = make_checkin_registration(event)
    with pytest.raises(RuleViolation) as refused:
        scan(event, ticket_token(registration), staff, now, session_id=foreign_session.id)
    assert "session_id" in refused.value.fields


def test_scan_time_is_kept_but_not_from_the_future(door, make_checkin_registration, ticket_token, now):
    event, _owner, staff = door
    early, future = make_checkin_registration(event), make_checkin_registration(event)
    assert scan(
        event, ticket_token(early), staff, now, scanned_at=now - timedelta(hours=1)
    ).checked_in_at == now - timedelta(hours=1)
    result = scan(event, ticket_token(future), staff, now, scanned_at=now + timedelta(days=1))
    assert result.checked_in_at == now
    record = db.session.get(CheckIn, result.check_in_id)
    assert (record.checked_in_at, record.recorded_at) == (now, now)


def test_undo_deletes_and_logs(door, make_checkin_registration, ticket_token, make_user, now):
    event, _owner, staff = door
    registration = make_checkin_registration(event)
    record_id = scan(event, ticket_token(registration), staff, now).check_in_id
    with pytest.raises(PermissionDenied):
        services.undo_check_in(
            db.session, check_in_id=record_id, actor=make_user("staff"), device="x", now=now
        )
    services.undo_check_in(db.session, check_in_id=record_id, actor=staff, device="tablet", now=now)
    db.session.commit()
    assert count_check_ins() == 0
    line = db.session.scalar(select(AuditLog).where(AuditLog.action == "checkin.undo"))
    assert (
        line.actor_id == staff.id and line.details["device"] == "tablet" and line.target_id == str(record_id)
    )
    assert scan(event, ticket_token(registration), staff, now).result == "checked_in"


def test_batch_is_idempotent_with_duplicates_and_out_of_order_times(
    door, make_checkin_registration, ticket_token, now
):
    event, _owner, staff = door
    alice, bob, cancelled = (
        make_checkin_registration(event),
        make_checkin_registration(event),
        make_checkin_registration(event, status="cancelled"),
    )
    ids = [str(uuid.uuid4()) for _ in range(4)]
    items = [
        # bob scanned twice offline on two devices: the later scan is uploaded first
        services.BatchItem(token=ticket_token(bob), client_id=ids[0], scanned_at=now + timedelta(minutes=9)),
        services.BatchItem(
            token=ticket_token(alice), client_id=ids[1], scanned_at=now + timedelta(minutes=2)
        ),
        services.BatchItem(token=ticket_token(bob), client_id=ids[2], scanned_at=now + timedelta(minutes=1)),
        services.BatchItem(
            token=ticket_token(alice), client_id=ids[1], scanned_at=now + timedelta(minutes=2)
        ),
        services.BatchItem(token=ticket_token(cancelled), client_id=ids[3], scanned_at=now),
        services.BatchItem(token="forged.token", client_id=None),
    ]
    run = lambda: services.check_in_batch(  # noqa: E731
        db.session,
        event_id=event.id,
        items=items,
        actor=staff,
        device="phone",
        signer=signer(),
        now=now + timedelta(hours=1),
    )
    results = run()
    db.session.commit()
    assert [r.get("result") or r["error"] for r in results] == [
        "already_checked_in", "checked_in", "checked_in", "checked_in", "cancelled", "invalid_ticket",
    ]  # fmt: skip
    assert results[1]["id"] == results[3]["id"]
    # the earliest scan is the arrival time
    assert results[0]["checked_in_at"] == (now + timedelta(minutes=1)).isoformat()
    assert count_check_ins() == 2
    # the whole batch sent again (the answer was lost): nothing new, same answers for the client ids
    again = run()
    db.session.commit()
    assert [r.get("result") or r["error"] for r in again] == [
        "already_checked_in", "checked_in", "checked_in", "checked_in", "cancelled", "invalid_ticket",
    ]  # fmt: skip
    assert count_check_ins() == 2


def test_attendance_counts_arrivals_and_missing(door, make_checkin_registration, ticket_token, now):
    event, owner, staff = door
    people = [make_checkin_registration(event) for _ in range(3)]
    make_checkin_registration(event, status="waitlisted")
    scan(event, ticket_token(people[0]), staff, now, scanned_at=now - timedelta(minutes=12))
    scan(event, ticket_token(people[1]), staff, now, scanned_at=now - timedelta(minutes=1))
    scan(event, ticket_token(people[1]), staff, now, session_id=event.sessions[1].id)
    db.session.commit()
    counts = services.attendance(db.session, event=event)
    assert counts["confirmed"] == 3 and counts["checked_in"] == 2
    assert [s["checked_in"] for s in counts["sessions"]] == [0, 1]
    chart = services.arrivals(db.session, event=event)
    assert sum(b["count"] for b in chart) == 2 and len(chart) >= 3
    rows = services.attendance_rows(db.session, event=event)
    assert [r["registration_id"] for r in rows if r["checked_in_at"] is None] == [people[2].id]


def test_search_by_name_phone_and_id_digits(door, make_checkin_registration, make_event, now):
    event, owner, _staff = door
    target = make_checkin_registration(
        event, first_name="วิไลวรรณ", phone="0891234567", national_id_tail="4321"
    )
    make_checkin_registration(event, first_name="สมศรี")
    make_checkin_registration(make_event(owner=owner), first_name="วิไลวรรณ")  # another event
    for query in ["วิไล", "4567", "089-123-4567", "4321"]:
        assert [r.id for r in services.search_attendees(db.session, event=event, query=query)] == [
            target.id
        ], query
    assert services.search_attendees(db.session, event=event, query="ว") == []


def test_offline_ticket_list_has_fingerprints_not_tokens(door, make_checkin_registration, ticket_token):
    from eventsys.registration.tickets import fingerprint

    event, _owner, _staff = door
    registration = make_checkin_registration(event, national_id_tail="9999")
    listing = services.ticket_list(db.session, event=event, signer=signer())
    assert listing == [
        {
            "fp": fingerprint(ticket_token(registration)),
            "name": registration.volunteer.full_name,
            "organization": registration.volunteer.organization,
            "status": "confirmed",
        }
    ]
    assert registration.ticket_secret not in str(listing) and "9999" not in str(listing)


def test_simultaneous_scans_of_one_ticket_give_one_check_in(
    app, door, make_checkin_registration, ticket_token, now
):
    """64 real threads, each with its own session and transaction, scan the same ticket."""
    from eventsys.accounts.models import User
    from eventsys.db import begin_write
    from eventsys.events.models import Event

    event, _owner, staff = door
    registration = make_checkin_registration(event)
    token = ticket_token(registration)
    event_id, staff_id = event.id, staff.id
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def worker(i: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                begin_write(db.session)
                outcome = scan(
                    db.session.get(Event, event_id), token, db.session.get(User, staff_id), now,
                    client_id=str(uuid.uuid4()),
                )  # fmt: skip
                db.session.commit()
                results.append(outcome.result)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    for batch in range(4):
        threads = [threading.Thread(target=worker, args=(batch * 16 + i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(results).count("checked_in") == 1 and results.count("already_checked_in") == 63
    assert count_check_ins() == 1
