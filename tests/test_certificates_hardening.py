"""Issue 14: one organizer's serial pattern can no longer block another's certificates; SVG
uploads that would hang the renderer are refused; every PDF a request asks for renders in a
child process under a time limit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsys.certificates import services
from eventsys.certificates.models import Certificate
from eventsys.db import db
from eventsys.errors import Conflict


def design(event, actor, now, pattern: str):
    return services.save_design(
        db.session,
        event=event,
        actor=actor,
        now=now,
        title="เกียรติบัตร",
        body="ได้เข้าร่วม{event}",
        language="th",
        use_thai_digits=False,
        paper="A4-landscape",
        serial_pattern=pattern,
        eligibility={"kind": "event"},
        signatories=[],
    )


# --- serial numbering ---------------------------------------------------------------------------


def test_patterns_that_print_the_same_serials_share_one_counter(
    app, make_user, make_event, make_attendee, now
):
    """Two organizers, ``EV-{n:03}`` and ``EV-{n:03d}``; ``{n:04d}/2569`` twice and the default
    ``{n:04d}/{be_year}`` in 2569: every issue succeeds and no serial repeats (before: the
    second organizer's first issue was a 500 on the unique serial, every time)."""
    in_2569 = now.replace(year=2026)
    first, second = make_user(), make_user()
    plan = [
        (first, "EV-{n:03}", now),
        (second, "EV-{n:03d}", now),
        (first, "{n:04d}/2569", in_2569),
        (second, "{n:04d}/2569", in_2569),
        (second, "{n:04d}/{be_year}", in_2569),
    ]
    serials = []
    for organizer, pattern, when in plan:
        event = make_event(owner=organizer)
        design(event, organizer, now, pattern)
        make_attendee(event)
        make_attendee(event)
        db.session.commit()
        issued = services.issue_certificates(db.session, event=event, actor=organizer, now=when)
        db.session.commit()
        serials += [c.serial for c in issued]
    assert serials == [
        "EV-001",
        "EV-002",
        "EV-003",
        "EV-004",
        "0001/2569",
        "0002/2569",
        "0003/2569",
        "0004/2569",
        "0005/2569",
        "0006/2569",
    ]


def test_series_key_is_the_rendered_pattern():
    assert services.series_for("EV-{n:03}", be=2569) == services.series_for("EV-{n:03d}", be=2569)
    assert services.series_for("{n:04d}/2569", be=2569) == services.series_for("{n}/{be_year}", be=2569)
    assert services.series_for("{n}/{be_year}", be=2569) != services.series_for("{n}/{be_year}", be=2570)
    assert services.series_for("{n:04d}/{year}", be=2569) == "{n}/2026"
    assert services.series_for("EV-{n}", be=2569) == services.series_for("EV-{n}", be=2570)


def test_a_serial_already_printed_by_another_series_is_skipped(
    app, make_user, make_event, make_attendee, now
):
    """``X-1{n:02d}`` and ``X-{n:03d}`` are different series that meet at X-101 (and any
    certificate issued before the series were merged): the number is skipped, never printed
    twice and never an error."""
    organizer, rival = make_user(), make_user()
    theirs = make_event(owner=rival)
    design(theirs, rival, now, "X-1{n:02d}")
    make_attendee(theirs)
    (taken,) = services.issue_certificates(db.session, event=theirs, actor=rival, now=now)
    db.session.commit()
    assert taken.serial == "X-101"
    ours = make_event(owner=organizer)
    design(ours, organizer, now, "X-{n:03d}")
    counter = services._lock_counter(db.session, services.series_for("X-{n:03d}", be=2558))
    counter.last_number = 100
    db.session.commit()
    for _ in range(2):
        make_attendee(ours)
    issued = services.issue_certificates(db.session, event=ours, actor=organizer, now=now)
    db.session.commit()
    assert [(c.number, c.serial) for c in issued] == [(102, "X-102"), (103, "X-103")]


@pytest.fixture
def racing_serial(app, make_user, make_event, make_attendee, now, monkeypatch):
    """An event whose next serial another transaction printed after this one looked (the
    look-up is blinded, as when a concurrent issuer of another series commits it first)."""
    rival, organizer = make_user(), make_user()
    theirs = make_event(owner=rival)
    design(theirs, rival, now, "R-0{n:03d}")
    make_attendee(theirs)
    services.issue_certificates(db.session, event=theirs, actor=rival, now=now)  # R-0001
    ours = make_event(owner=organizer)
    design(ours, organizer, now, "R-{n:04d}")
    make_attendee(ours)
    db.session.commit()
    monkeypatch.setattr(services, "_taken_serials", lambda session, serials: set())
    return organizer, ours


def test_a_serial_taken_at_the_same_moment_is_a_conflict_not_a_500(racing_serial, now):
    organizer, event = racing_serial
    with pytest.raises(Conflict) as error:
        services.issue_certificates(db.session, event=event, actor=organizer, now=now)
    assert error.value.status == 409 and "R-0001" in str(error.value.message)
    db.session.rollback()
    assert db.session.scalar(select(Certificate).where(Certificate.serial == "R-0001")) is not None


@pytest.mark.parametrize(
    "lang, words",
    [("th", "เลขที่เกียรติบัตร R-0001"), ("en", "Serial number R-0001")],
)
def test_the_conflict_page_says_so_in_the_readers_language(racing_serial, client, login, lang, words):
    organizer, event = racing_serial
    login(organizer)
    response = client.post(f"/manage/events/{event.id}/certificates/issue?lang={lang}")
    assert response.status_code == 409
    assert words in response.get_data(as_text=True)
