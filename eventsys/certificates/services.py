"""Certificate rules: designs, who is eligible, gap-free numbering, revocation, verification,
and turning records into the plain data that ``pdf.py`` prints.

Numbering: a series is the text a pattern prints around its number (:func:`series_for`):
``EV-{n:03}`` and ``EV-{n:03d}``, or ``{n:04d}/2569`` and ``{n:04d}/{be_year}`` in 2569,
print the same serials and so share one counter row, whoever's events they belong to.
Issuing locks that row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the caller has
opened the transaction with ``BEGIN IMMEDIATE`` through ``db.begin_write``), then reads who
is still missing a certificate, so two concurrent issuers neither skip nor repeat a number; a
rolled-back issue gives its numbers back with the counter.

Serials stay unique across the whole site, not per organizer: a printed serial is what people
type into the API and read out over the phone, and ``find_certificate`` must name one
certificate. Two organizers who print the same text therefore share numbers (their serials
interleave; one who wants a run of their own gives the pattern its own prefix), and neither
can block the other. Patterns written differently can still meet (``X-1{n:02d}`` and
``X-{n:03d}`` both print X-101): a number whose serial is already printed is skipped, the only
gap numbering ever has, and one printed by a concurrent issuer at the same moment is a
:class:`Conflict` (try again), never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import secrets
import string
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from eventsys import audit
from eventsys.certificates import pdf
from eventsys.certificates.models import Certificate, CertificateCounter, CertificateDesign
from eventsys.checkin.models import CheckIn
from eventsys.db import begin_write
from eventsys.errors import Conflict, NotFound, RuleViolation
from eventsys.events.models import AgendaSession, Event
from eventsys.files import FileMissing, FileStore
from eventsys.i18n import ENGLISH_MONTHS, THAI_MONTHS, be_year, thai_digits, to_local
from eventsys.registration.models import Registration, RegistrationStatus
from eventsys.volunteers.models import Volunteer

LANGUAGES = ("th", "en")
PAPERS = tuple(pdf.PAPERS)
ELIGIBILITY_KINDS = ("event", "min_sessions", "sessions")
BODY_FIELDS = {"name", "event", "date", "hours"}
SERIAL_FIELDS = {"n", "be_year", "year"}
SERIAL_MAX_LENGTH = 80  #: the width of ``certificates.serial``
MAX_SIGNATORIES = 3
#: verification codes: 12 characters without look-alikes (O/0, I/1/L), about 59 bits
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
#: printed words that do not depend on the design, per certificate language
WORDING = {
    "th": {
        "intro": "เกียรติบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า",
        "serial": "เลขที่",
        "verify": "ตรวจสอบความถูกต้องได้ที่",
        "code": "รหัส",
    },
    "en": {
        "intro": "This is to certify that",
        "serial": "No.",
        "verify": "Check that it is genuine at",
        "code": "code",
    },
}
DEFAULT_BODY = {
    "th": "ได้เข้าร่วม{event} เมื่อวันที่ {date} จำนวน {hours} ชั่วโมง",
    "en": "has attended {event} on {date} ({hours} hours)",
}


# --- design -----------------------------------------------------------------------------------


def get_design(session, *, event: Event) -> CertificateDesign:
    """The event's design, created with defaults the first time it is asked for.

    Two requests may ask for the first time at once (two issuers on PostgreSQL): the one whose
    insert loses on the unique event id takes the winner's design.
    """

    def stored() -> CertificateDesign | None:
        return session.scalar(select(CertificateDesign).where(CertificateDesign.event_id == event.id))

    design = stored()
    if design is None:
        try:
            with session.begin_nested():
                session.add(
                    CertificateDesign(
                        event=event,
                        title="เกียรติบัตร",
                        body=DEFAULT_BODY["th"],
                        language="th",
                        use_thai_digits=True,
                        paper="A4-landscape",
                        serial_pattern="{n:04d}/{be_year}",
                        signatories=[],
                        eligibility={"kind": "event"},
                    )
                )
        except IntegrityError:
            pass  # another transaction created it first
        design = stored()
    return design


#: a placeholder's format spec: at most a fill and alignment, a zero, a two-digit width and "d"
_PLAIN_SPEC = re.compile(r"(.?[<>^=])?0?[0-9]{0,2}d?")


def _format_fields(pattern: str) -> set[str]:
    """The placeholder names of ``pattern``; ValueError for anything but ``{name}`` or
    ``{n:04d}``: no attribute or index (``{name.__class__}`` would print Python internals),
    no conversion, no width over 99 (``{name:>999999999}`` builds a gigabyte string)."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise ValueError("syntax") from error
    names = set()
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or conversion or not _PLAIN_SPEC.fullmatch(spec or ""):
            raise ValueError("placeholder")
        names.add(name)
    return names


def validate_serial_pattern(pattern: str) -> None:
    message = _l(
        "Serial number pattern: use {n} (or {n:04d}) for the number, and optionally {be_year} or {year}."
    )
    try:
        fields = _format_fields(pattern)
        serial_for(pattern, number=1, be=2568)
    except (ValueError, KeyError, IndexError) as error:
        raise RuleViolation(message, field="serial_pattern") from error
    if "n" not in fields or not fields <= SERIAL_FIELDS or len(pattern) > 100:
        raise RuleViolation(message, field="serial_pattern")
    if len(serial_for(pattern, number=10**6, be=2600)) > SERIAL_MAX_LENGTH:
        raise RuleViolation(
            _l(
                "Serial number pattern: the printed serial must be at most %(max)d characters.",
                max=SERIAL_MAX_LENGTH,
            ),
            field="serial_pattern",
        )


def validate_body(body: str) -> None:
    message = _l("Body text: the only placeholders are {name}, {event}, {date} and {hours}.")
    try:
        fields = _format_fields(body)
        body.format(name="", event="", date="", hours="")
    except (ValueError, KeyError, IndexError) as error:
        raise RuleViolation(message, field="body") from error
    if not fields <= BODY_FIELDS:
        raise RuleViolation(message, field="body")


def save_design(
    session,
    *,
    event: Event,
    actor,
    now: datetime,
    title: str,
    body: str,
    language: str,
    use_thai_digits: bool,
    paper: str,
    serial_pattern: str,
    eligibility: dict[str, Any],
    signatories: Sequence[dict[str, str]],
    hours: int | None = None,
    logo_path: str | None = None,
    background_path: str | None = None,
) -> CertificateDesign:
    """Check and store the design; ``None`` for an image path keeps the current image."""
    if language not in LANGUAGES:
        raise RuleViolation(_l("Language: choose Thai or English."), field="language")
    if paper not in PAPERS:
        raise RuleViolation(_l("Paper: choose A4 landscape or A4 portrait."), field="paper")
    if not title.strip():
        raise RuleViolation(_l("Title: please enter the certificate's title."), field="title")
    validate_body(body)
    validate_serial_pattern(serial_pattern)
    eligibility = validate_eligibility(event, eligibility)
    signatories = [s for s in signatories if (s.get("name") or "").strip()]
    if len(signatories) > MAX_SIGNATORIES:
        raise RuleViolation(_l("Signatories: at most three."), field="signatories")
    design = get_design(session, event=event)
    design.title = title.strip()
    design.body = body.strip()
    design.language = language
    design.use_thai_digits = use_thai_digits
    design.paper = paper
    design.serial_pattern = serial_pattern.strip()
    design.eligibility = eligibility
    design.hours = hours
    design.signatories = [
        {
            "name": s["name"].strip(),
            "position": (s.get("position") or "").strip(),
            "signature_path": s.get("signature_path") or "",
        }
        for s in signatories
    ]
    if logo_path is not None:
        design.logo_path = logo_path
    if background_path is not None:
        design.background_path = background_path
    design.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="certificate.design_saved", target=design, now=now)
    return design


def validate_eligibility(event: Event, rule: dict[str, Any]) -> dict[str, Any]:
    """The rule in its stored form; RuleViolation on ``eligibility`` if it makes no sense."""
    kind = rule.get("kind") or "event"
    if kind == "event":
        return {"kind": "event"}
    session_ids = {s.id for s in event.sessions}
    if kind == "min_sessions":
        n = rule.get("n")
        if not isinstance(n, int) or not 1 <= n <= max(len(session_ids), 1) or not session_ids:
            raise RuleViolation(
                _l("Eligibility: the number of sessions must be from 1 to the number of agenda sessions."),
                field="eligibility",
            )
        return {"kind": "min_sessions", "n": n}
    if kind == "sessions":
        ids = sorted({int(i) for i in rule.get("ids") or []})
        if not ids or not set(ids) <= session_ids:
            raise RuleViolation(
                _l("Eligibility: choose at least one session of this event."), field="eligibility"
            )
        return {"kind": "sessions", "ids": ids}
    raise RuleViolation(_l("Eligibility: unknown rule."), field="eligibility")


# --- eligibility and issuing -------------------------------------------------------------------


def eligible_query(event: Event, design: CertificateDesign):
    """Confirmed registrations of ``event`` that meet the design's check-in rule."""
    rule = design.eligibility or {"kind": "event"}
    query = (
        select(Registration)
        .join(Volunteer, Volunteer.id == Registration.volunteer_id)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
    )
    kind = rule.get("kind", "event")
    if kind == "event":
        query = query.where(
            exists().where(CheckIn.registration_id == Registration.id, CheckIn.session_id.is_(None))
        )
    elif kind == "min_sessions":
        attended = (
            select(func.count(func.distinct(CheckIn.session_id)))
            .join(AgendaSession, AgendaSession.id == CheckIn.session_id)
            .where(CheckIn.registration_id == Registration.id, AgendaSession.event_id == event.id)
            .scalar_subquery()
        )
        query = query.where(attended >= int(rule["n"]))
    elif kind == "sessions":
        for session_id in rule["ids"]:
            query = query.where(
                exists().where(CheckIn.registration_id == Registration.id, CheckIn.session_id == session_id)
            )
    return query.order_by(Volunteer.sort_key, Volunteer.first_name, Volunteer.last_name, Registration.id)


def eligible_registrations(session, *, event: Event, include_issued: bool = True) -> list[Registration]:
    design = get_design(session, event=event)
    query = eligible_query(event, design)
    if not include_issued:
        query = query.where(~exists().where(Certificate.registration_id == Registration.id))
    return list(session.scalars(query))


def serial_for(pattern: str, *, number: int, be: int) -> str:
    return pattern.format(n=number, be_year=be, year=be - 543)


class _NumberSlot:
    """Stands for the number when a pattern is rendered into its series: any width or padding
    prints the same ``{n}``."""

    def __format__(self, spec: str) -> str:
        return "{n}"


def series_for(pattern: str, *, be: int) -> str:
    """The series (counter) of ``pattern`` in B.E. year ``be``: the pattern rendered with the
    year and with ``{n}`` for the number, whatever its width. Patterns that print the same text
    around the number share it; numbers restart each year only when the year is printed."""
    return pattern.format(n=_NumberSlot(), be_year=be, year=be - 543)


def _lock_counter(session, series: str) -> CertificateCounter:
    """The series' counter row, created if needed, locked until the transaction ends."""

    def locked() -> CertificateCounter | None:
        return session.scalar(
            select(CertificateCounter)
            .where(CertificateCounter.series == series)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    counter = locked()
    if counter is None:
        try:
            with session.begin_nested():
                session.add(CertificateCounter(series=series, last_number=0))
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = locked()
    return counter


def _taken_serials(session, serials: Sequence[str]) -> set[str]:
    """Which of ``serials`` are already printed on a certificate (of any series)."""
    return set(session.scalars(select(Certificate.serial).where(Certificate.serial.in_(serials))))


def _free_numbers(session, pattern: str, *, be: int, after: int, count: int) -> list[tuple[int, str]]:
    """The next ``count`` numbers after ``after`` with their serials, skipping any number whose
    serial another series already printed (see the module docstring)."""
    free: list[tuple[int, str]] = []
    number = after
    while len(free) < count:
        wanted = count - len(free)
        candidates = [
            (n, serial_for(pattern, number=n, be=be)) for n in range(number + 1, number + 1 + wanted)
        ]
        taken = _taken_serials(session, [serial for _n, serial in candidates])
        free += [(n, serial) for n, serial in candidates if serial not in taken]
        number += wanted
    return free


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issued_early(event: Event, *, now: datetime) -> bool:
    """Whether certificates issued at ``now`` would come before the event has ended (people
    who have not come yet, or not stayed, would be left out or paper issued for a day that
    has not happened)."""
    return now < event.ends_at


def issue_certificates(
    session, *, event: Event, actor, now: datetime, refuse_early: bool = False
) -> list[Certificate]:
    """Issue certificates to everyone eligible who has none yet; returns the new ones.

    With ``refuse_early`` (the pages and the API, unless the person confirmed), an event
    that has not ended yet raises Conflict("event_not_ended").

    Numbers follow Thai name order and continue the series without gaps, but for a serial
    already printed by another series. Safe to call from several requests, jobs or processes
    at once (see the module docstring). The events code calls it when an event is closed.
    Raises Conflict if a concurrent issuer printed one of these serials first.
    """
    if refuse_early and issued_early(event, now=now):
        raise Conflict(
            _l(
                "The event has not ended yet: certificates issued now leave out everyone who has "
                "not checked in so far. Confirm to issue them before the end."
            ),
            code="event_not_ended",
        )
    begin_write(session)  # no-op when the caller already opened the write transaction
    design = get_design(session, event=event)
    be = be_year(to_local(now))
    series = series_for(design.serial_pattern, be=be)
    # Lock the counter before reading who is missing, so a concurrent issuer's certificates
    # are visible once we hold the lock.
    counter = _lock_counter(session, series)
    missing = eligible_registrations(session, event=event, include_issued=False)
    if not missing:
        return []
    numbers = _free_numbers(
        session, design.serial_pattern, be=be, after=counter.last_number, count=len(missing)
    )
    counter.last_number = numbers[-1][0]
    issued = [
        Certificate(
            registration=registration,
            series=series,
            number=number,
            serial=serial,
            verification_code=new_verification_code(),
            issued_at=now,
        )
        for registration, (number, serial) in zip(missing, numbers, strict=True)
    ]
    try:
        with session.begin_nested():
            session.add_all(issued)
    except IntegrityError as error:
        if "serial" not in str(error.orig).lower():
            raise
        with session.no_autoflush:
            taken = sorted(_taken_serials(session, [c.serial for c in issued]))
        raise Conflict(
            _l(
                "Serial number %(serial)s was given to another certificate at the same moment. "
                "Please issue the certificates again.",
                serial=(taken or [issued[0].serial])[0],
            ),
            code="serial_taken",
        ) from error
    audit.record(
        session,
        actor=actor,
        action="certificate.issued",
        target=event,
        details={"count": len(issued)},
        now=now,
    )
    return issued


def revoke_certificate(
    session, *, certificate: Certificate, actor, reason: str, now: datetime
) -> Certificate:
    """Mark a certificate revoked; the verification page then says so, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_l("Reason: please say why the certificate is revoked."), field="reason")
    if len(reason) > 500:
        raise RuleViolation(_l("Reason: at most 500 characters."), field="reason")
    if certificate.revoked_at is None:
        certificate.revoked_at = now
    certificate.revoke_reason = reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="certificate.revoked",
        target=certificate,
        details={"reason": reason},
        now=now,
    )
    return certificate


# --- look-ups ---------------------------------------------------------------------------------


def event_certificates(session, *, event: Event) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate)
            .join(Registration, Registration.id == Certificate.registration_id)
            .where(Registration.event_id == event.id)
            .options(joinedload(Certificate.registration).joinedload(Registration.volunteer))
            .order_by(Certificate.series, Certificate.number)
        )
    )


def find_certificate(session, reference: str) -> Certificate | None:
    """By serial as printed (Arabic or Thai digits) or by verification code."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 120:
        return None
    from eventsys.i18n import arabic_digits

    return session.scalar(
        select(Certificate).where(
            or_(
                Certificate.serial == arabic_digits(reference),
                Certificate.verification_code == reference.upper(),
            )
        )
    )


def certificate_of_registration(session, registration: Registration) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.registration_id == registration.id))


def get_event_certificate(session, *, event: Event, certificate_id: int) -> Certificate:
    """A certificate of ``event`` (NotFound for another event's: ids cannot be swapped)."""
    certificate = session.scalar(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(and_(Certificate.id == certificate_id, Registration.event_id == event.id))
    )
    if certificate is None:
        raise NotFound(_l("No such certificate."))
    return certificate


def mask_name(first_name: str, last_name: str) -> str:
    """ "สม••• ใ•••": enough to recognise, not enough to harvest."""

    def mask(word: str, keep: int) -> str:
        kept, letters = "", 0
        for char in word:
            if not _is_mark(char):
                if letters == keep:
                    break
                letters += 1
            kept += char
        return f"{kept}•••" if word else ""

    return " ".join(part for part in (mask(first_name, 2), mask(last_name, 1)) if part)


def _is_mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) == "Mn"


def verification(session, code: str) -> dict[str, Any] | None:
    """What the public verification page may show; None for an unknown code."""
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    certificate = session.scalar(select(Certificate).where(Certificate.verification_code == code))
    if certificate is None:
        return None
    registration = certificate.registration
    volunteer = registration.volunteer
    return {
        "valid": certificate.is_valid,
        "revoke_reason": certificate.revoke_reason if not certificate.is_valid else "",
        "masked_name": mask_name(volunteer.first_name, volunteer.last_name),
        "serial": certificate.serial,
        "event_title": registration.event.title,
        "event_date": registration.event.starts_at,
    }


# --- from records to printable data --------------------------------------------------------------


def given_date(value: datetime, *, language: str) -> str:
    local = to_local(value)
    if language == "th":
        return f"{local.day} {THAI_MONTHS[local.month - 1]} พ.ศ. {be_year(local)}"
    return f"{local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}"


def event_dates(event: Event, *, language: str) -> str:
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    if start.date() == end.date():
        return given_date(event.starts_at, language=language)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{given_date(event.ends_at, language=language)}"
    return (
        f"{given_date(event.starts_at, language=language)} – {given_date(event.ends_at, language=language)}"
    )


def event_hours(event: Event, design: CertificateDesign) -> int:
    """The hours printed: the design's, else :func:`default_hours`."""
    return design.hours or default_hours(event)


def default_hours(event: Event) -> int:
    """The hours printed when the design leaves them empty: the sum of the agenda items'
    lengths (breaks between them do not count), or the event's length if it has no agenda;
    at least 1. The design form's hint shows this very number."""
    if event.sessions:
        seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in event.sessions)
    else:
        seconds = (event.ends_at - event.starts_at).total_seconds()
    return max(1, round(seconds / 3600))


def _digits(design: CertificateDesign, text: str) -> str:
    return thai_digits(text) if design.use_thai_digits else text


IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def image_uri(files: FileStore, path: str, *, what: str) -> str:
    """A design image (``path`` as stored on the design) as a ``data:`` URI, read from the
    file store; "" for no image. Raises Conflict naming the image when its file is missing:
    a certificate is never drawn without the logo or signature its design asks for."""
    if not path:
        return ""
    try:
        data = files.get(f"uploads/{path}")
    except (FileMissing, ValueError):
        raise Conflict(
            _l(
                "The %(what)s image of this certificate design is missing from the file store. "
                "Upload it again on the design page; no certificate is made without it.",
                what=what,
            ),
            code="image_missing",
        ) from None
    kind = IMAGE_TYPES.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def layout_for(design: CertificateDesign, event: Event, *, files: FileStore) -> pdf.CertificateLayout:
    """What every certificate of the event shares; the design's images read from ``files``
    (Conflict if one is missing)."""

    def upload(path: str, what: str) -> str:
        return image_uri(files, path, what=str(what))

    wording = WORDING[design.language]
    shared_body = "" if "{name" in design.body else _digits(design, _body(design, event, name=""))
    given = given_date(event.ends_at, language=design.language)
    given_line = f"ให้ไว้ ณ วันที่ {given}" if design.language == "th" else f"Given on {given}"
    return pdf.CertificateLayout(
        title=design.title,
        agency=event.organizer_unit,
        given_line=_digits(design, given_line),
        language=design.language,
        paper=design.paper,
        logo_path=upload(design.logo_path, _l("logo")),
        background_path=upload(design.background_path, _l("background")),
        signatories=tuple(
            pdf.Signatory(
                s["name"],
                s.get("position", ""),
                upload(s.get("signature_path", ""), _l("signature (%(name)s)", name=s["name"])),
            )
            for s in design.signatories or []
        ),
        intro=wording["intro"],
        serial_label=wording["serial"],
        verify_label=wording["verify"],
        code_label=wording["code"],
        body=shared_body,
    )


def person_name(volunteer: Volunteer, language: str) -> str:
    if language == "en" and volunteer.full_name_en:
        return volunteer.full_name_en
    return volunteer.full_name


def _body(design: CertificateDesign, event: Event, *, name: str) -> str:
    return design.body.format(
        name=name,
        event=event.title,
        date=event_dates(event, language=design.language),
        hours=event_hours(event, design),
    )


def person_for(
    *, design: CertificateDesign, event: Event, name: str, serial: str, code: str, base_url: str
) -> pdf.CertificatePerson:
    body = _body(design, event, name=name) if "{name" in design.body else ""
    return pdf.CertificatePerson(
        name=name,
        body=_digits(design, body),
        serial=_digits(design, serial),
        verify_url=verify_url(base_url, code),
        verification_code=code,
    )


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def people_for(
    certificates: Sequence[Certificate], *, design, event, base_url: str
) -> list[pdf.CertificatePerson]:
    return [
        person_for(
            design=design,
            event=event,
            name=person_name(c.registration.volunteer, design.language),
            serial=c.serial,
            code=c.verification_code,
            base_url=base_url,
        )
        for c in certificates
    ]


#: the shared layer of recently used designs, keyed by (design id, last change)
_background_cache: dict[tuple[int, str, str], bytes] = {}


def background_for(renderer: pdf.Renderer, design: CertificateDesign, layout: pdf.CertificateLayout) -> bytes:
    key = (
        design.id,
        design.updated_at.isoformat() if design.updated_at else "",
        hashlib.sha256(repr(layout).encode()).hexdigest(),  # the layout holds the images
    )
    if key not in _background_cache:
        if len(_background_cache) > 32:
            _background_cache.clear()
        _background_cache[key] = pdf.render_background(renderer, layout)
    return _background_cache[key]


def render_certificate_pdf(
    session,
    certificate: Certificate,
    *,
    files: FileStore,
    base_url: str,
    time_limit: float | None = None,
) -> bytes:
    """One person's certificate (the manage link, the organizer's download, the API);
    ``time_limit``: see ``pdf.Renderer`` (raises pdf.RenderTimeout)."""
    registration = certificate.registration
    event = registration.event
    design = get_design(session, event=event)
    renderer = pdf.Renderer(time_limit=time_limit)
    layout = layout_for(design, event, files=files)
    people = people_for([certificate], design=design, event=event, base_url=base_url)
    return pdf.render_certificates(
        renderer, layout, people, background=background_for(renderer, design, layout)
    )[0]


def sample_pdf(
    design: CertificateDesign,
    event: Event,
    *,
    files: FileStore,
    base_url: str,
    time_limit: float | None = None,
) -> bytes:
    """A preview with a sample name and serial (the design need not be saved)."""
    renderer = pdf.Renderer(time_limit=time_limit)
    layout = layout_for(design, event, files=files)
    sample_name = "นางสาวสมศรี ใจดี" if design.language == "th" else "Ms Somsri Jaidee"
    be = be_year(to_local(event.ends_at))
    person = person_for(
        design=design,
        event=event,
        name=sample_name,
        serial=serial_for(design.serial_pattern, number=1, be=be),
        code="SAMPLE",
        base_url=base_url,
    )
    return pdf.render_certificates(renderer, layout, [person])[0]


def certificate_filename(certificate: Certificate) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in certificate.serial).strip("-")
    return f"certificate-{safe or certificate.id}.pdf"


@dataclass(frozen=True)
class BulkOutput:
    """A bulk run's file, how many certificates it holds, and the certificates left out
    because their render was stopped at the time limit (``serial`` and ``name`` each)."""

    data: bytes
    count: int
    failed: list[dict[str, str]]


#: the note a ZIP carries when certificates are missing from it
FAILED_NOTE = "NOT-INCLUDED.txt"


def bulk_render(
    session,
    *,
    event: Event,
    files: FileStore,
    base_url: str,
    output: str,
    processes: int = 1,
    progress: Callable[[int, int], None] | None = None,
    time_limit: float | None = None,
) -> BulkOutput:
    """All valid certificates of ``event`` as a ZIP of per-person PDFs (``output="zip"``) or
    one merged PDF for printing (``"pdf"``).

    Each WeasyPrint document gets ``time_limit`` seconds, as a request's does. The shared
    page comes first: if it cannot be rendered in time, no certificate can, and
    :class:`pdf.RenderTimeout` is raised. A certificate whose own page cannot be rendered in
    time is left out and listed in ``failed`` (and in the ZIP's note); the others are kept.
    """
    certificates = [c for c in event_certificates(session, event=event) if c.is_valid]
    design = get_design(session, event=event)
    layout = layout_for(design, event, files=files)
    people = people_for(certificates, design=design, event=event, base_url=base_url)
    names = [certificate_filename(c) for c in certificates]
    total = len(people)
    allowed: tuple[str, ...] = ()  # images come from the file store as data: URIs
    background = pdf.shared_layer(layout, allowed, time_limit)  # RenderTimeout: the whole run
    if progress:
        progress(0, total)
    chunks = pdf.render_in_chunks(
        layout,
        people,
        allowed_dirs=allowed,
        processes=processes,
        merged=output == "pdf",
        progress=progress,
        time_limit=time_limit,
    )
    failed: list[int] = []
    if output == "pdf":

        def documents():
            for chunk in chunks:
                failed.extend(chunk.failed)
                yield from chunk.documents

        data = pdf.stack_merged(background, documents())
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for chunk in chunks:
                failed.extend(chunk.failed)
                kept = [i for i in range(chunk.first, chunk.first + chunk.size) if i not in chunk.failed]
                for index, document in zip(kept, chunk.documents, strict=True):
                    archive.writestr(names[index], document)
            if failed:
                archive.writestr(
                    FAILED_NOTE,
                    "Not included: their certificates took too long to render.\n"
                    + "".join(f"{certificates[i].serial}\t{people[i].name}\n" for i in failed),
                )
        data = buffer.getvalue()
    return BulkOutput(
        data,
        total - len(failed),
        [{"serial": certificates[i].serial, "name": people[i].name} for i in failed],
    )
