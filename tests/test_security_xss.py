"""Hostile text in every field people type, shown back everywhere (issue #7).

Each field gets its own payload: Thai with combining marks (it must still round-trip), a tag
naming the field, ``<script>``, an attribute break-out with ``<img onerror>``, a template
expression ``{{7*7}}`` and ``</style><script>``. The payloads go in through the real forms,
the JSON API and the command line; then every page that shows them must carry each payload
exactly as ``markupsafe.escape`` writes it (so the field really is shown, as text, and
``{{7*7}}`` is not 49) and never the raw markup. JSON answers carry the text verbatim, the
e-mail's HTML part escapes it while the text part keeps it, headers stay single lines,
certificates print it as text and fetch nothing, and real Chromium runs no script on the pages.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import socket
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import select

from eventsys.db import db
from tests.conftest import PASSWORD, FreshContextClient
from tests.fixtures.registration import national_id

THAI = "สมศักดิ์ ผู้น้ำใจ"  # sara am, tone marks and a thanthakhat: must come back unchanged
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
STYLE = "</style><script>"
#: for fields of at most 30 characters (ID, passport and phone numbers)
BREAK = '"><script>alert(1)</script>'
#: markup that must never reach a page as markup (no page of the app legitimately has it)
RAW = (SCRIPT, "<img src=x onerror", STYLE, "<script>alert")
#: fields of 60–80 characters get the short payload
SHORT = {"p-prefix", "p-net", "v-prefix", "v-net", "w-prefix", "a-net", "query"}


def payload(tag: str) -> str:
    """The hostile text typed into the field ``tag``."""
    if tag in SHORT:
        return f'น้ำใจ{tag}">{SCRIPT}{TEMPLATE}'
    return f"{THAI} {tag}{SCRIPT}{IMG}{TEMPLATE}{STYLE}"


def email_of(who: str) -> str:
    """A valid address that still carries ``'``, ``&`` and a template expression."""
    return f"{who}.o'neil&{TEMPLATE}@example.org"


def problems(body: str, tags=(), emails=()) -> list[str]:
    """What is wrong with a page: raw markup, or a field not shown in its escaped form."""
    found = [f"raw {raw!r}" for raw in RAW if raw in body]
    found += [f"{tag} not shown escaped" for tag in tags if str(escape(payload(tag))) not in body]
    found += [f"{who} e-mail not shown escaped" for who in emails if str(escape(email_of(who))) not in body]
    return found


def local(delta: timedelta) -> str:
    """A wall-clock time in Thailand as the console's datetime-local fields take it."""
    return (datetime.now(ZoneInfo("Asia/Bangkok")) + delta).strftime("%Y-%m-%dT%H:%M")


def event_form(starts_in: timedelta = timedelta(days=10), hours: int = 6, **changes) -> dict:
    """The console's event form, every text field hostile."""
    starts = {"starts_at": local(starts_in), "ends_at": local(starts_in + timedelta(hours=hours))}
    return {**EVENT_FORM, **starts, **changes}


def logged_in(app, email: str) -> FreshContextClient:
    app.test_client_class = FreshContextClient
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def create_user(runner, email: str, role: str, name: str) -> None:
    """Accounts and their display names are made on the command line (there is no form)."""
    result = runner.invoke(
        args=["create-user", email, "--role", role, "--password", PASSWORD, "--name", name]
    )
    assert result.exit_code == 0, result.output


def moved(response, status: int = 302) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


# --- one event with hostile text in every field, entered through the app ------------------------


@dataclass
class World:
    event_id: int = 0
    slug: str = ""
    session_id: int = 0
    manage_path: str = ""  #: the self-registered person's /r/<token>
    person_id: int = 0  #: the self-registered person's volunteer record
    volunteer_id: int = 0
    twin_id: int = 0  #: a second record with the same (hostile) name: a likely duplicate
    certificate_code: str = ""  #: a valid certificate
    revoked_code: str = ""  #: revoked with a hostile reason
    outbox: Path = field(default_factory=Path)
    check_in_answer: dict = field(default_factory=dict)
    q: str = quote(payload("query"))
    bad_code: str = quote(IMG)
    clients: dict = field(default_factory=dict)


EVENT_FORM = {
    "title": payload("ev-title"),
    "description": payload("ev-desc"),
    "venue": payload("ev-venue"),
    "address": payload("ev-addr"),
    "map_url": "https://maps.example/?q=" + IMG,
    "organizer_unit": payload("ev-unit"),
    "capacity": "50",
    "waitlist_enabled": "y",
}


@pytest.fixture
def world(app, client, runner) -> World:
    from eventsys.certificates.models import Certificate
    from eventsys.registration.models import Registration
    from eventsys.volunteers.models import Volunteer

    w = World(outbox=Path(app.instance_path) / "outbox")
    create_user(runner, "admin@example.org", "admin", payload("admin-name"))
    create_user(runner, "staff@example.org", "staff", payload("staff-name"))
    admin = logged_in(app, "admin@example.org")
    staff = logged_in(app, "staff@example.org")
    w.clients = {"public": client, "admin": admin, "staff": staff}

    # the organizer console: event, agenda item, questions, door staff, publish
    w.event_id = int(moved(admin.post("/manage/events/new", data=event_form())).rsplit("/", 1)[1])
    base = f"/manage/events/{w.event_id}"
    moved(admin.post(f"{base}/sessions", data={
        "session-title": payload("ses-title"), "session-room": payload("ses-room"),
        "session-speakers": payload("ses-speakers"),
        "session-starts_at": local(timedelta(days=10)), "session-ends_at": local(timedelta(days=10, hours=2)),
    }))  # fmt: skip
    moved(admin.post(f"{base}/questions", data={
        "question-label": payload("q-text"), "question-kind": "short_text",
    }))  # fmt: skip
    moved(admin.post(f"{base}/questions", data={
        "question-label": payload("q-choice"), "question-kind": "single_choice",
        "question-options": payload("q-opt1") + "\n" + payload("q-opt2"),
    }))  # fmt: skip
    moved(admin.post(f"{base}/staff", data={"staff-email": "staff@example.org"}))
    moved(admin.post(f"{base}/status/published"))
    db.session.rollback()
    from eventsys.events.models import Event

    event = db.session.get(Event, w.event_id)
    assert event.title == payload("ev-title")  # stored as typed
    w.slug, w.session_id = event.slug, event.sessions[0].id
    questions = {q.label: q.key for q in event.questions}

    # a person registers on the public form …
    person = {
        "prefix": payload("p-prefix"), "first_name": payload("p-first"), "last_name": payload("p-last"),
        "national_id": national_id(7001), "phone": "0812345678", "email": email_of("p"), "province": "10",
        "organization": payload("p-org"), "network_type": payload("p-net"), "consent": "y",
        f"q_{questions[payload('q-text')]}": payload("p-answer"),
        f"q_{questions[payload('q-choice')]}": payload("q-opt2"),
    }  # fmt: skip
    w.manage_path = moved(client.post(f"/e/{w.slug}/register", data=person)).split("?")[0]
    # … another through the JSON API
    api = client.post(f"/api/v1/events/{w.event_id}/registrations", json={
        "prefix": "นาง", "first_name": payload("a-first"), "last_name": payload("a-last"),
        "phone": "0898765432", "email": email_of("a"), "province": "เชียงใหม่",
        "organization": payload("a-org"), "network_type": payload("a-net"), "consent": True,
        "answers": {questions[payload("q-text")]: payload("a-answer")},
    })  # fmt: skip
    assert api.status_code == 201, api.get_json()

    # the volunteer registry's own form, twice with the same name (a likely duplicate)
    volunteer = {
        "prefix": payload("v-prefix"), "first_name": payload("v-first"), "last_name": payload("v-last"),
        "first_name_en": payload("v-first-en"), "last_name_en": payload("v-last-en"),
        "national_id": national_id(7002), "phone": "0823456789", "email": email_of("v"),
        "province": "50", "district": payload("v-district"), "organization": payload("v-org"),
        "position": payload("v-position"), "network_type": payload("v-net"), "language": "th", "consent": "y",
    }  # fmt: skip
    w.volunteer_id = int(moved(admin.post("/volunteers/new", data=volunteer)).rstrip("/").rsplit("/", 1)[1])
    twin = {**volunteer, "national_id": "", "phone": "0834567890", "email": ""}
    w.twin_id = int(moved(admin.post("/volunteers/new", data=twin)).rstrip("/").rsplit("/", 1)[1])

    # door staff: a walk-in, then the first person checked in to the event and the session
    # (the event is days ahead: the door is opened early first)
    moved(staff.post(f"/checkin/{w.event_id}/open-early"))
    moved(staff.post(f"/checkin/{w.event_id}/walk-in", data={
        "prefix": payload("w-prefix"), "first_name": payload("w-first"), "last_name": payload("w-last"),
        "phone": "0845678901", "province": "10", "organization": payload("w-org"),
    }))  # fmt: skip
    db.session.rollback()
    registrations = {
        r.volunteer.first_name: r
        for r in db.session.scalars(select(Registration).where(Registration.event_id == w.event_id))
    }
    mine = registrations[payload("p-first")]
    w.person_id = mine.volunteer_id
    for session_id in (None, w.session_id, None):  # the third scan: "already checked in by …"
        answer = staff.post(
            f"/checkin/{w.event_id}/manual", json={"registration_id": mine.id, "session_id": session_id}
        )
        assert answer.status_code == 200, answer.get_json()
    w.check_in_answer = answer.get_json()
    assert w.check_in_answer["result"] == "already_checked_in"

    # certificates: a hostile design, issued to both people checked in, one revoked
    certificates = f"{base}/certificates"
    assert admin.get(certificates).status_code == 200  # creates the default design
    moved(admin.post(certificates, data={
        "title": payload("c-title"), "body": payload("c-body") + " {name} {event}", "language": "th",
        "paper": "A4-landscape", "serial_pattern": "พม. {n:04d}/{be_year}", "eligibility": "event",
        "signatories-0-name": payload("c-signer"), "signatories-0-position": payload("c-position"),
    }))  # fmt: skip
    moved(admin.post(f"{certificates}/issue", data={"confirm_early": "y"}))  # before the event
    db.session.rollback()
    issued = {c.registration.volunteer.first_name: c for c in db.session.scalars(select(Certificate))}
    assert set(issued) == {payload("p-first"), payload("w-first")}
    revoked = issued[payload("w-first")]
    moved(admin.post(f"{certificates}/{revoked.id}/revoke", data={"reason": payload("c-reason")}))
    w.certificate_code = issued[payload("p-first")].verification_code
    w.revoked_code = revoked.verification_code
    assert db.session.get(Volunteer, w.volunteer_id).first_name == payload("v-first")
    return w


EVENT_FIELDS = ("ev-title", "ev-desc", "ev-venue", "ev-addr", "ev-unit")
EVENT_PAGE = (*EVENT_FIELDS, "ses-title", "ses-room")
QUESTIONS = ("q-text", "q-choice", "q-opt1", "q-opt2")
PERSON = ("p-prefix", "p-first", "p-last")
API_PERSON = ("a-first", "a-last", "a-org")
WALK_IN = ("w-prefix", "w-first", "w-last", "w-org")
VOLUNTEER = ("v-prefix", "v-first", "v-last", "v-first-en", "v-last-en", "v-org", "v-net")
CONSOLE_EVENT = ("ev-title", "ev-venue", "ses-title", "ses-room", *QUESTIONS, "staff-name", "p-net", "a-net")
REGISTRATIONS = ("ev-title", *PERSON, "p-org", *API_PERSON, *WALK_IN, "p-net", "a-net")
CERTIFICATES = ("ev-title", "ses-title", "c-title", "c-body", "c-signer", "c-position", *PERSON, "w-first")

#: (who looks, path, fields that page must show escaped, e-mail addresses it shows)
PAGES = [
    ("public", "/", ("ev-title", "ev-venue"), ()),
    ("public", "/e/{slug}", EVENT_PAGE, ()),
    ("public", "/e/{slug}/register", ("ev-title", *QUESTIONS), ()),
    ("public", "{manage_path}", ("ev-title", "ev-venue", *PERSON, "p-org"), ("p",)),
    ("public", "/verify/{certificate_code}", ("ev-title",), ()),
    ("public", "/verify/{revoked_code}", ("ev-title", "c-reason"), ()),
    ("public", "/verify/{bad_code}", (), ()),
    ("admin", "/manage/", ("ev-title", "admin-name"), ()),
    ("admin", "/manage/events/{event_id}", CONSOLE_EVENT, ()),
    ("admin", "/manage/events/{event_id}/edit", EVENT_FIELDS, ()),
    ("admin", "/manage/events/{event_id}/registrations", REGISTRATIONS, ()),
    ("admin", "/manage/events/{event_id}/registrations?q={q}", ("query",), ()),
    ("admin", "/manage/events/{event_id}/attendance", ("ev-title",), ()),
    ("admin", "/manage/events/{event_id}/certificates", (*CERTIFICATES, "c-reason"), ()),
    ("admin", "/volunteers/", (*VOLUNTEER, *PERSON, "p-org", "a-first", "w-first"), ()),
    ("admin", "/volunteers/?q={q}&organization={q}", ("query",), ()),
    ("admin", "/volunteers/{volunteer_id}", (*VOLUNTEER, "v-district", "v-position"), ("v",)),
    ("admin", "/volunteers/{person_id}", (*PERSON, "p-org", "p-net", "ev-title", "ses-title"), ("p",)),
    ("admin", "/volunteers/{volunteer_id}/edit", (*VOLUNTEER, "v-district", "v-position"), ("v",)),
    ("admin", "/volunteers/duplicates", ("v-prefix", "v-first", "v-last", "v-org"), ()),
    ("admin", "/volunteers/merge?keep={volunteer_id}&drop={twin_id}", ("v-first", "v-last", "v-org"), ("v",)),
    ("admin", "/admin/users", ("admin-name", "staff-name"), ()),
    ("admin", "/admin/outbox", ("ev-title",), ("p", "a")),
    ("staff", "/checkin/", ("ev-title", "ev-venue", "ses-title"), ()),
    ("staff", "/checkin/{event_id}/", ("ev-title",), ()),
    ("staff", "/checkin/{event_id}/?session={session_id}", ("ev-title", "ses-title"), ()),
    ("staff", "/checkin/{event_id}/walk-in", ("ev-title",), ()),
    ("staff", "/checkin/{event_id}/kiosk", ("ev-title",), ()),
]


def test_every_page_shows_every_field_as_escaped_text(world):
    found = {}
    for who, path, tags, emails in PAGES:
        url = path.format(**vars(world))
        response = world.clients[who].get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert response.mimetype == "text/html", url
        errors = problems(response.get_data(as_text=True), tags, emails)
        if errors:
            found[f"{who} {path}"] = errors
    assert found == {}


def test_map_link_and_an_unknown_verification_code_are_escaped(world):
    public = world.clients["public"]
    page = public.get(f"/e/{world.slug}").get_data(as_text=True)
    assert f'href="{escape(EVENT_FORM["map_url"])}"' in page
    page = public.get(f"/verify/{world.bad_code}").get_data(as_text=True)
    assert str(escape(IMG)) in page and problems(page) == []


def test_each_outbox_message_shows_its_text_escaped(world):
    """The admins' outbox page of each confirmation (the walk-in gave no e-mail)."""
    admin = world.clients["admin"]
    readers = []
    for path in world.outbox.glob("*.eml"):
        page = admin.get(f"/admin/outbox/{path.stem}").get_data(as_text=True)
        who = "p" if str(escape(email_of("p"))) in page else "a"
        readers.append(who)
        shown = ("ev-title", "ev-venue", "ev-addr", f"{who}-first", f"{who}-last")
        assert problems(page, shown, (who,)) == []
    assert sorted(readers) == ["a", "p"]


# --- JSON: the text itself, never HTML --------------------------------------------------------------


def test_json_answers_carry_the_text_verbatim(world):
    staff, admin = world.clients["staff"], world.clients["admin"]
    names = {"p": "".join((payload("p-prefix"), payload("p-first"), " ", payload("p-last")))}
    answers = {
        "search": staff.get(f"/checkin/{world.event_id}/search", query_string={"q": payload("p-first")}),
        "tickets": staff.get(f"/checkin/{world.event_id}/tickets.json"),
        "attendance": admin.get(f"/manage/events/{world.event_id}/attendance.json"),
        "api": admin.get(f"/api/v1/events/{world.event_id}"),
        "registrations": admin.get(f"/api/v1/events/{world.event_id}/registrations"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert response.mimetype == "application/json", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
    [hit] = answers["search"].get_json()["results"]
    assert (hit["name"], hit["organization"]) == (names["p"], payload("p-org"))
    assert names["p"] in {t["name"] for t in answers["tickets"].get_json()["tickets"]}
    attendance = answers["attendance"].get_json()
    assert [s["title"] for s in attendance["sessions"]] == [payload("ses-title")]
    assert payload("a-org") in {m["organization"] for m in attendance["missing"]}
    event = answers["api"].get_json()
    assert (event["title"], event["description"], event["venue"]) == (
        payload("ev-title"), payload("ev-desc"), payload("ev-venue"),
    )  # fmt: skip
    items = {i["first_name"]: i for i in answers["registrations"].get_json()["items"]}
    assert list(items[payload("p-first")]["answers"].values()) == [payload("p-answer"), payload("q-opt2")]
    assert list(items[payload("a-first")]["answers"].values()) == [payload("a-answer")]
    assert items[payload("p-first")]["email"] == email_of("p")
    # the door staff's name comes back in "already checked in by …"
    assert world.check_in_answer["checked_in_by"] == payload("staff-name")
    assert world.check_in_answer["attendee"]["name"] == names["p"]


# --- input echoed back on a refused form or from the address bar -----------------------------------


def test_refused_registration_form_echoes_input_escaped(app, client, make_event):
    from eventsys.db import utcnow
    from eventsys.events.models import Question, QuestionKind

    event = make_event(starts_at=utcnow() + timedelta(days=5))
    event.questions.append(Question(key="q1", label=payload("q-text"), kind=QuestionKind.LONG_TEXT))
    db.session.commit()
    # no province: refused, and everything typed comes back in the form
    typed = {
        "prefix": payload("p-prefix"), "first_name": payload("p-first"), "last_name": payload("p-last"),
        "national_id": BREAK, "passport_no": BREAK, "phone": BREAK, "email": email_of("p"),
        "organization": payload("p-org"), "q_q1": payload("p-answer"),
    }  # fmt: skip
    response = client.post(f"/e/{event.slug}/register", data=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert problems(page, ("p-first", "p-last", "p-org", "p-answer", "q-text"), ("p",)) == []
    for name in ("national_id", "passport_no", "phone"):
        assert f'value="{escape(typed[name])}"' in page, name


def test_refused_event_form_echoes_input_escaped(app, client, make_user, login):
    login(make_user("organizer"))
    response = client.post("/manage/events/new", data=event_form(hours=-1))  # ends before it starts
    assert response.status_code == 200 and "/manage/events/new" in response.request.path
    assert problems(response.get_data(as_text=True), EVENT_FIELDS) == []


@pytest.mark.parametrize(
    "map_url",
    [
        "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>", "//evil.example/x",
    ],
)  # fmt: skip
def test_map_link_must_be_a_web_address(app, client, make_user, login, map_url):
    """The map link becomes an <a href>: only http(s) addresses are accepted."""
    login(make_user("organizer"))
    response = client.post("/manage/events/new", data=event_form(map_url=map_url))
    assert response.status_code == 200  # the form again, with the error
    assert "Map link" in response.get_data(as_text=True) or "แผนที่" in response.get_data(as_text=True)
    from eventsys.events.models import Event

    db.session.rollback()
    assert db.session.scalars(select(Event)).all() == []


def test_import_preview_and_report_show_the_file_as_text(client, make_user, login):
    """A spreadsheet is typed text too: its cells, an unknown header and its file name."""
    login(make_user("organizer"))
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["ชื่อ", "นามสกุล", "เบอร์โทรศัพท์", "หน่วยงาน", payload("i-header")])
    writer.writerow([payload("i-first"), payload("i-last"), "0851234567", payload("i-org"), "x"])
    writer.writerow([payload("i-bad"), payload("i-last"), BREAK, "", ""])  # skipped: not a phone
    filename = "<img src=x onerror=alert(1)>.csv"  # (a " would not survive the multipart header)
    upload = {"file": (io.BytesIO(sheet.getvalue().encode()), filename)}
    preview = client.post("/volunteers/import", data=upload, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert problems(page, ("i-first", "i-last", "i-org", "i-header", "i-bad")) == []
    assert str(escape(BREAK)) in page and str(escape(filename)) in page
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    job = moved(client.post("/volunteers/import/start", data={"token": token, "filename": filename}))
    page = client.get(job).get_data(as_text=True)
    assert problems(page, ("i-first", "i-last", "i-bad")) == []
    assert str(escape(filename)) in page


# --- certificate texts: placeholders only, never Python's format machinery -------------------------


@pytest.mark.parametrize(
    "field_name, text",
    [
        ("body", "{name.__class__.__mro__}"),
        ("body", "{event.__init__.__globals__}"),
        ("body", "{name[0]}"),
        ("body", "{hours:>9999999}"),
        ("serial_pattern", "{n.__class__}"),
        ("serial_pattern", "{n:09999999d}"),
    ],
)
def test_certificate_placeholders_are_plain_names(world, field_name, text):
    """``{name.__class__}`` would print Python internals on the certificate, a huge width
    builds a huge string: both are refused like an unknown placeholder."""
    from eventsys.certificates.models import CertificateDesign

    design = {
        "title": "เกียรติบัตร", "body": "ได้เข้าร่วม {event}", "language": "th", "paper": "A4-landscape",
        "serial_pattern": "{n}/{be_year}", "eligibility": "event", field_name: text,
    }  # fmt: skip
    response = world.clients["admin"].post(f"/manage/events/{world.event_id}/certificates", data=design)
    assert response.status_code == 422  # the form again, with the error
    db.session.rollback()
    saved = db.session.scalar(select(CertificateDesign))
    assert text not in (saved.body, saved.serial_pattern)


# --- e-mail ----------------------------------------------------------------------------------------

#: a line break in a title must not become a header of its own (nor a line of the .ics)
BREAK_OUT = "\r\nBcc: evil@example.org\r\nX-Injected: 1"


def _headers(raw: bytes) -> list[bytes]:
    """The header lines of a message (or part), unfolded."""
    block = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    return re.sub(rb"\r?\n[ \t]", b" ", block).splitlines()


def _ics_properties(ics: str) -> list[str]:
    """The property names of an .ics file, reading any of CR, LF or CRLF as a line end."""
    unfolded = re.sub(r"\r\n[ \t]", "", ics)
    return [line.split(":", 1)[0].split(";", 1)[0] for line in re.split(r"\r\n|\r|\n", unfolded) if line]


def test_notices_escape_html_keep_the_text_and_stay_one_line_headers(app, client, make_user, login):
    """Awaiting approval, waiting list and approval (with the QR and the .ics)."""
    from datetime import UTC

    from eventsys.accounts.services import create_token
    from eventsys.registration.models import Registration

    organizer = make_user("organizer")
    token = create_token(db.session, user=organizer)
    db.session.commit()
    starts = datetime.now(UTC) + timedelta(days=7)
    created = client.post("/api/v1/events", headers={"Authorization": f"Bearer {token}"}, json={
        "title": payload("m-title") + BREAK_OUT, "description": payload("m-desc") + "\rX-INJECTED:1",
        "venue": payload("m-venue") + BREAK_OUT, "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(), "capacity": 1, "waitlist": True,
        "requires_approval": True, "status": "published",
    })  # fmt: skip
    assert created.status_code == 201, created.get_json()
    event = created.get_json()
    first = {
        "prefix": "นาง", "first_name": payload("m-first"), "last_name": payload("m-last"),
        "phone": "0811111111", "email": email_of("m"), "province": "10", "consent": "y",
    }  # fmt: skip
    moved(client.post(f"/e/{event['slug']}/register", data=first))  # holds the seat, awaits approval
    second = {**first, "first_name": payload("n-first"), "phone": "0822222222", "email": email_of("n")}
    second["consent"] = True
    assert client.post(f"/api/v1/events/{event['id']}/registrations", json=second).status_code == 201
    db.session.rollback()
    pending = db.session.scalar(select(Registration).where(Registration.status == "pending"))
    login(organizer)
    moved(client.post(f"/manage/events/{event['id']}/registrations/{pending.id}/approve"))

    outbox = sorted((Path(app.instance_path) / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime)
    assert len(outbox) == 3, "a notice was not sent"
    kinds = []
    for path in outbox:
        raw = path.read_bytes()
        message = message_from_bytes(raw, policy=policy.default)
        names = {line.split(b":", 1)[0].lower() for line in _headers(raw)}
        assert names == {b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"}
        subject = message["Subject"]
        assert "\r" not in subject and "\n" not in subject and payload("m-title") in subject
        who = "m" if message["To"] == email_of("m") else "n"
        html = message.get_body(("html",)).get_content()
        assert problems(html, ("m-title", "m-venue", f"{who}-first", "m-last")) == []
        text = message.get_body(("plain",)).get_content()
        assert payload("m-title") in text and payload(f"{who}-first") in text  # verbatim, as text
        attachments = {part.get_filename(): part for part in message.iter_attachments()}
        if "event.ics" in attachments:
            ics = attachments["event.ics"].get_content()
            ics = ics.decode() if isinstance(ics, bytes) else ics
            properties = _ics_properties(ics)
            assert set(properties) == {
                "BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "UID", "DTSTAMP", "DTSTART",
                "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "END",
            }, properties  # fmt: skip
        kinds.append((who, sorted(attachments)))
    assert kinds == [("m", []), ("n", []), ("m", ["event.ics", "ticket-qr.png"])]


# --- certificates and other PDFs -------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The PDF's text in drawing order (the certificate's two layers overlap on the page), with
    ำ put back together (pdf.decompose_sara_am splits it)."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text.decode())


def squeezed(text: str) -> str:
    """Without white space: a long name wraps over lines in its box."""
    return "".join(text.split())


@pytest.fixture
def weasyprint_warnings():
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logging.getLogger("weasyprint").addHandler(handler)
    yield records
    logging.getLogger("weasyprint").removeHandler(handler)


def test_pdfs_print_markup_as_text_and_fetch_nothing(world, monkeypatch, weasyprint_warnings):
    """Names, titles and certificate texts holding <img>, <link> and file: URLs are printed as
    text; WeasyPrint is asked for nothing but data: URIs and the app's own files."""
    from eventsys.certificates import pdf, services

    listener = socket.create_server(("127.0.0.1", 0))  # what an outside fetch would reach
    listener.settimeout(0.2)
    address = f"http://127.0.0.1:{listener.getsockname()[1]}"
    fetch = f'<img src="{address}/x"><link rel="stylesheet" href="{address}/s.css">'
    local_file = '<img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>'
    fetched: list[str] = []
    original = pdf.LocalFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.LocalFetcher, "fetch", recording)
    services._background_cache.clear()
    admin, base = world.clients["admin"], f"/manage/events/{world.event_id}"
    title = payload("ev-title") + fetch
    moved(admin.post(f"{base}/edit", data=event_form(title=title, organizer_unit=local_file)))
    moved(admin.post(f"{base}/certificates", data={
        "title": payload("c-title"), "body": local_file + " {name} {event}", "language": "th",
        "paper": "A4-landscape", "serial_pattern": "พม. {n:04d}/{be_year}", "eligibility": "event",
        "signatories-0-name": fetch, "signatories-0-position": payload("c-position"),
    }))  # fmt: skip
    db.session.rollback()
    from eventsys.certificates.models import Certificate

    code = world.certificate_code
    certificate = db.session.scalar(select(Certificate).where(Certificate.verification_code == code))
    name = payload("p-prefix") + payload("p-first") + payload("p-last")
    certificate_texts = (name, title, payload("c-title"), fetch, local_file, payload("c-position"))
    documents = {
        f"{base}/certificates/{certificate.id}.pdf": certificate_texts,
        f"{world.manage_path}/certificate.pdf": certificate_texts,
        f"{base}/certificates/preview.pdf": (title, payload("c-title"), fetch, local_file),
        f"{base}/certificates/badges.pdf": (name, payload("p-org"), title),
        f"{base}/certificates/signin.pdf": (name, payload("p-org"), title, local_file),
        f"{base}/certificates/attendance.pdf": (name, title),
    }
    for url, texts in documents.items():
        response = (world.clients["public"] if url.startswith("/r/") else admin).get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url
        text = squeezed(pdf_text(response.data))
        assert [t for t in texts if squeezed(t) not in text] == [], url
        assert "root:x:0:0" not in text and TEMPLATE in text, url
    with listener, pytest.raises(TimeoutError):
        listener.accept()  # nothing ever connected
    allowed = (pdf.STATIC.as_uri() + "/", pdf.FONT_DIR.as_uri() + "/")
    assert [u for u in fetched if not u.startswith("data:") and not u.startswith(allowed)] == []
    assert weasyprint_warnings == []


# --- real Chromium --------------------------------------------------------------------------------

#: listens before any page script runs (Playwright's init scripts are not subject to the CSP)
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
#: what would be on the page if a payload had become markup
INJECTED = """() => ({
  images: document.querySelectorAll('img[src="x"], img[onerror], [onerror]').length,
  inlineScripts: [...document.scripts].filter((s) => !s.src).length,
  csp: window.__csp,
})"""


@pytest.mark.browser
def test_chromium_runs_no_script_from_the_payloads(world, browser, live_server):
    context = browser.new_context(locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)
    seen: dict[str, dict] = {}  # what each page looked like to the checks below

    def check(path: str) -> None:
        state = page.evaluate(INJECTED)
        state["console_csp"] = [m for m in console if "Content Security Policy" in m]
        seen[path] = state

    def visit(path: str) -> None:
        console.clear()
        page.goto(live_server.url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        check(path)

    try:  # the public event page, then as an admin the console pages whose scripts show names
        visit(f"/e/{world.slug}")
        title = page.text_content("h1")
        page.goto(live_server.url + "/login")
        page.fill("input[name=email]", "admin@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_url(lambda url: "/login" not in url)
        visit(f"/manage/events/{world.event_id}")  # charts draw the session and network labels
        visit(f"/manage/events/{world.event_id}/registrations")
        visit(f"/manage/events/{world.event_id}/attendance")  # the script lists who is not here yet
        page.wait_for_selector("#missing li")
        assert payload("a-org") in page.text_content("#missing")
        check("attendance, listed")
        visit(f"/checkin/{world.event_id}/")  # search and check in: the script shows names
        with page.expect_navigation():
            page.click("#open-early")  # the event is days ahead: confirm once
        page.fill("#search", payload("p-first"))
        page.press("#search", "Enter")
        page.click(".search-hit")
        page.wait_for_selector("#result-name:not(:empty)")
        full_name = payload("p-prefix") + payload("p-first") + " " + payload("p-last")
        assert page.text_content("#result-name") == full_name
        assert payload("staff-name") in page.text_content("#result-head")  # "already checked in by …"
        check("scanner, answered")
    finally:
        context.close()
    clean = {"images": 0, "inlineScripts": 0, "csp": [], "console_csp": []}
    assert {path: state for path, state in seen.items() if state != clean} == {}
    assert dialogs == []
    assert title == payload("ev-title")  # shown as the text it is
