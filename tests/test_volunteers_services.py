"""The registry's rules: validation messages, one record per person, search, merge, PDPA."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from eventsys.audit import AuditLog
from eventsys.db import db
from eventsys.errors import Conflict, PermissionDenied, RuleViolation
from eventsys.files import current_store
from eventsys.volunteers import services
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import VolunteerData, VolunteerFilter
from tests.fixtures.volunteers import national_id


def _names(page) -> list[str]:
    return [v.first_name for v in page.people]


def test_validation_names_every_bad_field(app):
    with pytest.raises(RuleViolation) as caught:
        services.validate(
            VolunteerData(
                first_name="", national_id="1101700230709", phone="12345", email="x@", province="Atlantis"
            )
        )
    from flask_babel import force_locale

    fields = caught.value.fields
    assert set(fields) == {"first_name", "national_id", "phone", "email", "province"}
    with app.test_request_context(), force_locale("en"):
        assert str(fields["national_id"]).startswith("National ID")
        assert str(fields["phone"]).startswith("Phone")


def test_validation_messages_in_thai(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("th"):
        with pytest.raises(RuleViolation) as caught:
            services.validate(VolunteerData(first_name="ก", national_id="1101700230709", phone="081"))
        assert "เลขประจำตัวประชาชน" in str(caught.value.fields["national_id"])
        assert "โทรศัพท์" in str(caught.value.fields["phone"])


def test_same_id_typed_differently_is_one_record(app, cipher, now):
    number = national_id(42)
    dashed = f"{number[0]}-{number[1:5]}-{number[5:10]}-{number[10:12]}-{number[12]}"
    first, created = services.save_volunteer(
        db.session,
        VolunteerData(first_name="สมศรี", last_name="มีสุข", national_id=number, phone="0812345678"),
        cipher=cipher,
        now=now,
    )
    second, created_again = services.save_volunteer(
        db.session,
        VolunteerData(
            first_name="สมศรี", national_id=" " + dashed, phone="+66 89 999 8888", email="A@Example.org"
        ),
        cipher=cipher,
        now=now,
    )
    db.session.commit()
    assert created and not created_again and first.id == second.id
    assert second.phone == "0899998888" and second.phone_tail == "8888" and second.email == "a@example.org"
    assert db.session.scalar(select(func.count(Volunteer.id))) == 1


def test_without_id_same_name_and_phone_is_one_record(app, cipher, now):
    a, _ = services.save_volunteer(
        db.session,
        VolunteerData(first_name="John", last_name="Smith", passport_no="", phone="081-111-2222"),
        cipher=cipher,
        now=now,
    )
    b, created = services.save_volunteer(
        db.session,
        VolunteerData(first_name="John", last_name="Smith", phone="0811112222", email="j@x.org"),
        cipher=cipher,
        now=now,
    )
    assert a.id == b.id and not created and b.email == "j@x.org"


def test_national_id_is_never_stored_in_plaintext(app, backend, cipher, now, tmp_path):
    number = national_id(777)
    volunteer, _ = services.save_volunteer(
        db.session,
        VolunteerData(first_name="ลับ", national_id=number, phone="0812345678"),
        cipher=cipher,
        now=now,
    )
    db.session.commit()
    assert number not in volunteer.national_id_encrypted and number not in volunteer.national_id_hash
    assert services.national_id_of(volunteer, cipher=cipher) == number
    if backend == "sqlite":
        db.session.remove()
        db.engine.dispose()
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("test.sqlite*"))
        assert number.encode() not in raw
        assert "ลับ".encode() in raw  # the file is readable: the check above can fail
    else:
        row = db.session.execute(text("SELECT * FROM volunteers")).one()
        assert all(number not in str(value) for value in row)


def test_search_thai_fragments_phone_and_id(app, make_volunteer, cipher):
    make_volunteer("สมชาย", last_name="ใจดี", phone="0812345678", national_id=national_id(1))
    make_volunteer("สมศรี", last_name="แก้วมณี", phone="0899990000", first_name_en="Somsri")
    make_volunteer("เกศินี", last_name="สมบูรณ์", phone="021234567", national_id=national_id(2))
    make_volunteer("วิชัย", last_name="ทองดี", phone="0861111111")

    def search(q):
        return set(_names(services.list_volunteers(db.session, VolunteerFilter(q=q), cipher=cipher)))

    assert search("สม") == {"เกศินี", "สมชาย", "สมศรี"}  # 2 characters, also inside a last name
    assert search("ดี") == {"วิชัย", "สมชาย"}
    assert search("แก้ว") == {"สมศรี"}
    assert search("เเก้ว") == {"สมศรี"}  # typed with two sara e
    assert search("somsri") == {"สมศรี"} and search("SOMS") == {"สมศรี"}
    assert search("5678") == {"สมชาย"}  # phone suffix
    assert search("345678") == {"สมชาย"}
    assert search("081-234-5678") == {"สมชาย"}
    assert search(national_id(2)) == {"เกศินี"}
    assert search(national_id(2)[-4:]) == {"เกศินี"}  # last digits of the ID
    assert search("สม 0899") == set()
    assert search("สม 0000") == {"สมศรี"}
    assert search("100%") == set() and search("_") == set()


def test_list_is_in_thai_dictionary_order_and_pages(app, make_volunteer, cipher, monkeypatch):
    for name in ["ไก่", "เกม", "กา", "ขนม", "แมว", "มะม่วง", "โต๊ะ", "ฮา", "อีก"]:
        make_volunteer(name)
    page = services.list_volunteers(db.session, VolunteerFilter(), cipher=cipher)
    assert _names(page) == ["กา", "เกม", "ไก่", "ขนม", "โต๊ะ", "มะม่วง", "แมว", "อีก", "ฮา"]
    assert page.total == 9 and not page.has_next and not page.total_is_more
    monkeypatch.setattr(services, "PAGE_SIZE", 4)
    monkeypatch.setattr(services, "COUNT_LIMIT", 5)
    second = services.list_volunteers(db.session, VolunteerFilter(), cipher=cipher, page=2)
    assert _names(second) == ["โต๊ะ", "มะม่วง", "แมว", "อีก"] and second.has_next
    assert second.total == 5 and second.total_is_more
    last = services.list_volunteers(db.session, VolunteerFilter(), cipher=cipher, page=3)
    assert _names(last) == ["ฮา"] and not last.has_next


def test_filters(app, make_volunteer, cipher):
    make_volunteer("ก", province="เชียงใหม่", network_type="อพม.", organization="พมจ.เชียงใหม่")
    make_volunteer("ข", province="Bangkok", network_type="อพม.", organization="สำนักงาน")
    make_volunteer("ค", province="50", network_type="เครือข่ายเด็ก", organization="พมจ.เชียงใหม่")

    def names(**kw):
        return _names(services.list_volunteers(db.session, VolunteerFilter(**kw), cipher=cipher))

    assert names(province_code="50") == ["ก", "ค"]
    assert names(network_type="อพม.") == ["ก", "ข"]
    assert names(organization="พมจ.เชียงใหม่", network_type="เครือข่ายเด็ก") == ["ค"]
    services._choices_cache.clear()
    assert services.filter_choices(db.session)["network_types"] == ["อพม.", "เครือข่ายเด็ก"]


def test_update_refuses_an_id_of_another_record(app, make_volunteer, cipher, make_user, now):
    admin = make_user("admin")
    make_volunteer("ก", national_id=national_id(5))
    other = make_volunteer("ข")
    with pytest.raises(RuleViolation) as caught:
        services.update_volunteer(
            db.session,
            other,
            VolunteerData(first_name="ข", national_id=national_id(5)),
            cipher=cipher,
            actor=admin,
            now=now,
        )
    assert "national_id" in caught.value.fields
    services.update_volunteer(
        db.session,
        other,
        VolunteerData(first_name="ขวัญ", national_id=national_id(6)),
        cipher=cipher,
        actor=admin,
        now=now,
    )
    assert other.first_name == "ขวัญ" and other.phone == "" and other.national_id_tail == national_id(6)[-4:]


def test_merge_moves_registrations_and_check_ins(
    app, make_volunteer, make_event, make_user, make_registration, cipher, now
):
    from eventsys.certificates.models import Certificate
    from eventsys.checkin.models import CheckIn, CheckInMethod
    from eventsys.registration.models import Registration

    organizer = make_user()
    shared, only_drop, only_keep = make_event(sessions=2), make_event(), make_event()
    keep = make_volunteer("สมชาย", phone="0811111111")
    drop = make_volunteer("สมชาย", phone="0822222222", national_id=national_id(9), email="d@x.org")
    keep_shared = make_registration(shared, keep, status="cancelled")
    drop_shared = make_registration(shared, drop)
    make_registration(only_keep, keep)
    drop_only = make_registration(only_drop, drop)
    session_a, session_b = shared.sessions
    db.session.add_all(
        [
            CheckIn(registration_id=keep_shared.id, session_id=session_a.id, method=CheckInMethod.CAMERA),
            CheckIn(registration_id=drop_shared.id, session_id=session_a.id, method=CheckInMethod.CAMERA),
            CheckIn(registration_id=drop_shared.id, session_id=session_b.id, method=CheckInMethod.CAMERA),
            CheckIn(registration_id=drop_only.id, session_id=None, method=CheckInMethod.SEARCH),
            Certificate(
                registration_id=drop_only.id, series="2558", number=1, serial="1/2558", verification_code="v1"
            ),
        ]
    )
    db.session.commit()
    before = db.session.scalar(select(func.count(CheckIn.id)))
    details = services.merge_volunteers(
        db.session, keep=keep, drop=drop, cipher=cipher, actor=organizer, now=now
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Volunteer, drop.id) is None
    registrations = db.session.scalars(select(Registration).where(Registration.volunteer_id == keep.id)).all()
    assert sorted(r.event_id for r in registrations) == sorted([shared.id, only_drop.id, only_keep.id])
    survivor = next(r for r in registrations if r.event_id == shared.id)
    assert survivor.id == drop_shared.id  # the confirmed one beats the cancelled one
    assert sorted(c.session_id for c in survivor.check_ins) == [session_a.id, session_b.id]
    assert db.session.scalar(select(func.count(CheckIn.id))) == before - 1  # the same list twice: one kept
    assert db.session.scalar(select(Certificate.registration_id)) == drop_only.id
    assert (
        keep.national_id_tail == national_id(9)[-4:]
        and keep.email == "d@x.org"
        and keep.phone == "0811111111"
    )
    assert details["check_ins_dropped"] == 1
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "volunteer.merge"))
    assert log.target_id == str(keep.id) and log.details["merged_id"] == drop.id


def test_merge_gives_a_seat_freed_by_one_person_holding_two_to_the_waitlist(
    app, make_volunteer, make_event, make_user, make_registration, cipher, now
):
    """Both records held a seat at a full event: merged, the person holds one, and the
    first waitlisted person gets the other (and is e-mailed)."""
    from eventsys.jobs.models import Job
    from eventsys.registration.models import Registration, RegistrationStatus

    organizer = make_user()
    event = make_event(capacity=2, waitlist_enabled=True)
    keep, drop = make_volunteer("สมชาย", phone="0811111111"), make_volunteer("สมชาย", phone="0822222222")
    waiting_person = make_volunteer("สมหญิง", phone="0833333333", email="w@x.org")
    make_registration(event, keep)
    make_registration(event, drop)
    waiting = make_registration(event, waiting_person, status="waitlisted")
    details = services.merge_volunteers(
        db.session, keep=keep, drop=drop, cipher=cipher, actor=organizer, now=now
    )
    db.session.commit()
    assert details["promoted"] == [waiting.id]
    statuses = db.session.scalars(select(Registration.status).where(Registration.event_id == event.id)).all()
    assert sorted(statuses) == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED]
    notice = db.session.scalar(select(Job).where(Job.kind == "registration_mail"))
    assert notice.params == {"registration_id": waiting.id, "notice": "promoted"}


def _waiting_on_a_lock(pid: int, timeout: float = 20) -> None:
    """Return once PostgreSQL backend ``pid`` is blocked on a lock held by another
    transaction (seen from a connection of its own); fail if it never is."""
    import time

    deadline = time.monotonic() + timeout
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.scalar(
                text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            conn.rollback()  # a fresh snapshot of pg_stat_activity on the next look
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited on a lock")


def test_merge_and_a_registration_of_the_kept_person_at_once_do_not_deadlock(
    backend,
    make_volunteer,
    make_event,
    make_user,
    make_registration,
    register_person,
    in_threads,
    cipher,
    now,
):
    """Registering locks the person's row, then the event; a merge takes them in the same
    order, so the two wait for each other instead of deadlocking (a 500 on PostgreSQL).

    On PostgreSQL the interleaving is forced, not hoped for: the registration has updated
    the kept person's row, then goes on to lock the event only once the merge is seen
    blocked on a lock. Merging in the wrong order (the event first) deadlocks here every
    time. SQLite's single write lock runs the two one after the other, in either order."""
    import threading

    from eventsys.accounts.models import User
    from eventsys.events.models import Event
    from eventsys.registration.models import Registration

    organizer = make_user()
    event = make_event(capacity=10)
    keep = make_volunteer("สมชาย", phone="0811111111", national_id=national_id(31))
    drop = make_volunteer("สมชาย", phone="0822222222")
    make_registration(event, drop)
    event_id, keep_id, drop_id, organizer_id = event.id, keep.id, drop.id, organizer.id
    data = VolunteerData(
        first_name="สมชาย", last_name="ใจดี", phone="0811111111", national_id=national_id(31), consent=True
    )
    racing = backend == "postgresql"
    merge_pid: list[int] = []
    merge_connected, person_locked = threading.Event(), threading.Event()
    later = now + timedelta(minutes=1)  # each write changes the rows' updated_at

    def register(session) -> None:
        services.save_volunteer(session, data, cipher=cipher, now=later)  # the person's row
        if racing:
            person_locked.set()
            assert merge_connected.wait(20)
            _waiting_on_a_lock(merge_pid[0])  # the merge is under way, and blocked
        # the person proved who they are (the code): their record, already locked above
        register_person(
            session.get(Event, event_id),
            data,
            at=later,
            session=session,
            volunteer=session.get(Volunteer, keep_id),
        )

    def merge(session) -> None:
        if racing:
            merge_pid.append(session.scalar(text("SELECT pg_backend_pid()")))
            merge_connected.set()
            assert person_locked.wait(20)
        services.merge_volunteers(
            session, keep=session.get(Volunteer, keep_id), drop=session.get(Volunteer, drop_id),
            cipher=cipher, actor=session.get(User, organizer_id), now=later,
        )  # fmt: skip

    assert in_threads(register, merge) == []
    registrations = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    assert [r.volunteer_id for r in registrations] == [keep_id]
    assert db.session.get(Volunteer, drop_id) is None


def test_merge_refuses_two_certificates_for_one_event(
    app, make_volunteer, make_event, make_user, make_registration, cipher, now
):
    from eventsys.certificates.models import Certificate

    event = make_event()
    keep, drop = make_volunteer("ก"), make_volunteer("ก")
    for n, person in enumerate((keep, drop)):
        registration = make_registration(event, person)
        db.session.add(
            Certificate(
                registration_id=registration.id,
                series="s",
                number=n,
                serial=f"{n}",
                verification_code=f"c{n}",
            )
        )
    db.session.commit()
    with pytest.raises(Conflict):
        services.merge_volunteers(db.session, keep=keep, drop=drop, cipher=cipher, actor=make_user(), now=now)
    with pytest.raises(RuleViolation):
        services.merge_volunteers(db.session, keep=keep, drop=keep, cipher=cipher, actor=None, now=now)


def test_erasure_anonymises_and_keeps_attendance(
    app, make_volunteer, make_event, make_user, make_registration, cipher, now
):
    admin, organizer = make_user("admin"), make_user()
    person = make_volunteer("สมหญิง", national_id=national_id(3), email="s@x.org", first_name_en="Somying")
    make_registration(make_event(), person)
    with pytest.raises(PermissionDenied):
        services.erase_volunteer(db.session, person, actor=organizer, now=now, files=current_store())
    services.erase_volunteer(
        db.session, person, actor=admin, now=now + timedelta(days=1), files=current_store()
    )
    db.session.commit()
    assert person.erased_at is not None and person.first_name == services.ERASED_NAME
    assert person.national_id_hash is None and person.national_id_encrypted is None and person.email == ""
    assert "somying" not in person.search_text and person.phone == ""
    assert services.attendance_counts(db.session, person)["registered"] == 1
    assert services.list_volunteers(db.session, VolunteerFilter(), cipher=cipher).total == 0
    # the same ID registering again later makes a fresh record
    again, created = services.save_volunteer(
        db.session,
        VolunteerData(first_name="สมหญิง", national_id=national_id(3), phone="0812223333"),
        cipher=cipher,
        now=now,
    )
    assert created and again.id != person.id


def test_person_export_is_admin_only_and_logged(app, make_volunteer, make_user, cipher, now):
    admin, organizer = make_user("admin"), make_user()
    person = make_volunteer("สมปอง", national_id=national_id(4))
    with pytest.raises(PermissionDenied):
        services.person_export(db.session, person, cipher=cipher, actor=organizer, now=now)
    with pytest.raises(PermissionDenied):
        services.reveal_national_id(db.session, person, cipher=cipher, actor=organizer, now=now)
    payload = services.person_export(db.session, person, cipher=cipher, actor=admin, now=now)
    assert payload["person"]["national_id"] == national_id(4) and payload["registrations"] == []
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "volunteer.export_person" in actions


def test_likely_duplicates(app, make_volunteer):
    a = make_volunteer("สมชาย", last_name="ใจดี", phone="0811111111")
    b = make_volunteer("สมชาย", last_name="ใจดี", phone="0822222222")
    c = make_volunteer("มานี", phone="0833333333")
    d = make_volunteer("มานะ", phone="0833333333")
    make_volunteer("ชูใจ")
    groups = {(g.reason, tuple(v.id for v in g.people)) for g in services.likely_duplicates(db.session)}
    assert groups == {("name", (a.id, b.id)), ("phone", (c.id, d.id))}
