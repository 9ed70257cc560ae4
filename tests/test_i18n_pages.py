"""Every page in both languages shows only its own language (issue #13).

A realistic event is seeded (agenda, questions, registrations in every state, check-ins by
several methods, certificates valid and revoked, volunteers with network types, jobs, an
identity check, an e-mail in the outbox) with an admin, its organizer and its door staff.
Then every GET rule of ``app.url_map`` that answers HTML is requested, as the role that may
see it, in Thai and in English (the ``lang`` cookie, as the language switcher sets it):

* on a Thai page, no English word may be visible, and
* on an English page, no Thai letter,

once what people typed is masked: every user-entered value in the database (names, titles,
organizations, e-mail addresses, answers, codes …), e-mail and web addresses, and words with
digits in them (tickets, serials). Stored codes (statuses, network types, kinds, languages)
are not masked: showing one raw is exactly what this test is for. Visible text is the text
of the page outside ``<script>``/``<style>`` plus ``placeholder``, ``title``, ``aria-label``,
``alt``, the ``value`` of buttons and the sentences in ``data-*`` attributes that scripts show.

A new route is scanned without anyone adding it here; a new URL parameter fails
``test_every_page_parameter_is_filled`` until :data:`PARAMS` knows how to fill it. The same
checks run on flash messages after common actions, on the 403/404/405/429/500 pages and on
every CSV/XLSX export (whose first column must be ลำดับ 1…n), and no
page may show a stored phone number unformatted (``0834567803`` instead of ``083-456-7803``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from eventsys import sms
from eventsys.accounts.models import Role, User
from eventsys.db import db, utcnow
from eventsys.i18n import LANGUAGE_COOKIE
from tests.conftest import PASSWORD, FreshContextClient

# --- what counts as the other language --------------------------------------------------------

#: Latin words a Thai page may show, and why: kept short on purpose
THAI_PAGE_ALLOWED = {
    # acronyms Thai writes in Latin letters
    "QR": "QR code",
    "API": "โทเคน API",
    "SMS": "a text message",
    "USB": "a USB barcode scanner",
    "MB": "megabytes, in a file-size limit",
    # file formats, named as the reader's computer names them
    "PDF": "a file type",
    "CSV": "a file type",
    "XLSX": "a file type",
    "ZIP": "a file type",
    "PNG": "an image type",
    "JPEG": "an image type",
    "SVG": "an image type",
    "JSON": "a file type",
    "HTML": "markup the privacy-notice editor refuses",
    "UTF": "UTF-8, a text encoding",
    # names
    "Excel": "a product name",
    "Windows": "a product name (its Thai encoding, cp874)",
    "LINE": "the messenger's brand name",
    "ThaiD": "the government's identity app",
    "eventsys": "the product name",
}
#: Thai words an English page may show: none (a language named in itself, "ไทย" in the switcher
#: or a select, is marked ``lang="th"``)
ENGLISH_PAGE_ALLOWED: set[str] = set()

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
#: a stored code such as ``contact_changed``: no reader writes words joined by underscores
CODE_WORD = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")
#: typed or generated data that is neither language: addresses, paths, tokens with digits
NOT_WORDS = re.compile(
    r"[\w.+•-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail, masked or not
    r"|\b\w+://\S+"  # URL
    r"|(?<![\w/])/[\w/.<>{}?=&%-]*"  # a path such as /e/slug
    r"|(?<!\w)\.[a-z]{2,4}\b"  # a file extension: .xlsx, .ics
    r"|\{[^{}]*\}"  # a placeholder to type: {name}, {n:04d}
    r"|\S*•\S*"  # masked data: ผู้เ•••
    r"|\b[\w-]*\d[\w-]*\b"  # a word with a digit: ticket, serial, A4, UTF-8, 08x-xxx-xxxx
)
#: nine or ten digits starting 0, not inside a longer number: a phone as stored, unformatted
RAW_PHONE = re.compile(r"(?<![\d-])0\d{8,9}(?![\d-])")
#: a seeded phone as people write it: some page must show one, or the phone check proves nothing
FORMATTED_PHONE = re.compile(r"\b083-456-78\d\d\b")

#: columns holding codes the app must turn into words itself: never masked
CODE_COLUMNS = {
    "volunteers.prefix_code",
    "volunteers.province_code",
    "volunteers.language",
    "volunteers.phone",  # digits, not words: checked for its format instead
    "volunteers.phone_tail",
    "registrations.language",
    "certificate_designs.language",
    "certificate_designs.paper",
    "certificate_designs.eligibility",
    "jobs.kind",
    "jobs.params",
    "identity_reviews.reason",
    "consents.purpose",
    "consents.source",
    "questions.key",
}
#: keys inside stored JSON whose values are codes
CODE_KEYS = {"status", "kind", "output", "language", "fields", "reason_code"}
#: tables nobody reads on a page
UNSHOWN_TABLES = {"audit_log", "login_failures"}


class VisibleText(HTMLParser):
    """The text a reader sees (or hears from a screen reader), one string per node.

    Text inside an element marked with another ``lang`` than the page's (the Thai name of a
    column shown beside its English one, a language's own name) or inside ``<code>`` (a
    command to type) is left out: it is in that language on purpose.
    """

    HIDDEN = {"script", "style", "code", "kbd", "samp"}
    SPOKEN = ("placeholder", "title", "aria-label", "alt")
    #: elements with no end tag
    VOID = set("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.chunks: list[str] = []
        #: what text boxes hold when the page opens (typed data: checked for phones only)
        self.field_values: list[str] = []
        self._skipping: list[list] = []  #: [tag, depth] of each open element whose text is skipped

    def _skipped(self) -> bool:
        return bool(self._skipping)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other_language = values.get("lang") not in (None, "", self.language)
        if self._skipping and self._skipping[-1][0] == tag:
            self._skipping[-1][1] += 1
        elif (tag in self.HIDDEN or other_language) and tag not in self.VOID:
            self._skipping.append([tag, 1])
            return
        if tag == "input" and values.get("type", "text") in ("text", "tel", "search") and values.get("value"):
            self.field_values.append(values["value"])
        if self._skipped() or other_language:
            return
        self.chunks.extend(values[name] for name in self.SPOKEN if values.get(name))
        # messages a script shows later (data-failed-text="…"): sentences, not ids or URLs
        self.chunks.extend(
            value for name, value in attrs if name.startswith("data-") and value and " " in value.strip()
        )
        is_button = tag == "button" or (
            tag == "input" and values.get("type") in ("submit", "button", "reset")
        )
        if is_button and values.get("value"):
            self.chunks.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1][0] == tag:
            self._skipping[-1][1] -= 1
            if not self._skipping[-1][1]:
                self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped() and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str, language: str) -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return parser.chunks


def field_values(html: str) -> list[str]:
    parser = VisibleText("")
    parser.feed(html)
    parser.close()
    return parser.field_values


def _strings_in(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in CODE_KEYS:
                yield from _strings_in(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item, key)
    elif isinstance(value, str):
        yield value


def typed_data(extra: list[str] = ()) -> list[str]:
    """Every user-entered string in the database (and ``extra``), longest first."""
    from eventsys.volunteers.models import NETWORK_TYPES

    found: set[str] = set(extra)
    for table in db.metadata.sorted_tables:
        if table.name in UNSHOWN_TABLES:
            continue
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, sa.String | sa.Text | sa.JSON)
            and not isinstance(column.type, sa.Enum)
            and f"{table.name}.{column.name}" not in CODE_COLUMNS
        ]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if f"{table.name}.{column.name}" == "volunteers.network_type" and value in NETWORK_TYPES:
                    continue  # a network type from the list: a code, shown through its label
                found.update(_strings_in(value))
    return sorted((s.strip() for s in found if len(s.strip()) >= 2), key=len, reverse=True)


def masked(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return NOT_WORDS.sub(" ", text)


def foreign_words(chunks: list[str], language: str, data: list[str]) -> list[str]:
    """The other language's words left in a page's text once typed data is masked, and stored
    codes shown as they are stored (``walk_in``: English pages cannot tell them otherwise)."""
    found = []
    for chunk in chunks:
        text = masked(chunk, data)
        if language == "th":
            words = [w for w in LATIN_WORD.findall(text) if w not in THAI_PAGE_ALLOWED]
        else:
            words = [w for w in THAI_RUN.findall(text) if w not in ENGLISH_PAGE_ALLOWED]
            words += CODE_WORD.findall(text)
        if words:
            found.append(f"{' '.join(words)!r} in {chunk[:160]!r}")
    return found


def raw_phones(chunks: list[str]) -> list[str]:
    return [chunk[:160] for chunk in chunks if RAW_PHONE.search(chunk)]


# --- the seeded world -------------------------------------------------------------------------


@dataclass
class Seed:
    admin: User
    organizer: User
    staff: User
    event: Any
    registration: Any  #: confirmed, checked in, certificate issued
    others: list  #: one registration in each other state: pending, waitlisted, cancelled, rejected
    volunteer: Any
    other_volunteer: Any  #: a second record, for the merge page
    certificate: Any
    revoked: Any  #: a revoked certificate
    certificate_job: Any
    import_job: Any
    verification: Any
    outbox_name: str
    outbox_text: str
    notice_version: str


def _manage_token(registration) -> str:
    from eventsys.registration.tickets import signer

    return signer().manage_token(registration.id, registration.ticket_secret)


def _ticket_token(registration) -> str:
    from eventsys.registration.tickets import signer

    return signer().token_for(registration.ticket_secret)


@pytest.fixture
def seed(app, make_user, make_event, make_checkin_registration, assign_staff) -> Seed:
    """One event with everything the organizer's pages show, a month from now."""
    from eventsys.certificates import tasks as certificate_tasks
    from eventsys.certificates.services import issue_certificates, revoke_certificate
    from eventsys.checkin.models import CheckIn, CheckInMethod
    from eventsys.events.models import QuestionKind
    from eventsys.events.services import QuestionData, add_question
    from eventsys.files import current_store
    from eventsys.jobs.services import create_job, mark_done, mark_failed
    from eventsys.privacy.services import current_notice_version, default_notice
    from eventsys.registration.models import IdentityReview, IdentityVerification
    from eventsys.volunteers.tasks import report_key

    now = utcnow()
    admin = make_user("admin", email="admin@example.org", full_name="ผู้ดูแลระบบ")
    organizer = make_user("organizer", email="organizer@example.org", full_name="สมหญิง ประสานงาน")
    staff = make_user("staff", email="door@example.org", full_name="สมปอง หน้างาน")
    starts = (now + timedelta(days=30)).replace(hour=3, minute=0, second=0, microsecond=0)
    event = make_event(
        owner=organizer,
        sessions=2,
        capacity=50,
        waitlist_enabled=True,
        title="การประชุมเชิงปฏิบัติการเครือข่าย อพม.",
        venue="โรงแรมปริ๊นซ์ พาเลซ",
        address="488/800 ถนนกรุงเกษม กรุงเทพมหานคร 10100",
        organizer_unit="กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
        description="แลกเปลี่ยนประสบการณ์และวางแนวทางร่วมกัน",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=starts - timedelta(days=1),
    )
    assign_staff(staff, event)
    for text, kind, options in (
        ("อาหารที่รับประทาน", QuestionKind.SINGLE_CHOICE, ["ทั่วไป", "มังสวิรัติ"]),
        ("ต้องการเบิกค่าเดินทางหรือไม่", QuestionKind.YES_NO, []),
        ("ความคาดหวัง", QuestionKind.SHORT_TEXT, []),
    ):
        add_question(
            db.session,
            event=event,
            data=QuestionData(label=text, kind=kind, options=options),
            actor=organizer,
            now=now,
        )
    db.session.commit()

    networks = ("อพม.", "ภาคเอกชน", "กลุ่มออมทรัพย์บ้านหนองบัว", "สภาเด็กและเยาวชน", "", "หน่วยงานภาครัฐ")
    registrations = {}
    for index, status in enumerate(
        ("confirmed", "confirmed", "pending", "waitlisted", "cancelled", "rejected")
    ):
        registration = make_checkin_registration(
            event,
            status=status,
            first_name=f"ผู้เข้าร่วม{'กขคงจฉ'[index]}",
            network_type=networks[index],
            email=f"person{index}@example.org",
            position="ผู้แทนเครือข่าย",
            phone=f"08345678{index:02d}",
        )
        registration.answers = {"q1": "ทั่วไป", "q2": index % 2 == 0, "q3": "ได้ความรู้"}
        registrations.setdefault(status, []).append(registration)
    db.session.commit()
    present, absent = registrations["confirmed"]
    for method, session_id in ((CheckInMethod.CAMERA, None), (CheckInMethod.KIOSK, event.sessions[0].id)):
        db.session.add(
            CheckIn(
                registration_id=present.id,
                session_id=session_id,
                method=method,
                checked_in_at=now,
                recorded_at=now,
                staff_user_id=staff.id,
                device="ประตู 1",
            )
        )
    db.session.commit()
    (certificate,) = issue_certificates(db.session, event=event, actor=organizer, now=now)
    db.session.commit()
    db.session.add(
        CheckIn(
            registration_id=absent.id,
            method=CheckInMethod.WALK_IN,
            checked_in_at=now,
            recorded_at=now,
            staff_user_id=staff.id,
        )
    )
    db.session.commit()
    (revoked,) = issue_certificates(db.session, event=event, actor=organizer, now=now)
    revoke_certificate(db.session, certificate=revoked, actor=organizer, reason="ชื่อสะกดผิด", now=now)
    db.session.commit()

    certificate_job = create_job(
        db.session, kind="certificates_bulk", params={"event_id": event.id, "output": "zip"}, actor=organizer
    )
    mark_done(certificate_job, result={"count": 1}, now=now)
    import_job = create_job(
        db.session,
        kind="volunteer_import",
        params={"path": "gone.csv", "filename": "people.csv", "language": "th"},
        actor=organizer,
    )
    row = {"number": 2, "status": "skipped", "reason": "ไม่มีชื่อ", "name": "", "volunteer_id": None}
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
    failed_mail = create_job(
        db.session, kind="registration_mail", params={"registration_id": present.id, "notice": "confirmed"}
    )
    mark_failed(failed_mail, error="SMTPRecipientsRefused", now=now)
    # deliveries that failed for good, one of each kind and purpose the admins' outbox lists
    for kind, params in (
        ("registration_mail", {"registration_id": present.id, "notice": "promoted"}),
        ("registration_mail", {"registration_id": present.id, "notice": "approved"}),
        ("identity_message", {"message": "code", "to_phone": "0834567800", "to_email": ""}),
        ("identity_message", {"message": "contact_changed", "to_phone": "", "to_email": "a@example.org"}),
        ("identity_message", {"message": "link", "to_phone": "0834567800", "to_email": ""}),
        ("identity_message", {"message": "review_rejected", "to_phone": "", "to_email": "a@example.org"}),
        ("sms", {"to": "0834567800", "text": "x", "purpose": "code"}),
    ):
        mark_failed(create_job(db.session, kind=kind, params=params), error="Refused", now=now)
    pending = registrations["pending"][0]
    db.session.add(
        IdentityReview(
            event_id=event.id,
            volunteer_id=pending.volunteer_id,
            reason="no_contact",
            submission={  # as identity.submission_of keeps what the claimant typed
                "data": {
                    "prefix": "นาย",
                    "first_name": pending.volunteer.first_name,
                    "last_name": "ใจดี",
                    "national_id": "…0123",
                    "phone": "0834567899",
                    "email": "claim@example.org",
                    "province": "50",
                    "organization": "อบต. หนองบัว",
                },
                "answers": {},
                "consents": [],
            },
            created_at=now,
        )
    )
    verification = IdentityVerification(
        public_id="v" * 32,
        event_id=event.id,
        volunteer_id=absent.volunteer_id,
        submission={},
        sent_to=["08x-xxx-6701"],
        created_at=now,
        code_sent_at=now,
        expires_at=now + timedelta(minutes=15),
    )
    db.session.add(verification)
    db.session.commit()
    other = make_checkin_registration(event, status="cancelled", first_name="ผู้เข้าร่วมก").volunteer
    db.session.add(default_notice())  # as the migration stores it: the admin's text, not ours
    db.session.commit()
    notice_version = current_notice_version(db.session)
    db.session.commit()

    store = current_store()
    store.put(certificate_tasks.export_key(event.id, certificate_job.id, "zip"), b"PK\x05\x06" + bytes(18))
    store.put(
        report_key(import_job.id),
        json.dumps([{**row, "values": {"first_name": ""}}]).encode("utf-8"),
    )
    outbox_text = "บัตรเข้างานของคุณ"  # a message kept in its recipient's language, subject "บัตรเข้างาน"
    outbox_name = "0" * 32
    store.put(
        f"outbox/{outbox_name}.eml",
        (
            "To: person0@example.org\nSubject: =?utf-8?b?4Lia4Lix4LiV4Lij4LmA4LiC4LmJ4Liy4LiH4Liy4LiZ?=\n"
            "Date: Thu, 12 Nov 2015 10:00:00 +0700\nContent-Type: text/plain; charset=utf-8\n\n"
            f"{outbox_text}\n"
        ).encode(),
    )
    # an SMS kept in the outbox (no SMS gateway set up), as the app writes it
    sms.write_to_outbox(sms.OutgoingSms(to="0834567800", text=f"{outbox_text} 123456"), outbox=store)
    db.session.commit()  # the database store writes with the caller's commit
    return Seed(
        admin=admin,
        organizer=organizer,
        staff=staff,
        event=event,
        registration=present,
        others=[registrations[status][0] for status in ("pending", "waitlisted", "cancelled", "rejected")],
        volunteer=present.volunteer,
        other_volunteer=other,
        certificate=certificate,
        revoked=revoked,
        certificate_job=certificate_job,
        import_job=import_job,
        verification=verification,
        outbox_name=outbox_name,
        outbox_text=outbox_text,
        notice_version=notice_version,
    )


# --- which URLs, as whom -------------------------------------------------------------------------

#: how to fill each URL parameter from the seed (a list: each value in turn); ``endpoint:param``
#: wins over ``param``
PARAMS: dict[str, Callable[[Seed], Any]] = {
    "event_id": lambda s: s.event.id,
    "slug": lambda s: s.event.slug,
    "volunteer_id": lambda s: s.volunteer.id,
    "user_id": lambda s: s.organizer.id,
    "certificate_id": lambda s: s.certificate.id,
    "verification_id": lambda s: s.verification.public_id,
    "version": lambda s: s.notice_version,
    "name": lambda s: s.outbox_name,
    "kind": lambda s: "csv",
    "token": lambda s: _manage_token(s.registration),
    "code": lambda s: [s.certificate.verification_code, s.revoked.verification_code],
    "job_id": lambda s: s.certificate_job.id,
    "session_id": lambda s: s.event.sessions[0].id,
    "question_id": lambda s: s.event.questions[0].id,
    "volunteers.import_job:job_id": lambda s: s.import_job.id,
    "volunteers.import_errors:job_id": lambda s: s.import_job.id,
    "volunteers.import_report:job_id": lambda s: s.import_job.id,
    # the person's page in every state of a registration
    "registration.manage:token": lambda s: [_manage_token(r) for r in (s.registration, *s.others)],
    "registration.ticket_png:token": lambda s: _ticket_token(s.registration),
    "registration.ticket_svg:token": lambda s: _ticket_token(s.registration),
    "registration.ticket_card:token": lambda s: _ticket_token(s.registration),
}
#: extra query strings that show more of a page (filters, a chosen session, a pair to merge)
QUERIES: dict[str, Callable[[Seed], list[dict[str, Any]]]] = {
    "registration.registrations": lambda s: [{}, {"status": "confirmed", "network": "อพม."}],
    "registration.manage": lambda s: [{}, {"new": "1"}],
    "volunteers.index": lambda s: [{}, {"q": "ผู้เข้าร่วม"}, {"network": "อพม."}],
    "volunteers.merge": lambda s: [{"keep": s.volunteer.id, "drop": s.other_volunteer.id}],
    "checkin.scanner": lambda s: [{}, {"session": s.event.sessions[0].id}],
    "checkin.index": lambda s: [{}, {"today": "1"}],
}
#: not pages: the language switch itself (it sets the cookie), files and the JSON API
NOT_PAGES = {"static", "site.set_language"}


def _get_rules(app: Flask):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES and not rule.rule.startswith("/api/"):
            yield rule


#: pages only a particular device opens
VIEWERS = {"checkin.kiosk_screen": ["kiosk"]}


def _viewers(app: Flask, endpoint: str) -> list[str]:
    """Who opens the page: anyone, the admin, the organizer and (at the door) the staff."""
    if endpoint in VIEWERS:
        return VIEWERS[endpoint]
    view = app.view_functions[endpoint]
    if getattr(view, "is_public", False):
        return ["anonymous"]
    roles = getattr(view, "required_roles", None)
    if roles is None:
        return ["anonymous"]
    viewers = ["admin"] if not roles else []
    if Role.ORGANIZER in roles:
        viewers.append("organizer")
    if Role.STAFF in roles:
        viewers.append("staff")
    return viewers


#: a rule that names a file by its extension (a PDF, an image, a calendar, JSON …); such a
#: rule's answer is not a page, and rendering PDFs for nothing is slow
FILE_RULE = re.compile(r"\.(pdf|png|svg|json|ics|js)$")
#: a rule that names a spreadsheet (or lets the URL choose the format)
SPREADSHEET_RULE = re.compile(r"(\.(csv|xlsx)|[./]<kind>)$")


def _urls(app: Flask, seed: Seed, *, spreadsheets: bool = False) -> Iterator[tuple[str, str, str]]:
    """(endpoint, viewer, url) for every page, or (``spreadsheets``) every export."""
    with app.test_request_context():
        from flask import url_for

        for rule in _get_rules(app):
            is_spreadsheet = bool(SPREADSHEET_RULE.search(rule.rule))
            if is_spreadsheet != spreadsheets or FILE_RULE.search(rule.rule):
                continue
            choices = {}
            for name in rule.arguments:
                value = PARAMS.get(f"{rule.endpoint}:{name}", PARAMS.get(name))(seed)
                choices[name] = value if isinstance(value, list) else [value]
            for combination in itertools.product(*choices.values()):
                values = dict(zip(choices, combination, strict=True))
                for query in QUERIES.get(rule.endpoint, lambda s: [{}])(seed):
                    url = url_for(rule.endpoint, **values, **query)
                    for viewer in _viewers(app, rule.endpoint):
                        yield rule.endpoint, viewer, url


@pytest.fixture
def browsers(app, seed) -> dict[str, FlaskClient]:
    """A client per viewer, logged in through the real form; each request in its own app
    context, as in production (else Flask-Login's user cached in ``g`` leaks between them)."""
    app.test_client_class = FreshContextClient
    clients = {"anonymous": app.test_client()}
    for name, user in (
        ("admin", seed.admin),
        ("organizer", seed.organizer),
        ("staff", seed.staff),
        ("kiosk", seed.staff),
    ):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:500])
        clients[name] = client
    # a tablet the door staff turned into the kiosk (and were logged out of)
    assert clients["kiosk"].post(f"/checkin/{seed.event.id}/kiosk").status_code == 302
    db.session.rollback()
    return clients


def _in(client: FlaskClient, language: str) -> FlaskClient:
    client.set_cookie(LANGUAGE_COOKIE, language)
    return client


# --- the tests ---------------------------------------------------------------------------------


def test_every_page_parameter_is_filled(app):
    """A new route's URL parameter must be filled from the seed, so the route is scanned."""
    missing = sorted(
        f"{rule.endpoint}: <{name}>"
        for rule in _get_rules(app)
        for name in rule.arguments
        if f"{rule.endpoint}:{name}" not in PARAMS and name not in PARAMS
    )
    assert not missing, f"add these to PARAMS in {__name__}: {missing}"


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_page_shows_only_the_readers_language(app, seed, browsers, language):
    findings: list[str] = []
    scanned, phones_shown = 0, 0
    data = typed_data([seed.outbox_text, "บัตรเข้างาน"])
    for endpoint, viewer, url in _urls(app, seed):
        response = _in(browsers[viewer], language).get(url)
        if response.status_code in (301, 302, 303):
            continue  # answered with another page, scanned on its own
        if "text/html" not in response.content_type:
            continue  # files (PDF, CSV, images) and JSON: exports have tests of their own
        assert response.status_code == 200, (endpoint, viewer, url, response.status_code)
        scanned += 1
        html = response.get_data(as_text=True)
        chunks = visible_text(html, language)
        findings += [f"{endpoint} ({viewer}) {url}: {word}" for word in foreign_words(chunks, language, data)]
        findings += [
            f"{endpoint} ({viewer}) {url}: unformatted phone {c!r}"
            for c in raw_phones(chunks + field_values(html))
        ]
        phones_shown += any(FORMATTED_PHONE.search(chunk) for chunk in chunks)
    assert scanned >= 30, scanned  # the scan reached the pages, not the log-in form
    assert phones_shown >= 3, phones_shown
    assert not findings, "\n".join(findings)


# --- exports: the same rules for every CSV and XLSX the app writes ------------------------------

#: a time written as a machine writes it (ISO, UTC): exports show Bangkok time as readers write it
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
#: exports whose first column is not ลำดับ, and why
NOT_NUMBERED = {
    "volunteers.import_errors": "the row of the imported file each problem is on",
    "volunteers.import_report": "the row of the imported file each outcome is for",
}
NUMBER_HEADER = {"th": "ลำดับ", "en": "No."}


def _export_table(response) -> list[list[str]] | None:
    """The rows of a CSV or XLSX answer as text, or None for anything else."""
    import csv
    import io

    from openpyxl import load_workbook

    if response.mimetype.startswith("text/csv"):
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff"), "CSV without a BOM: Excel on Thai Windows garbles Thai"
        return list(csv.reader(io.StringIO(text[1:])))
    if response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        sheet = load_workbook(io.BytesIO(response.data)).active
        return [["" if cell.value is None else str(cell.value) for cell in row] for row in sheet.iter_rows()]
    return None


def _export_urls(app: Flask, seed: Seed) -> Iterator[tuple[str, str, str]]:
    """Every page URL, with both formats where a rule takes a ``kind``."""
    takes_kind = {rule.endpoint for rule in app.url_map.iter_rules() if "kind" in rule.arguments}
    for endpoint, viewer, url in _urls(app, seed, spreadsheets=True):
        yield endpoint, viewer, url
        if endpoint in takes_kind and url.endswith("csv"):
            yield endpoint, viewer, url[: -len("csv")] + "xlsx"


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_export_reads_in_the_readers_language(app, seed, browsers, language):
    """Every CSV/XLSX export: headers and values in the reader's language, ลำดับ 1…n as the
    first column, phones formatted, times in Bangkok time as readers write them."""
    findings: list[str] = []
    exports = set()
    data = typed_data()
    for endpoint, viewer, url in _export_urls(app, seed):
        if viewer == "staff":
            continue  # the organizer's exports; staff are refused them (tests/test_security_idor.py)
        response = _in(browsers[viewer], language).get(url)
        table = _export_table(response) if response.status_code == 200 else None
        if table is None:
            continue
        exports.add(f"{endpoint} {'csv' if response.mimetype.startswith('text/csv') else 'xlsx'}")
        cells = [cell for row in table for cell in row if cell]
        where = f"{endpoint} {url}"
        findings += [f"{where}: {word}" for word in foreign_words(cells, language, data)]
        findings += [f"{where}: unformatted phone {c!r}" for c in raw_phones(cells)]
        findings += [f"{where}: machine time {c!r}" for c in cells if RAW_TIME.search(c)]
        if endpoint not in NOT_NUMBERED:
            numbers = [row[0] for row in table[1:]]
            if table[0][0] != NUMBER_HEADER[language] or numbers != [
                str(n) for n in range(1, len(numbers) + 1)
            ]:
                findings.append(f"{where}: first column {table[0][0]!r} {numbers} is not ลำดับ 1…n")
    assert len(exports) >= 8, sorted(exports)  # registrations, attendance, volunteers, import reports
    assert not findings, "\n".join(findings)


# --- flash messages and error pages ------------------------------------------------------------


def _actions(seed: Seed) -> list[tuple[str, str, dict[str, Any], dict[str, str]]]:
    """(viewer, endpoint, URL values, form) of actions that answer with a flash message:
    successes, and refusals a domain rule raises (a message from a service)."""
    event, registration = seed.event, seed.registration
    pending = next(r for r in _registrations(event) if r.status.value == "pending")
    waitlisted = next(r for r in _registrations(event) if r.status.value == "waitlisted")
    return [
        (
            "organizer",
            "registration.registration_action",
            {"registration_id": pending.id, "action": "approve"},
            {},
        ),
        # a refusal: a confirmed registration cannot be approved again
        (
            "organizer",
            "registration.registration_action",
            {"registration_id": registration.id, "action": "approve"},
            {},
        ),
        (
            "organizer",
            "registration.registration_action",
            {"registration_id": waitlisted.id, "action": "cancel"},
            {},
        ),
        ("organizer", "certificates.revoke", {"certificate_id": seed.certificate.id}, {"reason": "ชื่อสะกดผิด"}),
        ("organizer", "events.set_status", {"status": "closed"}, {}),
        ("anonymous", "registration.cancel", {"token": _manage_token(registration)}, {}),
        ("admin", "accounts.user_action", {"user_id": seed.staff.id, "action": "deactivate"}, {}),
    ]


def _registrations(event) -> list:
    from sqlalchemy import select

    from eventsys.registration.models import Registration

    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))


@pytest.mark.parametrize("language", ["th", "en"])
def test_flash_messages_are_in_the_readers_language(app, seed, browsers, language):
    from flask import url_for

    findings, flashes = [], []
    actions = _actions(seed)
    for viewer, endpoint, values, form in actions:
        db.session.rollback()  # a fresh snapshot: the request writes
        with app.test_request_context():
            if "event_id" in app.url_map._rules_by_endpoint[endpoint][0].arguments:
                values = {"event_id": seed.event.id, **values}
            url = url_for(endpoint, **values)
        response = _in(browsers[viewer], language).post(url, data=form, follow_redirects=True)
        assert response.status_code == 200, (endpoint, response.status_code)
        html = response.get_data(as_text=True)
        flashes += [endpoint] if 'class="flash' in html else []
        data = typed_data()
        findings += [
            f"{endpoint}: {word}" for word in foreign_words(visible_text(html, language), language, data)
        ]
    assert len(flashes) == len(actions), flashes  # each action answered with a message
    assert not findings, "\n".join(findings)


@pytest.fixture
def failing_routes(app):
    """Two routes that fail as a real page can (added before the app serves a request)."""
    from werkzeug.exceptions import TooManyRequests

    def too_many():
        raise TooManyRequests()

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/test-i18n/too-many", "test_too_many", too_many)
    app.add_url_rule("/test-i18n/broken", "test_broken", broken)


@pytest.mark.parametrize("language", ["th", "en"])
def test_error_pages_are_in_the_readers_language(app, failing_routes, seed, browsers, language, caplog):
    """404, 403, 405, 429 and 500 pages, for a visitor and for someone logged in."""
    cases = [
        ("anonymous", "/no-such-page", 404),
        ("organizer", f"/manage/events/{seed.event.id + 1000}", 404),
        ("staff", "/volunteers/", 403),
        ("anonymous", "/logout", 405),
        ("anonymous", "/test-i18n/too-many", 429),
        ("organizer", "/test-i18n/broken", 500),
    ]
    findings = []
    data = typed_data()
    for viewer, url, status in cases:
        response = _in(browsers[viewer], language).get(url)
        assert response.status_code == status, (url, response.status_code)
        assert "text/html" in response.content_type
        chunks = visible_text(response.get_data(as_text=True), language)
        findings += [f"{status} {url} ({viewer}): {word}" for word in foreign_words(chunks, language, data)]
    assert not findings, "\n".join(findings)
