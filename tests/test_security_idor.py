"""Object-level authorization: swapping an ID in a URL never reaches someone else's object.

Two worlds are built: organizer A with event A and everything that hangs off it (agenda,
questions, staff, registrations, check-ins, certificates, jobs, an outbox message) and
organizer B with the same. Then every URL rule with an ID-like parameter, page or API, is
requested with B's IDs (or with A's event and B's child object, or with a link token of A's
tampered to name B's registration) by organizer A and by A's door staff, for every method
the rule allows: each answer must be 403 or 404, and after each POST B's data must be as
it was. Staff of A are also refused every organizer-only route of their own event A.

:data:`SWAPS` says, per endpoint, how to build the URLs; an endpoint with an ID parameter
that is neither there nor in :data:`PUBLIC_BY_DESIGN` fails
``test_every_route_with_an_id_is_covered``, so a new route cannot skip the check.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from eventsys.accounts.models import ApiToken, Role, User
from eventsys.accounts.services import create_token
from eventsys.db import db
from tests.conftest import PASSWORD

# --- what counts as an ID, and what is public on purpose -----------------------------------------

#: path parameters that choose among fixed values (a format, a verb, a status), not an object
CHOICE_PARAMS = {"kind", "status", "action", "direction"}

#: endpoints with an ID-like parameter that anyone may open, and why
PUBLIC_BY_DESIGN = {
    "events.detail": "the public event page, by slug: published and closed events only",
    "events.calendar": "the public event's calendar file, by slug: published and closed events only",
    "registration.register": "the public registration form, by slug: published events, window open",
    "api.create_registration": "public self-registration through the API: same rules as the form",
    "certificates.verify": "verification by the certificate's unguessable code: a masked name only",
    "registration.verify": "the code step, by the verification's unguessable id: masked destinations only",
    "registration.resend_code": "a new code to the contacts on file, by the verification's unguessable id",
    "registration.ask_review": "hands the claim to the organizer, by the verification's unguessable id",
    "registration.identity_held": "a fixed message on a public event, by slug",
    "registration.lost_ticket": "the same answer whoever is typed; the link goes to the contact on file",
    "api.check_verification": "the code step, by the verification's unguessable id; the code is the proof",
    "api.resend_verification": "a new code to the contacts on file, by the verification's unguessable id",
    "api.ticket_recovery": "always 202 sent_if_registered; the link goes to the contact on file",
    "privacy.notice": "a published privacy notice, by its version: public text",
    "site.set_language": "the parameter is a language code, not an object",
}


# --- the two worlds ----------------------------------------------------------------------------


@dataclass
class World:
    """One organizer's event and every object the routes reach."""

    owner: User
    staff: User  #: door staff assigned to this event only
    event: Any
    session: Any  #: an agenda session
    question: Any  #: the first of two questions
    registration: Any  #: confirmed, checked in, certificate issued
    latecomer: Any  #: confirmed and checked in after certificates were issued (none yet)
    newcomer: Any  #: confirmed, not checked in
    check_in: Any  #: the registration's whole-event check-in
    certificate: Any
    certificate_job: Any  #: a finished bulk-certificates job with its file
    import_job: Any  #: a finished volunteer import with its report
    outbox_name: str  #: an e-mail in the admins' outbox
    review: Any  #: an identity check waiting for the organizer
    failed_mail: Any  #: the registration's e-mail job, failed (admins may send it again)
    event_id: int = field(init=False)
    volunteer_id: int = field(init=False)

    def __post_init__(self):
        # plain ids for the snapshot, read while the objects are loaded
        self.event_id, self.volunteer_id = self.event.id, self.registration.volunteer_id

    @property
    def volunteer(self):
        return self.registration.volunteer


def _ticket(registration) -> str:
    from eventsys.registration.tickets import signer

    return signer().token_for(registration.ticket_secret)


def _manage_token(registration) -> str:
    from eventsys.registration.tickets import signer

    return signer().manage_token(registration.id, registration.ticket_secret)


def _their_id_my_signature(them: World, me: World) -> str:
    """A's manage token with the id part changed to B's registration."""
    _my_id, _dash, my_signature = _manage_token(me.registration).partition("-")
    return f"{them.registration.id}-{my_signature}"


def _their_secret_my_signature(them: World, me: World) -> str:
    """A's ticket token with the secret part changed to B's."""
    _my_secret, _dot, my_signature = _ticket(me.registration).partition(".")
    return f"{them.registration.ticket_secret}.{my_signature}"


@pytest.fixture
def build_world(app, now, make_user, make_event, make_checkin_registration, make_check_in, assign_staff):
    from eventsys.certificates import tasks as certificate_tasks
    from eventsys.certificates.services import issue_certificates
    from eventsys.events.models import QuestionKind
    from eventsys.events.services import QuestionData, add_question
    from eventsys.files import current_store
    from eventsys.jobs.services import create_job, mark_done, mark_failed
    from eventsys.registration.models import IdentityReview
    from eventsys.volunteers.tasks import report_key

    def build(label: str) -> World:
        owner = make_user("organizer", email=f"owner-{label}@example.org")
        staff = make_user("staff", email=f"staff-{label}@example.org")
        event = make_event(owner=owner, sessions=2, capacity=50, title=f"งานของ {label}")
        assign_staff(staff, event)
        for text in ("อาหารที่แพ้", "ขนาดเสื้อ"):
            add_question(
                db.session,
                event=event,
                data=QuestionData(label=text, kind=QuestionKind.SHORT_TEXT),
                actor=owner,
                now=now,
            )
        db.session.commit()
        registration = make_checkin_registration(event, first_name=f"ผู้เข้าร่วม{label}")
        check_in = make_check_in(registration)
        (certificate,) = issue_certificates(db.session, event=event, actor=owner, now=now)
        db.session.commit()
        latecomer = make_checkin_registration(event)
        make_check_in(latecomer)
        newcomer = make_checkin_registration(event)

        certificate_job = create_job(
            db.session, kind="certificates_bulk", params={"event_id": event.id, "output": "zip"}, actor=owner
        )
        mark_done(certificate_job, result={"count": 1}, now=now)
        import_job = create_job(
            db.session,
            kind="volunteer_import",
            params={"key": "volunteer_imports/gone.csv", "filename": "people.csv", "language": "th"},
            actor=owner,
        )
        row = {"number": 2, "status": "skipped", "reason": "no name", "name": "", "volunteer_id": None}
        mark_done(
            import_job,
            result={
                "counts": {"created": 0, "updated": 0, "unchanged": 0, "skipped": 1},
                "fields": ["first_name"],
                "filename": "people.csv",
                "rows": [row],
            },
            now=now,
        )
        review = IdentityReview(
            event_id=event.id,
            volunteer_id=newcomer.volunteer_id,
            reason="no_contact",
            submission={},
            created_at=now,
        )
        db.session.add(review)
        mail_params = {"registration_id": registration.id, "notice": "confirmed"}
        failed_mail = create_job(db.session, kind="registration_mail", params=mail_params)
        mark_failed(failed_mail, error="SMTPRecipientsRefused", now=now)
        db.session.commit()
        store = current_store()
        store.put(
            certificate_tasks.export_key(event.id, certificate_job.id, "zip"), b"PK\x05\x06" + bytes(18)
        )
        store.put(report_key(import_job.id), json.dumps([{**row, "values": {"first_name": ""}}]).encode())
        outbox_name = f"v{registration.volunteer_id}-{uuid.uuid4().hex}"
        store.put(
            f"outbox/{outbox_name}.eml",
            (
                f"To: {registration.volunteer.email or 'person@example.org'}\nSubject: ticket {label}\n"
                "Date: Thu, 12 Nov 2015 10:00:00 +0700\nContent-Type: text/plain; charset=utf-8\n\nbody\n"
            ).encode(),
        )
        db.session.commit()
        return World(
            owner=owner,
            staff=staff,
            event=event,
            session=event.sessions[0],
            question=sorted(event.questions, key=lambda q: q.position)[0],
            registration=registration,
            latecomer=latecomer,
            newcomer=newcomer,
            check_in=check_in,
            certificate=certificate,
            certificate_job=certificate_job,
            import_job=import_job,
            outbox_name=outbox_name,
            review=review,
            failed_mail=failed_mail,
        )

    return build


@pytest.fixture
def worlds(build_world) -> tuple[World, World]:
    return build_world("A"), build_world("B")


@dataclass
class Actor:
    """A logged-in browser (pages) that also holds a bearer token (API)."""

    name: str
    user: User
    client: FlaskClient
    token: str

    def send(self, method: str, url: str, **kwargs):
        if url.startswith("/api/"):
            kwargs["headers"] = {**kwargs.get("headers", {}), "Authorization": f"Bearer {self.token}"}
        return self.client.open(url, method=method, **kwargs)


@pytest.fixture
def actor(app, client):
    """``actor(name, user)``: a fresh client logged in as ``user``, with an API token."""

    def make(name: str, user: User) -> Actor:
        browser = app.test_client()  # a FreshContextClient, like ``client``
        response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, (name, response.status_code)
        db.session.rollback()
        token = create_token(db.session, user=db.session.get(User, user.id))
        db.session.commit()
        return Actor(name, user, browser, token)

    return make


# --- the table ---------------------------------------------------------------------------------


Values = Callable[["World", "World"], list[dict[str, Any]]]
Body = Callable[["World", "World"], dict[str, Any]]


def _no_body(them: World, me: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Swap:
    """``values(them, me)``: URL values naming B's objects (``them``), possibly beside A's own
    (``me``); with ``them`` as ``me`` too they are B's own working URLs (the admin's control).
    ``body(them, me)``: keyword arguments for a POST (``data=`` form or ``json=``)."""

    values: Values
    body: Body = _no_body
    #: answers that count as refused (a genuine ticket of another event is "wrong_event", 409)
    refused: tuple[int, ...] = (403, 404)
    #: the volunteer registry is shared by every organizer by design: only staff are refused
    organizers_share: bool = False


def _event(them: World, me: World) -> list[dict[str, Any]]:
    return [{"event_id": them.event.id}]


def _api_event(them: World, me: World) -> list[dict[str, Any]]:
    return [{"id": them.event.id}]


def _in_their_event_and_mine(name: str, attribute: str, **extra) -> Values:
    """B's child object under B's event, and under A's own event."""

    def values(them: World, me: World) -> list[dict[str, Any]]:
        child = getattr(them, attribute).id
        return [
            {"event_id": them.event.id, name: child, **extra},
            {"event_id": me.event.id, name: child, **extra},
        ]

    return values


def _form(**fields) -> Body:
    return lambda them, me: {"data": fields}


EVENT_FORM = {
    "title": "ยึดงาน",
    "starts_at": "2015-11-12T10:00",
    "ends_at": "2015-11-12T16:00",
}
DESIGN_FORM = {
    "title": "ยึดงาน",
    "body": "{name}",
    "language": "th",
    "paper": "A4-landscape",
    "serial_pattern": "{n}",
    "eligibility": "event",
}
PERSON_FORM = {"first_name": "บุกรุก", "last_name": "ทดสอบ", "phone": "0899999999"}

#: endpoint → how to aim it at B's objects; in the lambdas ``t`` is them (B), ``m`` is me (A)
SWAPS: dict[str, Swap] = {
    # events: the organizer console
    "events.manage": Swap(_event),
    "events.edit": Swap(_event, _form(**EVENT_FORM)),
    "events.set_status": Swap(lambda t, m: [{"event_id": t.event.id, "status": "closed"}]),
    "events.duplicate": Swap(_event),
    "events.add_session": Swap(
        _event,
        _form(
            **{
                "session-title": "x",
                "session-starts_at": "2015-11-12T10:00",
                "session-ends_at": "2015-11-12T11:00",
            }
        ),
    ),
    "events.delete_session": Swap(_in_their_event_and_mine("session_id", "session")),
    "events.edit_session": Swap(
        _in_their_event_and_mine("session_id", "session"),
        _form(title="ยึดงาน", starts_at="2015-11-12T10:00", ends_at="2015-11-12T11:00"),
    ),
    "events.edit_question": Swap(
        _in_their_event_and_mine("question_id", "question"), _form(label="ยึดงาน", kind="short_text")
    ),
    "events.delete": Swap(_event, _form(confirm="y")),
    "events.add_question": Swap(_event, _form(**{"question-label": "x", "question-kind": "short_text"})),
    "events.delete_question": Swap(_in_their_event_and_mine("question_id", "question")),
    "events.move_question": Swap(_in_their_event_and_mine("question_id", "question", direction="down")),
    "events.add_staff": Swap(_event, lambda t, m: {"data": {"staff-email": m.staff.email}}),
    "events.remove_staff": Swap(_in_their_event_and_mine("user_id", "staff")),
    # registrations: the organizer's table and actions
    "registration.registrations": Swap(_event),
    "registration.registration_action": Swap(
        _in_their_event_and_mine("registration_id", "registration", action="cancel")
    ),
    "registration.export": Swap(lambda t, m: [{"event_id": t.event.id, "kind": k} for k in ("csv", "xlsx")]),
    "registration.outbox_message": Swap(lambda t, m: [{"name": t.outbox_name}]),  # admins only
    "registration.retry_delivery": Swap(lambda t, m: [{"job_id": t.failed_mail.id}]),  # admins only
    # the person's own links: A's token with B's registration id / ticket secret put in
    "registration.manage": Swap(lambda t, m: [{"token": _their_id_my_signature(t, m)}]),
    "registration.update_contact": Swap(
        lambda t, m: [{"token": _their_id_my_signature(t, m)}],
        _form(phone="0811111111", email="taken@example.org", language="th"),
    ),
    "registration.cancel": Swap(lambda t, m: [{"token": _their_id_my_signature(t, m)}]),
    "registration.reissue": Swap(lambda t, m: [{"token": _their_id_my_signature(t, m)}]),
    "privacy.update_consents": Swap(
        lambda t, m: [{"token": _their_id_my_signature(t, m)}], _form(consent_photos="y")
    ),
    "registration.identity_reviews": Swap(_event),
    "registration.decide_identity_review": Swap(
        _in_their_event_and_mine("review_id", "review", decision="confirm")
    ),
    "registration.ticket_png": Swap(lambda t, m: [{"token": _their_secret_my_signature(t, m)}]),
    "registration.ticket_svg": Swap(lambda t, m: [{"token": _their_secret_my_signature(t, m)}]),
    "registration.ticket_card": Swap(lambda t, m: [{"token": _their_secret_my_signature(t, m)}]),
    "certificates.manage_download": Swap(lambda t, m: [{"token": _their_id_my_signature(t, m)}]),
    # check-in at the door (organizers and staff) and the organizer's live attendance
    "checkin.scanner": Swap(
        lambda t, m: [{"event_id": t.event.id}, {"event_id": m.event.id, "session": t.session.id}]
    ),
    "checkin.walk_in": Swap(_event, _form(**PERSON_FORM)),
    "checkin.tickets": Swap(_event),
    "checkin.search": Swap(lambda t, m: [{"event_id": t.event.id, "q": t.registration.volunteer.first_name}]),
    "checkin.manual": Swap(
        lambda t, m: [{"event_id": t.event.id}, {"event_id": m.event.id}],
        lambda t, m: {"json": {"registration_id": t.newcomer.id}},
    ),
    "checkin.kiosk": Swap(_event),
    "checkin.kiosk_start": Swap(_event),
    "checkin.open_early": Swap(_event),
    "checkin.kiosk_screen": Swap(_event),
    "checkin.kiosk_scan": Swap(
        lambda t, m: [{"event_id": t.event.id}, {"event_id": m.event.id}],
        lambda t, m: {"json": {"token": _ticket(t.newcomer)}},
        refused=(403, 404, 409),
    ),
    "checkin.live": Swap(_event),
    "checkin.live_data": Swap(_event),
    "checkin.export_csv": Swap(_event),
    "checkin.export_xlsx": Swap(_event),
    # certificates and printed documents
    "certificates.design": Swap(_event, _form(**DESIGN_FORM)),
    "certificates.preview": Swap(_event, _form(**DESIGN_FORM)),
    "certificates.issue": Swap(_event),
    "certificates.revoke": Swap(_in_their_event_and_mine("certificate_id", "certificate"), _form(reason="x")),
    "certificates.download": Swap(_in_their_event_and_mine("certificate_id", "certificate")),
    "certificates.bulk": Swap(_event, _form(output="zip")),
    "certificates.email": Swap(_event),
    "certificates.job": Swap(_in_their_event_and_mine("job_id", "certificate_job")),
    "certificates.job_file": Swap(_in_their_event_and_mine("job_id", "certificate_job")),
    "certificates.badges": Swap(_event),
    "certificates.signin_sheet": Swap(
        lambda t, m: [{"event_id": t.event.id}, {"event_id": m.event.id, "session": t.session.id}]
    ),
    "certificates.attendance": Swap(_event),
    "certificates.export": Swap(lambda t, m: [{"event_id": t.event.id, "kind": k} for k in ("csv", "xlsx")]),
    # jobs and volunteer imports: the person who started them (or an admin)
    "jobs.status": Swap(lambda t, m: [{"job_id": t.import_job.id}, {"job_id": t.certificate_job.id}]),
    "volunteers.import_job": Swap(lambda t, m: [{"job_id": t.import_job.id}]),
    "volunteers.import_errors": Swap(
        lambda t, m: [{"job_id": t.import_job.id, "kind": k} for k in ("csv", "xlsx")]
    ),
    "volunteers.import_report": Swap(lambda t, m: [{"job_id": t.import_job.id}]),
    # the volunteer registry: one table shared by all organizers (README "Roles"); admin-only
    # actions stay admin-only
    "volunteers.detail": Swap(lambda t, m: [{"volunteer_id": t.volunteer.id}], organizers_share=True),
    "volunteers.edit": Swap(
        lambda t, m: [{"volunteer_id": t.volunteer.id}], _form(**PERSON_FORM), organizers_share=True
    ),
    "volunteers.reveal_id": Swap(lambda t, m: [{"volunteer_id": t.volunteer.id}]),
    "volunteers.person_json": Swap(lambda t, m: [{"volunteer_id": t.volunteer.id}]),
    "volunteers.erase": Swap(lambda t, m: [{"volunteer_id": t.volunteer.id}]),
    # accounts: admins only (B's organizer as the account; token 1 is organizer A's own)
    "accounts.user": Swap(lambda t, m: [{"user_id": t.owner.id}]),
    "accounts.user_action": Swap(
        lambda t, m: [{"user_id": t.owner.id, "action": a} for a in ("deactivate", "reactivate", "unlock")]
    ),
    "accounts.user_role": Swap(lambda t, m: [{"user_id": t.owner.id}], _form(role="admin")),
    "accounts.user_reset_password": Swap(lambda t, m: [{"user_id": t.owner.id}]),
    "accounts.revoke_token": Swap(lambda t, m: [{"user_id": t.owner.id, "token_id": 1}]),
    # the JSON API
    "api.get_event": Swap(_event),
    "api.list_registrations": Swap(_event),
    "api.cancel_registration": Swap(
        lambda t, m: [{"registration_id": t.registration.id}], lambda t, m: {"json": {}}
    ),
    "api.reissue_registration": Swap(
        lambda t, m: [{"registration_id": t.registration.id}], lambda t, m: {"json": {}}
    ),
    "api.list_certificates": Swap(_api_event),
    "api.issue_certificates": Swap(_api_event, lambda t, m: {"json": {}}),
    "api.certificate_pdf": Swap(
        lambda t, m: [{"reference": t.certificate.serial}, {"reference": t.certificate.verification_code}]
    ),
    "api.event_attendance": Swap(_api_event),
    "api.undo_checkin": Swap(lambda t, m: [{"id": t.check_in.id}], lambda t, m: {"json": {}}),
    # no ID in the path, but one in the body: B's event
    "api.create_checkin": Swap(
        lambda t, m: [{}], lambda t, m: {"json": {"event_id": t.event.id, "token": _ticket(t.newcomer)}}
    ),
    "api.create_checkin_batch": Swap(
        lambda t, m: [{}],
        lambda t, m: {"json": {"event_id": t.event.id, "items": [{"token": _ticket(t.newcomer)}]}},
    ),
}


# --- helpers -----------------------------------------------------------------------------------


class Attempt(NamedTuple):
    who: Actor
    method: str
    url: str
    body: dict[str, Any]
    refused: tuple[int, ...]


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule


def _id_params(rule) -> set[str]:
    return set(rule.arguments) - CHOICE_PARAMS


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _snapshot(world: World) -> dict[str, Any]:
    """What B's objects look like: compared before and after every refused POST."""
    from eventsys.certificates.models import Certificate, CertificateDesign
    from eventsys.checkin.models import CheckIn
    from eventsys.events.models import AgendaSession, Event, EventStaff, Question
    from eventsys.jobs.models import Job
    from eventsys.registration.models import IdentityReview, Registration
    from eventsys.volunteers.models import Volunteer

    db.session.rollback()
    event_id = world.event_id
    event = db.session.get(Event, event_id)
    volunteer = db.session.get(Volunteer, world.volunteer_id)
    registrations = select(Registration.id).where(Registration.event_id == event_id)
    design = db.session.scalar(select(CertificateDesign).where(CertificateDesign.event_id == event_id))
    return {
        "event": (event.status, event.title, event.capacity, event.starts_at),
        "sessions": db.session.scalars(
            select(AgendaSession.id).where(AgendaSession.event_id == event_id)
        ).all(),
        "questions": db.session.execute(
            select(Question.id, Question.position).where(Question.event_id == event_id).order_by(Question.id)
        ).all(),
        "staff": db.session.scalars(select(EventStaff.user_id).where(EventStaff.event_id == event_id)).all(),
        "registrations": db.session.execute(
            select(Registration.id, Registration.status, Registration.ticket_secret)
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
        ).all(),
        "volunteer": (volunteer.first_name, volunteer.phone, volunteer.email, volunteer.erased_at),
        "identity_reviews": db.session.execute(
            select(IdentityReview.id, IdentityReview.status).where(IdentityReview.event_id == event_id)
        ).all(),
        "check_ins": sorted(
            db.session.scalars(select(CheckIn.id).where(CheckIn.registration_id.in_(registrations)))
        ),
        "certificates": db.session.execute(
            select(Certificate.id, Certificate.revoked_at)
            .where(Certificate.registration_id.in_(registrations))
            .order_by(Certificate.id)
        ).all(),
        "design": (design.title, design.body, design.serial_pattern) if design else None,
        "all_events": db.session.scalar(select(func.count()).select_from(Event)),
        "all_jobs": db.session.scalar(select(func.count()).select_from(Job)),
        "failed_jobs": sorted(db.session.scalars(select(Job.id).where(Job.status == "failed"))),
        "accounts": db.session.execute(
            select(
                User.id, User.role, User.is_active, User.session_version, User.must_change_password
            ).order_by(User.id)
        ).all(),
        "api_tokens": db.session.execute(
            select(ApiToken.id, ApiToken.revoked_at).order_by(ApiToken.id)
        ).all(),
    }


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_with_an_id_is_covered(app):
    """A new route with an ID parameter needs a row in SWAPS (or a reason in PUBLIC_BY_DESIGN)."""
    endpoints = {rule.endpoint: rule for rule in _rules(app)}
    uncovered = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule in endpoints.values()
        if _id_params(rule) and rule.endpoint not in SWAPS and rule.endpoint not in PUBLIC_BY_DESIGN
    )
    assert uncovered == [], "routes with an ID parameter but no ID-swap check: add them to SWAPS"
    stale = sorted((set(SWAPS) | set(PUBLIC_BY_DESIGN)) - set(endpoints))
    assert stale == [], "entries for endpoints that no longer exist"
    not_public = sorted(e for e in PUBLIC_BY_DESIGN if not getattr(app.view_functions[e], "is_public", False))
    assert not_public == [], "PUBLIC_BY_DESIGN lists routes that are not marked @public"
    assert not set(SWAPS) & set(PUBLIC_BY_DESIGN)


def test_no_id_swap_reaches_another_organizers_objects(app, worlds, actor, make_user):
    """Organizer A and A's staff, given B's IDs on every route and method: 403/404, nothing of
    B's changed; A's staff are also refused the organizer-only routes of their own event."""
    a, b = worlds
    organizer_a, staff_a = actor("organizer A", a.owner), actor("staff of A", a.staff)
    admin = actor("admin", make_user("admin"))
    adapter = app.url_map.bind("localhost")

    attempts: list[Attempt] = []
    controls = set()  # B's own URLs, which the admin must be able to open (GET)
    for rule in _rules(app):
        swap = SWAPS.get(rule.endpoint)
        if swap is None:
            continue
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        organizer_only = roles is not None and Role.STAFF not in roles
        # aim at B as A; A's staff also try organizer-only routes on their own event A
        aims = [(b, a, swap.refused)] + ([(a, a, (403,))] if organizer_only else [])
        for method in _methods(rule):
            for them, me, expected in aims:
                body = swap.body(them, me) if method == "POST" else {}
                for values in swap.values(them, me):
                    url = adapter.build(rule.endpoint, values, method=method)
                    if them is b and not swap.organizers_share:
                        attempts.append(Attempt(organizer_a, method, url, body, expected))
                    attempts.append(Attempt(staff_a, method, url, body, expected))
            if method == "GET":
                controls.update(adapter.build(rule.endpoint, values) for values in swap.values(b, b))

    failures = []
    before = _snapshot(b)
    for who, method, url, body, refused in attempts:
        response = who.send(method, url, **body)
        if response.status_code not in refused:
            failures.append(f"{who.name}: {method} {url} -> {response.status_code}, expected {refused}")
        if method == "POST":
            after = _snapshot(b)
            changed = sorted(key for key in before if before[key] != after[key])
            if changed:
                failures.append(f"{who.name}: {method} {url} changed B's {', '.join(changed)}")
                before = after
    assert failures == [], "\n".join(failures)

    # the URLs were real: B's own versions open for an admin (so a 404 above was a refusal)
    broken = [
        f"admin: GET {url} -> {status}"
        for url in sorted(controls)
        if (status := admin.send("GET", url).status_code) != 200
    ]
    assert broken == [], "\n".join(broken)


def test_a_personal_link_opens_only_its_own_registration(client, worlds):
    """A's manage token never cancels B's registration through the API; a certificate
    verification code one letter off names nothing."""
    from eventsys.certificates.models import Certificate
    from eventsys.registration.models import Registration, RegistrationStatus

    a, b = worlds
    mine, b_id = _manage_token(a.registration), b.registration.id
    for kwargs in ({"headers": {"X-Manage-Token": mine}}, {"json": {"manage_token": mine}}):
        response = client.post(f"/api/v1/registrations/{b_id}/cancel", **kwargs)
        assert response.status_code == 403, (kwargs, response.status_code)
    db.session.rollback()
    assert db.session.get(Registration, b_id).status == RegistrationStatus.CONFIRMED

    code = b.certificate.verification_code
    known = set(db.session.scalars(select(Certificate.verification_code)))
    altered = next(c for c in (code[:-1] + x for x in "ABCDEFGH") if c not in known)
    assert client.get(f"/verify/{altered}").status_code == 404
    assert client.get(f"/verify/{code}").status_code == 200

    # a token does work on its own registration, so the refusals above were real (A's
    # newcomer: A's checked-in registration is not cancelled until the check-in is undone)
    response = client.post(
        f"/api/v1/registrations/{a.newcomer.id}/cancel", headers={"X-Manage-Token": _manage_token(a.newcomer)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    refused = client.post(
        f"/api/v1/registrations/{a.registration.id}/cancel", headers={"X-Manage-Token": mine}
    )
    assert (refused.status_code, refused.json["error"]) == (409, "checked_in")


def test_a_scan_id_from_another_event_reveals_nothing_of_it(worlds, actor):
    """A scan's client id is an ID too: re-using one recorded at event B, while scanning a
    ticket of event A, must not answer with B's check-in (name, organization, staff)."""
    import uuid

    a, b = worlds
    staff_a, staff_b = actor("staff of A", a.staff), actor("staff of B", b.staff)
    client_id = str(uuid.uuid4())
    scan_b = {"event_id": b.event.id, "token": _ticket(b.newcomer), "client_id": client_id}
    first = staff_b.send("POST", "/api/v1/checkins", json=scan_b)
    assert first.status_code == 200 and first.json["result"] == "checked_in"
    resent = staff_b.send("POST", "/api/v1/checkins", json=scan_b)  # a genuine re-send still answers
    assert (resent.json["result"], resent.json["id"]) == ("checked_in", first.json["id"])
    reused = [
        staff_a.send(
            "POST",
            "/api/v1/checkins",
            json={"event_id": a.event.id, "token": _ticket(a.newcomer), "client_id": client_id},
        ),
        staff_a.send(
            "POST",
            "/api/v1/checkins/batch",
            json={"event_id": a.event.id, "items": [{"token": _ticket(a.newcomer), "client_id": client_id}]},
        ),
        staff_a.send(
            "POST",
            f"/checkin/{a.event.id}/manual",
            json={"registration_id": a.newcomer.id, "client_id": client_id},
        ),
    ]
    for response in reused:  # refused ("scan again" gets a new client id), nothing of B's
        for answer in response.json.get("results", [response.json]):
            assert answer.get("error") == "retry", answer
            assert answer.get("id") != first.json["id"] and "attendee" not in answer, answer
