"""Each state change a scan reads (cancel, reject, reissue, merge) against a check-in of the
same ticket, on PostgreSQL with real threads, in a fixed order rather than by luck.

Every actor is a :class:`Held` unit of work: a thread with its own connection and transaction
that runs its work, then stops before committing until the test releases it. The test makes
one actor hold its locks, starts the other, and waits until PostgreSQL shows the second one
waiting for a lock (``pg_locks``) — or finishing without waiting, which is the bug these tests
exist to catch: then the first commits, and the invariant is checked on what both committed.
No sleeps decide the order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from eventsys.accounts.models import User
from eventsys.checkin import services
from eventsys.checkin.models import CheckIn, CheckInMethod
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import DomainError
from eventsys.registration import services as registration_services
from eventsys.registration.models import Registration, RegistrationStatus
from eventsys.registration.tickets import signer
from eventsys.volunteers import services as volunteer_services
from eventsys.volunteers.models import Volunteer

#: how long a step may take to block or finish before the test gives up (a hang is a failure)
PATIENCE = 20.0


@pytest.fixture
def backend() -> str:
    return "postgresql"  # row locks are PostgreSQL's; SQLite runs one writer at a time


class Held:
    """``work(session)`` in a thread of its own, holding its transaction open until released."""

    def __init__(self, app, work: Callable[[Session], Any]) -> None:
        self.outcome: Any = None
        self.error: BaseException | None = None
        self.pid: int | None = None
        self._started = threading.Event()
        self._done = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(app, work), daemon=True)
        self._thread.start()
        assert self._started.wait(PATIENCE), "the step never started"

    def _run(self, app, work) -> None:
        with app.app_context(), Session(db.engine) as session:
            try:
                begin_write(session)
                self.pid = session.scalar(text("SELECT pg_backend_pid()"))
                self._started.set()
                try:
                    self.outcome = work(session)
                except DomainError as refused:
                    self.error = refused
                    session.rollback()
                self._done.set()
                assert self._release.wait(PATIENCE), "never released"
                session.commit()
            except BaseException as error:  # noqa: BLE001 - reported to the test
                self.error = error
                self._started.set()
                self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def blocked(self) -> bool:
        """Is this step waiting for a lock another transaction holds?"""
        with db.engine.connect() as watcher:
            return bool(
                watcher.scalar(
                    text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"), {"pid": self.pid}
                )
            )

    def wait_blocked_or_done(self) -> str:
        """ "blocked" once PostgreSQL shows this step waiting for a lock, "done" if it finished
        its work without waiting (it then holds whatever it took until released)."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if self.done:
                return "done"
            if self.blocked():
                return "blocked"
            self._done.wait(0.005)  # poll interval only: the order is decided by the locks
        raise AssertionError("the step neither finished nor waited for a lock")

    def wait_done(self) -> None:
        assert self._done.wait(PATIENCE), "the step did not finish its work"

    def commit(self) -> None:
        self._release.set()
        self._thread.join(PATIENCE)
        assert not self._thread.is_alive(), "the step did not commit"
        if self.error is not None and not isinstance(self.error, DomainError):
            raise self.error


def _scan(event_id: int, staff_id: int, token: str) -> Callable[[Session], Any]:
    def work(session: Session):
        return services.check_in_token(
            session, event_id=event_id, token=token, session_id=None, actor=session.get(User, staff_id),
            method=CheckInMethod.CAMERA, device="race", client_id=None, scanned_at=None, signer=signer(),
            now=utcnow(),
        )  # fmt: skip

    return work


def _check_ins(registration_ids: list[int]) -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.registration_id.in_(registration_ids))
    )


def _status(registration_id: int) -> RegistrationStatus | None:
    db.session.rollback()
    return db.session.scalar(select(Registration.status).where(Registration.id == registration_id))


# --- cancel ------------------------------------------------------------------------------------


def test_a_cancel_waits_for_a_scan_in_flight_and_is_then_refused(
    app, door, make_checkin_registration, ticket_token
):
    """Scan first: the cancel must see the check-in the scan is about to commit. Fails without
    the cancel's row lock (it would read "no check-in", then cancel a checked-in person)."""
    event, owner, staff = door
    registration = make_checkin_registration(event)
    registration_id, token = registration.id, ticket_token(registration)

    scan = Held(app, _scan(event.id, staff.id, token))
    scan.wait_done()
    assert scan.error is None and scan.outcome.result == "checked_in"

    def cancel(session: Session):
        return registration_services.cancel(
            session, registration=session.get(Registration, registration_id), actor=None, now=utcnow()
        )

    cancelling = Held(app, cancel)
    assert cancelling.wait_blocked_or_done() == "blocked", "the cancel did not wait for the scan's lock"
    scan.commit()
    cancelling.wait_done()
    cancelling.commit()
    assert getattr(cancelling.error, "code", None) == "checked_in"
    assert _status(registration_id) == RegistrationStatus.CONFIRMED and _check_ins([registration_id]) == 1


def test_a_scan_waits_for_a_cancel_in_flight_and_is_then_refused(
    app, door, make_checkin_registration, ticket_token
):
    """Cancel first: the scan must read the cancel's result, not the row before it. Fails
    without the scan's ``FOR SHARE`` (it would check in a ticket being cancelled)."""
    event, owner, staff = door
    registration = make_checkin_registration(event)
    registration_id, token = registration.id, ticket_token(registration)

    def cancel(session: Session):
        return registration_services.cancel(
            session, registration=session.get(Registration, registration_id), actor=None, now=utcnow()
        )

    cancelling = Held(app, cancel)
    cancelling.wait_done()
    scan = Held(app, _scan(event.id, staff.id, token))
    scan.wait_blocked_or_done()  # with the lock it waits; without, it checks in now
    cancelling.commit()
    scan.wait_done()
    scan.commit()
    assert _status(registration_id) == RegistrationStatus.CANCELLED
    assert _check_ins([registration_id]) == 0, "a cancelled ticket checked in"
    assert getattr(scan.error, "code", None) == "cancelled"


# --- reissue -----------------------------------------------------------------------------------


def test_the_old_ticket_never_checks_in_once_a_reissue_commits(
    app, door, make_checkin_registration, ticket_token
):
    """Reissue first, uncommitted; a scan of the old QR then either waits and is refused, or
    (without the scan's ``FOR SHARE``) checks in on the old secret and commits after the
    reissue did — which this test refuses."""
    event, owner, staff = door
    registration = make_checkin_registration(event)
    registration_id, old_token = registration.id, ticket_token(registration)

    def reissue(session: Session):
        return registration_services.reissue_ticket(
            session, registration=session.get(Registration, registration_id), actor=None, now=utcnow()
        ).ticket_secret

    reissuing = Held(app, reissue)
    reissuing.wait_done()
    scan = Held(app, _scan(event.id, staff.id, old_token))
    scan.wait_blocked_or_done()
    reissuing.commit()  # the new ticket exists from here on
    scan.wait_done()
    scan.commit()
    assert _check_ins([registration_id]) == 0, "the old QR checked in after the reissue committed"
    assert isinstance(scan.error, services.InvalidTicket)
    # and the new ticket works
    new_token = signer().token_for(reissuing.outcome)
    after = Held(app, _scan(event.id, staff.id, new_token))
    after.wait_done()
    after.commit()
    assert after.error is None and _check_ins([registration_id]) == 1


def test_a_reissue_waits_for_a_scan_of_the_old_ticket_in_flight(
    app, door, make_checkin_registration, ticket_token
):
    """Scan first: the check-in on the old ticket stands (it was valid when it was made); the
    reissue waits for it, and the old ticket is refused from then on."""
    event, owner, staff = door
    registration = make_checkin_registration(event)
    registration_id, old_token = registration.id, ticket_token(registration)

    scan = Held(app, _scan(event.id, staff.id, old_token))
    scan.wait_done()

    def reissue(session: Session):
        return registration_services.reissue_ticket(
            session, registration=session.get(Registration, registration_id), actor=None, now=utcnow()
        ).ticket_secret

    reissuing = Held(app, reissue)
    assert reissuing.wait_blocked_or_done() == "blocked", "the reissue did not wait for the scan"
    scan.commit()
    reissuing.wait_done()
    reissuing.commit()
    assert scan.error is None and _check_ins([registration_id]) == 1
    again = Held(app, _scan(event.id, staff.id, old_token))
    again.wait_done()
    again.commit()
    assert isinstance(again.error, services.InvalidTicket)


# --- reject (events that need approval) ---------------------------------------------------------


def test_a_reject_in_flight_never_undoes_an_approval_the_door_relies_on(
    app, door, make_checkin_registration, ticket_token
):
    """A pending ticket is refused at the door and a confirmed one is never rejectable, so
    the race that matters is a reject queued behind an approval: once the approval commits,
    the reject must see "confirmed" and be refused, and the scan then checks in. Fails
    without the reject's event lock (it reads "pending" before the approval commits, then
    writes "rejected" over it, and the person who was told "approved" is turned away)."""
    event, owner, staff = door
    registration = make_checkin_registration(event, status="pending")
    registration_id, token = registration.id, ticket_token(registration)

    def approve(session: Session):
        return registration_services.approve(
            session, registration=session.get(Registration, registration_id), actor=None, now=utcnow()
        )

    def reject(session: Session):
        return registration_services.reject(
            session, registration=session.get(Registration, registration_id), actor=None, now=utcnow()
        )

    early = Held(app, _scan(event.id, staff.id, token))  # still pending: refused, locks nothing
    early.wait_done()
    early.commit()
    assert getattr(early.error, "code", None) == "not_confirmed"

    approving = Held(app, approve)
    approving.wait_done()
    rejecting = Held(app, reject)
    assert rejecting.wait_blocked_or_done() == "blocked", "the reject did not wait for the approval"
    approving.commit()
    rejecting.wait_done()
    scan = Held(app, _scan(event.id, staff.id, token))
    scan.wait_blocked_or_done()
    rejecting.commit()
    scan.wait_done()
    scan.commit()
    status, checked_in = _status(registration_id), _check_ins([registration_id])
    assert not (status == RegistrationStatus.REJECTED and checked_in), "a rejected person is checked in"
    assert status == RegistrationStatus.CONFIRMED, "a reject overwrote an approval it never saw"
    assert getattr(rejecting.error, "code", None) == "not_pending"
    assert scan.error is None and checked_in == 1


# --- merge -------------------------------------------------------------------------------------


def _duplicates(make_checkin_registration, event) -> tuple[int, int, int, int]:
    """Two records of one person, both confirmed for ``event``: (keep, drop, keep's
    registration, drop's registration)."""
    kept = make_checkin_registration(event, first_name="สมหญิง", last_name="รักดี")
    dropped = make_checkin_registration(event, first_name="สมหญิง", last_name="รักดี")
    return kept.volunteer_id, dropped.volunteer_id, kept.id, dropped.id


def _merge(app, keep_id: int, drop_id: int) -> Callable[[Session], Any]:
    def work(session: Session):
        return volunteer_services.merge_volunteers(
            session, keep=session.get(Volunteer, keep_id), drop=session.get(Volunteer, drop_id),
            cipher=app.extensions["eventsys.id_cipher"], actor=None, now=utcnow(),
        )  # fmt: skip

    return work


def test_a_merge_keeps_a_check_in_a_scan_is_committing(app, door, make_checkin_registration, ticket_token):
    """Scan of the duplicate's ticket first; the merge must count that check-in (and keep it,
    moved to the surviving registration), not delete its registration under it (the
    check-ins' foreign key cascades: without the merge's row locks the check-in is lost)."""
    event, owner, staff = door
    keep_id, drop_id, kept_registration, dropped_registration = _duplicates(make_checkin_registration, event)
    token = ticket_token(db.session.get(Registration, dropped_registration))

    scan = Held(app, _scan(event.id, staff.id, token))
    scan.wait_done()
    assert scan.error is None
    merging = Held(app, _merge(app, keep_id, drop_id))
    merging.wait_blocked_or_done()
    scan.commit()
    merging.wait_done()
    merging.commit()
    assert merging.error is None, merging.error
    db.session.rollback()
    survivors = list(db.session.scalars(select(Registration.id).where(Registration.volunteer_id == keep_id)))
    assert len(survivors) == 1
    assert _check_ins(survivors) == 1, "the merge lost a check-in made while it ran"


def test_a_scan_of_the_removed_duplicate_waits_for_the_merge_and_is_refused(
    app, door, make_checkin_registration, ticket_token
):
    """Merge first: a scan of the ticket of the registration the merge removes waits, then
    finds no ticket; the surviving registration's ticket checks in."""
    event, owner, staff = door
    keep_id, drop_id, kept_registration, dropped_registration = _duplicates(make_checkin_registration, event)
    tokens = {
        r: ticket_token(db.session.get(Registration, r)) for r in (kept_registration, dropped_registration)
    }
    merging = Held(app, _merge(app, keep_id, drop_id))
    merging.wait_done()
    assert merging.error is None, merging.error
    removed = merging.outcome["combined"][0]["removed"]
    kept = merging.outcome["combined"][0]["kept"]
    scan = Held(app, _scan(event.id, staff.id, tokens[removed]))
    scan.wait_blocked_or_done()
    merging.commit()
    scan.wait_done()
    scan.commit()
    assert isinstance(scan.error, services.InvalidTicket)
    assert _check_ins([kept, removed]) == 0
    after = Held(app, _scan(event.id, staff.id, tokens[kept]))
    after.wait_done()
    after.commit()
    assert after.error is None and _check_ins([kept]) == 1
