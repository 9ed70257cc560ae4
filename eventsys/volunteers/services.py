"""Volunteer registry rules: validate, deduplicate, save.

One person is one record: a known national ID (or, without one, a known passport number,
or the same name and phone) links to the existing record and updates its contact details.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, func, insert, literal, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from eventsys import audit
from eventsys.certificates.models import Certificate
from eventsys.checkin.models import CheckIn
from eventsys.db import lock_name, utcnow
from eventsys.errors import Conflict, DomainError, NotFound, PermissionDenied, RuleViolation
from eventsys.events.models import Event
from eventsys.files import FileStore
from eventsys.privacy import erasure
from eventsys.privacy import services as privacy
from eventsys.privacy.services import DEFAULT_NOTICE_VERSION, current_notice_version
from eventsys.registration.models import Registration, RegistrationStatus
from eventsys.volunteers import thai
from eventsys.volunteers.crypto import IdCipher
from eventsys.volunteers.models import Volunteer, network_code

#: the built-in privacy notice's version; the current one is ``current_notice_version(session)``
#: (admins publish new versions at /admin/privacy)
PRIVACY_NOTICE_VERSION = DEFAULT_NOTICE_VERSION


@dataclass
class VolunteerData:
    """A person's details as typed, before validation."""

    first_name: str
    last_name: str = ""
    prefix: str = ""
    first_name_en: str = ""
    last_name_en: str = ""
    national_id: str = ""
    passport_no: str = ""
    phone: str = ""
    email: str = ""
    province: str = ""
    district: str = ""
    organization: str = ""
    position: str = ""
    network_type: str = ""
    language: str = "th"
    consent: bool = False
    extra: dict = field(default_factory=dict)


@dataclass
class CleanVolunteer:
    """Validated, normalised values ready to store."""

    prefix_code: str
    prefix: str
    first_name: str
    last_name: str
    first_name_en: str
    last_name_en: str
    national_id: str | None
    passport_no: str | None
    phone: str
    email: str
    province_code: str
    district: str
    organization: str
    position: str
    network_type: str
    language: str


#: an everyday ASCII address (name@host.tld); anything else goes through email_validator
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9][a-z0-9._+-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24}$"
)


def validate(data: VolunteerData, *, require_phone: bool = True) -> CleanVolunteer:
    """Normalise ``data`` or raise RuleViolation naming every bad field at once."""
    errors: dict[str, str] = {}
    first = thai.normalise_text(data.first_name)
    last = thai.normalise_text(data.last_name)
    if not first:
        errors["first_name"] = _l("First name: please enter the first name.")
    if len(first) > 120 or len(last) > 120:
        errors["last_name" if len(last) > 120 else "first_name"] = _l("Name: too long.")
    national_id = None
    if data.national_id and data.national_id.strip():
        try:
            national_id = thai.normalise_national_id(data.national_id)
        except ValueError as error:
            errors["national_id"] = (
                _l("National ID: the check digit does not match; please check the 13 digits.")
                if str(error) == "checksum"
                else _l("National ID: must be 13 digits, like 1-2345-67890-12-3.")
            )
    passport = None
    if data.passport_no and data.passport_no.strip():
        try:
            passport = thai.normalise_passport(data.passport_no)
        except ValueError:
            errors["passport_no"] = _l("Passport number: use 5–20 letters and digits.")
    phone = ""
    if data.phone and data.phone.strip():
        try:
            phone = thai.normalise_phone(data.phone)
        except ValueError:
            errors["phone"] = _l(
                "Phone: not a Thai phone number; use 10 digits for a mobile (08x-xxx-xxxx) "
                "or 9 for a landline (02-xxx-xxxx)."
            )
    elif require_phone:
        errors["phone"] = _l("Phone: please enter a phone number.")
    email = (data.email or "").strip().lower()
    plain = _PLAIN_EMAIL.match(email) and ".." not in email and ".@" not in email
    if email and not plain:  # everyday addresses need no full check
        from email_validator import EmailNotValidError, validate_email

        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors["email"] = _l("E-mail: not a valid e-mail address.")
    province_code = ""
    if data.province and data.province.strip():
        try:
            province_code = thai.resolve_province(data.province)
        except ValueError:
            errors["province"] = _l("Province: not one of the 77 provinces of Thailand.")
    prefix_code, prefix = thai.resolve_prefix(data.prefix)
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    return CleanVolunteer(
        prefix_code=prefix_code,
        prefix=prefix,
        first_name=first,
        last_name=last,
        first_name_en=thai.normalise_text(data.first_name_en)[:120],
        last_name_en=thai.normalise_text(data.last_name_en)[:120],
        national_id=national_id,
        passport_no=passport,
        phone=phone,
        email=email,
        province_code=province_code,
        district=thai.normalise_text(data.district)[:120],
        organization=thai.normalise_text(data.organization)[:300],
        position=thai.normalise_text(data.position)[:200],
        network_type=network_code(thai.normalise_text(data.network_type))[:60],
        language=data.language if data.language in ("th", "en") else "",
    )


def find_existing(session, clean: CleanVolunteer, *, cipher: IdCipher) -> Volunteer | None:
    """The record this person already has: by national ID, else passport, else name + phone."""
    if clean.national_id:
        return session.scalar(
            select(Volunteer).where(Volunteer.national_id_hash == cipher.lookup_hash(clean.national_id))
        )
    if clean.passport_no:
        found = session.scalar(
            select(Volunteer).where(Volunteer.passport_no == clean.passport_no, Volunteer.erased_at.is_(None))
        )
        if found:
            return found
    if clean.phone:
        return session.scalar(
            select(Volunteer)
            .where(
                Volunteer.first_name == clean.first_name,
                Volunteer.last_name == clean.last_name,
                Volunteer.phone == clean.phone,
                Volunteer.erased_at.is_(None),
            )
            .order_by(Volunteer.id)
            .limit(1)
        )
    return None


def _identities(clean: CleanVolunteer, *, cipher: IdCipher) -> list[str]:
    """What :func:`find_existing` may look a person up by, as strings, sorted (so that two
    requests lock them in the same order)."""
    if clean.national_id:
        return ["national_id:" + cipher.lookup_hash(clean.national_id)]
    keys = ["passport:" + clean.passport_no] if clean.passport_no else []
    if clean.phone:
        keys.append(f"name_phone:{clean.first_name}|{clean.last_name}|{clean.phone}")
    return sorted(keys)


def search_text_for(volunteer: Volunteer) -> str:
    """What substring search looks in: Thai and English names, lower-cased."""
    parts = (
        volunteer.first_name,
        volunteer.last_name,
        volunteer.first_name_en,
        volunteer.last_name_en,
    )
    return " ".join(p for p in parts if p).lower()


#: the stored fields an import compares to tell "updated" from "unchanged"
COMPARED_FIELDS = (
    "prefix_code",
    "prefix",
    "first_name",
    "last_name",
    "first_name_en",
    "last_name_en",
    "national_id_hash",
    "passport_no",
    "phone",
    "email",
    "province_code",
    "district",
    "organization",
    "position",
    "network_type",
    "language",
)


def snapshot(volunteer: Volunteer) -> tuple:
    return tuple(getattr(volunteer, name) for name in COMPARED_FIELDS)


def _set_national_id(volunteer: Volunteer, national_id: str | None, *, cipher: IdCipher | None) -> None:
    volunteer.national_id_encrypted = cipher.encrypt(national_id) if national_id else None
    volunteer.national_id_hash = cipher.lookup_hash(national_id) if national_id else None
    volunteer.national_id_tail = national_id[-4:] if national_id else None


def _apply(
    volunteer: Volunteer,
    clean: CleanVolunteer,
    *,
    cipher: IdCipher,
    fill_only: bool,
    replace: bool = False,
) -> None:
    """Copy values onto a record. ``fill_only`` keeps stored names (a match by ID must not let
    a stranger rename someone) but updates contact details. ``replace`` (an organizer's edit
    form) also clears fields left empty and may change the ID."""
    if replace or not fill_only or not volunteer.first_name:
        volunteer.prefix_code, volunteer.prefix = clean.prefix_code, clean.prefix
        volunteer.first_name, volunteer.last_name = clean.first_name, clean.last_name
    for name in (
        "first_name_en",
        "last_name_en",
        "district",
        "organization",
        "position",
        "network_type",
    ):
        value = getattr(clean, name)
        if replace or (
            value
            and (
                not fill_only or not getattr(volunteer, name) or name not in ("first_name_en", "last_name_en")
            )
        ):
            setattr(volunteer, name, value)
    for name in ("phone", "email", "province_code"):
        value = getattr(clean, name)
        if value or replace:
            setattr(volunteer, name, value)
    if replace:
        if clean.national_id != national_id_of(volunteer, cipher=cipher):
            _set_national_id(volunteer, clean.national_id, cipher=cipher)
        volunteer.passport_no = clean.passport_no
    else:
        if clean.national_id and not volunteer.national_id_hash:
            _set_national_id(volunteer, clean.national_id, cipher=cipher)
        if clean.passport_no and not volunteer.passport_no:
            volunteer.passport_no = clean.passport_no
    if clean.language:
        volunteer.language = clean.language
    volunteer.phone_tail = (volunteer.phone or "")[-4:]
    volunteer.search_text = search_text_for(volunteer)
    volunteer.sort_key = thai.sort_key(volunteer.first_name, volunteer.last_name)


def national_id_of(volunteer: Volunteer, *, cipher: IdCipher) -> str | None:
    """The person's full national ID, decrypted (callers audit-log showing it)."""
    if not volunteer.national_id_encrypted:
        return None
    return cipher.decrypt(volunteer.national_id_encrypted)


class PersonOnFile(DomainError):
    """The details typed match a person already on file (by national ID, passport, or name
    and phone). Data that others can know is no proof of identity: a public form must not
    link to, show or change that record until the submitter proves who they are."""

    status = 409
    code = "on_file"

    def __init__(self, volunteer: Volunteer):
        super().__init__(_l("This person is already on file."))
        self.volunteer = volunteer


def save_volunteer(
    session,
    data: VolunteerData,
    *,
    cipher: IdCipher,
    actor=None,
    now: datetime | None = None,
    require_phone: bool = True,
    update_names: bool = False,
    new_only: bool = False,
) -> tuple[Volunteer, bool]:
    """Create the person, or update the record they already have; returns (record, created).

    ``update_names`` lets an organizer correct names on a matched record; self-service
    registration only refreshes contact details. ``new_only`` (the public path) raises
    :class:`PersonOnFile` on a match instead of touching the record.
    """
    now = now or utcnow()
    clean = validate(data, require_phone=require_phone)
    # The same new person twice at once (a double tap on a slow network): the second waits
    # here for the first's commit, then finds the record instead of adding one.
    for identity in _identities(clean, cipher=cipher):
        lock_name(session, "volunteer:" + identity)
    volunteer = find_existing(session, clean, cipher=cipher)
    if volunteer is not None and new_only:
        raise PersonOnFile(volunteer)
    created = volunteer is None
    if created:
        volunteer = Volunteer(first_name="", created_at=now)
        session.add(volunteer)
    _apply(volunteer, clean, cipher=cipher, fill_only=not created and not update_names)
    volunteer.erased_at = None if created else volunteer.erased_at
    if data.consent:
        volunteer.consent_version = current_notice_version(session)
        volunteer.consent_at = now
    volunteer.updated_at = now
    session.flush()
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action="volunteer.create" if created else "volunteer.update",
            target=volunteer,
            now=now,
        )
    return volunteer, created


def update_volunteer(
    session,
    volunteer: Volunteer,
    data: VolunteerData,
    *,
    cipher: IdCipher,
    actor,
    now: datetime | None = None,
) -> Volunteer:
    """An organizer's correction of a record: every field as given (empty clears it).

    Raises RuleViolation if the national ID or passport belongs to another record (merge
    them instead), or if the record was erased.
    """
    now = now or utcnow()
    if volunteer.erased_at is not None:
        raise RuleViolation(_l("This person's data was erased; the record cannot be edited."))
    clean = validate(data, require_phone=False)
    if clean.national_id:
        owner = session.scalar(
            select(Volunteer.id).where(Volunteer.national_id_hash == cipher.lookup_hash(clean.national_id))
        )
        if owner is not None and owner != volunteer.id:
            raise RuleViolation(
                _l("National ID: already belongs to another record; merge the two records instead."),
                field="national_id",
            )
    if clean.passport_no:
        owner = session.scalar(
            select(Volunteer.id).where(
                Volunteer.passport_no == clean.passport_no, Volunteer.id != volunteer.id
            )
        )
        if owner is not None:
            raise RuleViolation(
                _l("Passport number: already belongs to another record; merge the two records instead."),
                field="passport_no",
            )
    _apply(volunteer, clean, cipher=cipher, fill_only=False, replace=True)
    if data.consent and not volunteer.consent_at:
        volunteer.consent_version, volunteer.consent_at = current_notice_version(session), now
    volunteer.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="volunteer.update", target=volunteer, now=now)
    return volunteer


def get_volunteer(session, volunteer_id: int) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound(_l("No such person."))
    return volunteer


# --- search and the list ------------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass
class VolunteerFilter:
    """What the list is narrowed to: free text plus exact filters."""

    q: str = ""
    province_code: str = ""
    network_type: str = ""
    organization: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.q.strip() or self.province_code or self.network_type or self.organization)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _term_condition(term: str, *, cipher: IdCipher):
    """One search word: a name fragment, or digits of a phone or national ID.

    Digits use indexed columns: the ID's keyed hash (13 digits), the phone (a whole number),
    the last four digits of the phone or of the ID (``phone_tail``, ``national_id_tail``).
    """
    digits = thai.digits_only(term).lstrip("+")
    if digits.isdigit():
        if len(digits) == 13:
            conditions = [Volunteer.national_id_hash == cipher.lookup_hash(digits)]
            if digits.startswith("66"):
                conditions.append(Volunteer.phone == "0" + digits[2:])
            return or_(*conditions)
        if len(digits) in (11, 12) and digits.startswith("66"):
            digits = "0" + digits[2:]
        if len(digits) >= 4:
            tail = digits[-4:]
            conditions = [and_(Volunteer.phone_tail == tail, Volunteer.phone.like(f"%{digits}"))]
            if len(digits) == 4:
                conditions.append(Volunteer.national_id_tail == tail)
            return or_(*conditions)
        return or_(Volunteer.phone_tail.like(f"%{digits}"), Volunteer.national_id_tail.like(f"%{digits}"))
    fragment = thai.normalise_text(term).lower()
    if len(fragment) < 3:
        # Too short for trigrams. A position test (unlike LIKE) is estimated to match often,
        # so PostgreSQL walks ix_volunteers_live_order in Thai order and stops at a page.
        return _Position(Volunteer.search_text, literal(fragment)) > 0
    return Volunteer.search_text.like(f"%{_like_escape(fragment)}%", escape="\\")


class _Position(FunctionElement):
    """Where ``needle`` starts in ``haystack`` (1-based, 0 if absent): strpos / instr."""

    type = Integer()
    inherit_cache = True


@compiles(_Position)
def _position_default(element, compiler, **kw):
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_Position, "postgresql")
def _position_postgresql(element, compiler, **kw):
    return f"strpos({compiler.process(element.clauses, **kw)})"


def filtered_query(filters: VolunteerFilter, *, cipher: IdCipher) -> Select:
    """People matching ``filters`` (every word must match), erased records left out."""
    query = select(Volunteer).where(Volunteer.erased_at.is_(None))
    for term in thai.normalise_text(filters.q).split(" "):
        if term:
            query = query.where(_term_condition(term, cipher=cipher))
    if filters.province_code:
        query = query.where(Volunteer.province_code == filters.province_code)
    if filters.network_type:
        query = query.where(Volunteer.network_type == filters.network_type)
    if filters.organization:
        query = query.where(Volunteer.organization == thai.normalise_text(filters.organization))
    return query


@dataclass
class VolunteerPage:
    people: list[Volunteer]
    page: int
    has_next: bool
    #: how many match, counted up to COUNT_LIMIT; None for a text search (not counted)
    total: int | None
    total_is_more: bool = False  #: more than COUNT_LIMIT match


#: counting stops here: the list says "more than 10,000" rather than read every row
COUNT_LIMIT = 10_000


def list_volunteers(session, filters: VolunteerFilter, *, cipher: IdCipher, page: int = 1) -> VolunteerPage:
    """One page of people in Thai dictionary order (first name, then last name).

    The page's ids are picked first from ``ix_volunteers_live_order`` alone (sort key, id and
    search text are all in it), then only those rows are read: deep pages and name searches
    never fetch rows they skip.
    """
    page = max(1, page)
    ids = (
        filtered_query(filters, cipher=cipher)
        .with_only_columns(Volunteer.id)
        .order_by(Volunteer.sort_key, Volunteer.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    people = list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(ids.scalar_subquery()))
            .order_by(Volunteer.sort_key, Volunteer.id)
        )
    )
    total, more = None, False
    if not filters.q.strip():
        capped = filtered_query(filters, cipher=cipher).with_only_columns(Volunteer.id).limit(COUNT_LIMIT + 1)
        total = session.scalar(select(func.count()).select_from(capped.subquery()))
        more = total > COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
    return VolunteerPage(
        people=people[:PAGE_SIZE],
        page=page,
        has_next=len(people) > PAGE_SIZE,
        total=total,
        total_is_more=more,
    )


_choices_cache: dict[str, tuple[float, dict[str, list[str]]]] = {}
CHOICES_MAX_AGE = 60.0  # seconds


def filter_choices(session) -> dict[str, list[str]]:
    """Network types and organizations on record (the list's filter menus); kept for a
    minute per process, since reading them takes longer than the list itself."""
    key = str(session.get_bind().url)
    cached = _choices_cache.get(key)
    if cached and time.monotonic() - cached[0] < CHOICES_MAX_AGE:
        return cached[1]
    choices = _read_filter_choices(session)
    _choices_cache[key] = (time.monotonic(), choices)
    return choices


def _read_filter_choices(session) -> dict[str, list[str]]:
    networks = session.scalars(
        select(Volunteer.network_type)
        .where(Volunteer.network_type != "")
        .distinct()
        .order_by(Volunteer.network_type)
    )
    organizations = session.scalars(
        select(Volunteer.organization)
        .where(Volunteer.organization != "")
        .distinct()
        .order_by(Volunteer.organization)
        .limit(500)
    )
    return {"network_types": list(networks)[:200], "organizations": list(organizations)}


# --- a person's history -------------------------------------------------------------------------


@dataclass
class Attendance:
    registration: Registration
    check_ins: list[CheckIn]
    certificate: Certificate | None


def history(session, volunteer: Volunteer) -> list[Attendance]:
    """The person's registrations (newest event first) with check-ins and certificate."""
    registrations = list(
        session.scalars(
            select(Registration)
            .join(Event, Registration.event_id == Event.id)
            .where(Registration.volunteer_id == volunteer.id)
            .order_by(Event.starts_at.desc(), Registration.id.desc())
        )
    )
    ids = [r.id for r in registrations]
    check_ins: dict[int, list[CheckIn]] = {i: [] for i in ids}
    certificates: dict[int, Certificate] = {}
    if ids:
        for check_in in session.scalars(
            select(CheckIn).where(CheckIn.registration_id.in_(ids)).order_by(CheckIn.checked_in_at)
        ):
            check_ins[check_in.registration_id].append(check_in)
        for certificate in session.scalars(select(Certificate).where(Certificate.registration_id.in_(ids))):
            certificates[certificate.registration_id] = certificate
    return [Attendance(r, check_ins[r.id], certificates.get(r.id)) for r in registrations]


def attendance_counts(session, volunteer: Volunteer) -> dict[str, int]:
    registered = session.scalar(
        select(func.count(Registration.id)).where(Registration.volunteer_id == volunteer.id)
    )
    attended = session.scalar(
        select(func.count(func.distinct(CheckIn.registration_id)))
        .join(Registration, CheckIn.registration_id == Registration.id)
        .where(Registration.volunteer_id == volunteer.id)
    )
    return {"registered": registered or 0, "attended": attended or 0}


# --- PDPA: view, export, erase ------------------------------------------------------------------


def reveal_national_id(
    session, volunteer: Volunteer, *, cipher: IdCipher, actor, now: datetime
) -> str | None:
    """The full national ID for an admin; the viewing is audit logged."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators may see full national IDs."))
    audit.record(session, actor=actor, action="volunteer.view_full_id", target=volunteer, now=now)
    return national_id_of(volunteer, cipher=cipher)


def person_export(session, volunteer: Volunteer, *, cipher: IdCipher, actor, now: datetime) -> dict[str, Any]:
    """Everything held on one person (PDPA right of access), for an admin; audit logged."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators may export a person's data."))
    audit.record(session, actor=actor, action="volunteer.export_person", target=volunteer, now=now)

    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    person = {
        "id": volunteer.id,
        "prefix": volunteer.prefix,
        "prefix_code": volunteer.prefix_code,
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "first_name_en": volunteer.first_name_en,
        "last_name_en": volunteer.last_name_en,
        "national_id": national_id_of(volunteer, cipher=cipher),
        "passport_no": volunteer.passport_no,
        "phone": volunteer.phone,
        "email": volunteer.email,
        "province_code": volunteer.province_code,
        "province": thai.province_name(volunteer.province_code),
        "district": volunteer.district,
        "organization": volunteer.organization,
        "position": volunteer.position,
        "network_type": volunteer.network_type,
        "language": volunteer.language,
        "consent_version": volunteer.consent_version,
        "consent_at": when(volunteer.consent_at),
        "created_at": when(volunteer.created_at),
        "updated_at": when(volunteer.updated_at),
        "erased_at": when(volunteer.erased_at),
    }
    registrations = [
        {
            "event": {"id": item.registration.event.id, "title": item.registration.event.title},
            "status": str(item.registration.status),
            "source": str(item.registration.source),
            "answers": item.registration.answers,
            "consent_version": item.registration.consent_version,  # the same, under its old name
            "privacy_notice_version": item.registration.consent_version,
            "created_at": when(item.registration.created_at),
            "check_ins": [
                {"session_id": c.session_id, "checked_in_at": when(c.checked_in_at), "method": str(c.method)}
                for c in item.check_ins
            ],
            "certificate": (
                {"serial": item.certificate.serial, "issued_at": when(item.certificate.issued_at)}
                if item.certificate
                else None
            ),
        }
        for item in history(session, volunteer)
    ]
    return {
        "exported_at": when(now),
        "person": person,
        "registrations": registrations,
        "consents": privacy.consents_export(session, volunteer),
    }


ERASED_NAME = "(ลบข้อมูลแล้ว)"


def erase_volunteer(
    session, volunteer: Volunteer, *, actor, now: datetime, files: FileStore, cipher: IdCipher | None = None
) -> Volunteer:
    """Anonymise a person (PDPA erasure): personal fields emptied, the ID and its hash
    removed; registrations and check-ins stay, so attendance counts are kept. Every other
    copy goes too (``privacy.erasure``: jobs, import reports and uploads, the outbox, bulk
    outputs in ``files``); ``cipher`` lets it find the full national ID there as well."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators may erase a person's data."))
    if volunteer.erased_at is not None:
        raise Conflict(_l("This person's data was already erased."))
    national_id = (
        cipher.decrypt(volunteer.national_id_encrypted)
        if cipher and volunteer.national_id_encrypted
        else None
    )
    erasure.erase_copies(session, volunteer, files=files, national_id=national_id)
    for name in (
        "prefix_code",
        "prefix",
        "last_name",
        "first_name_en",
        "last_name_en",
        "phone",
        "phone_tail",
        "email",
        "district",
        "organization",
        "position",
        "network_type",
        "search_text",
        "consent_version",
    ):
        setattr(volunteer, name, "")
    volunteer.first_name = ERASED_NAME
    volunteer.province_code = ""
    _set_national_id(volunteer, None, cipher=None)
    volunteer.passport_no = None
    volunteer.consent_at = None
    volunteer.sort_key = thai.sort_key(ERASED_NAME)
    for registration in session.scalars(
        select(Registration).where(Registration.volunteer_id == volunteer.id)
    ):
        registration.answers = {}
    privacy.erase_consents(session, volunteer)
    volunteer.erased_at = now
    volunteer.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="volunteer.erase", target=volunteer, now=now)
    return volunteer


# --- duplicates and merging ---------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    reason: str  # "name" | "phone"
    people: list[Volunteer]


def likely_duplicates(session, *, limit: int = 50) -> list[DuplicateGroup]:
    """Groups of records that probably describe one person: the same Thai name, or the
    same phone number (a national ID is unique, so those never double)."""
    live = Volunteer.erased_at.is_(None)
    groups: list[DuplicateGroup] = []
    names = session.execute(
        select(Volunteer.first_name, Volunteer.last_name)
        .where(live, Volunteer.first_name != "")
        .group_by(Volunteer.first_name, Volunteer.last_name)
        .having(func.count(Volunteer.id) > 1)
        .limit(limit)
    ).all()
    for first, last in names:
        people = session.scalars(
            select(Volunteer)
            .where(live, Volunteer.first_name == first, Volunteer.last_name == last)
            .order_by(Volunteer.id)
        )
        groups.append(DuplicateGroup("name", list(people)))
    phones = session.scalars(
        select(Volunteer.phone)
        .where(live, Volunteer.phone != "")
        .group_by(Volunteer.phone)
        .having(func.count(func.distinct(Volunteer.first_name + " " + Volunteer.last_name)) > 1)
        .limit(limit)
    ).all()
    for phone in phones:
        people = session.scalars(
            select(Volunteer).where(live, Volunteer.phone == phone).order_by(Volunteer.id)
        )
        groups.append(DuplicateGroup("phone", list(people)))
    return groups


def _registration_rank(registration: Registration, check_in_count: int) -> tuple:
    """Which of two registrations for one event survives a merge: one holding a seat (a
    confirmed one before one awaiting approval), then one with check-ins, then the older."""
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return (registration.holds_seat, confirmed, check_in_count > 0, -registration.id)


def merge_volunteers(
    session,
    *,
    keep: Volunteer,
    drop: Volunteer,
    cipher: IdCipher,
    actor,
    now: datetime,
) -> dict[str, Any]:
    """Fold ``drop`` into ``keep``: registrations, check-ins and certificates move to the kept
    record, empty fields on it are filled from the other, and ``drop`` is deleted.

    When both registered for the same event, the better registration survives (a seat, then
    check-ins, then the older) and takes the other's check-ins (one per list) and certificate;
    if both held a seat, the one freed goes to the event's waitlist (``fill_seats``: the
    promoted are e-mailed once the caller commits and sends the queued notices).
    Raises RuleViolation for a record merged into itself or an erased record, Conflict when
    both hold a certificate for the same event.

    Locks are taken as registering takes them, the person before the event: both records'
    rows, then the events of ``drop``'s registrations, in id order.
    """
    if keep.id == drop.id:
        raise RuleViolation(_l("Choose two different records to merge."))
    if keep.erased_at is not None or drop.erased_at is not None:
        raise RuleViolation(_l("An erased record cannot be merged."))
    from eventsys.registration.services import fill_seats, lock_event  # that module imports this one

    details: dict[str, Any] = {
        "merged_id": drop.id,
        "moved": [],
        "combined": [],
        "check_ins_dropped": 0,
        "promoted": [],
    }
    # Registering for either person now waits (it updates their row before locking the
    # event); moving or removing a registration changes who holds the event's seats, so it
    # happens under the event's lock, like registering.
    session.execute(
        select(Volunteer.id)
        .where(Volunteer.id.in_([keep.id, drop.id]))
        .order_by(Volunteer.id)
        .with_for_update()
    )
    drop_events = session.scalars(select(Registration.event_id).where(Registration.volunteer_id == drop.id))
    locked = {event_id: lock_event(session, event_id) for event_id in sorted(set(drop_events))}
    # Then both people's registrations, as a cancel locks one: a scan in flight (its
    # check-in holds the row ``FOR SHARE``) commits first and its check-in is counted and
    # moved below; a scan arriving later waits and then reads the merged result. Without
    # this a registration could be deleted under a check-in being made (the check-ins'
    # foreign key cascades: the check-in would be lost).
    session.execute(
        select(Registration)
        .where(Registration.volunteer_id.in_([keep.id, drop.id]))
        .order_by(Registration.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    freed: list[int] = []
    kept_by_event = {
        r.event_id: r
        for r in session.scalars(select(Registration).where(Registration.volunteer_id == keep.id))
    }
    for registration in list(
        session.scalars(select(Registration).where(Registration.volunteer_id == drop.id))
    ):
        other = kept_by_event.get(registration.event_id)
        if other is None:
            registration.volunteer_id = keep.id
            details["moved"].append(registration.id)
            continue
        counts = {
            r.id: session.scalar(select(func.count(CheckIn.id)).where(CheckIn.registration_id == r.id))
            for r in (registration, other)
        }
        winner, loser = sorted(
            (registration, other), key=lambda r: _registration_rank(r, counts[r.id]), reverse=True
        )
        certificates = {
            r.id: session.scalar(select(Certificate).where(Certificate.registration_id == r.id))
            for r in (winner, loser)
        }
        if certificates[winner.id] and certificates[loser.id]:
            raise Conflict(
                _l("Both records hold a certificate for “%(event)s”; revoke one before merging.")
                % {"event": registration.event.title}
            )
        taken = {
            c.session_id for c in session.scalars(select(CheckIn).where(CheckIn.registration_id == winner.id))
        }
        for check_in in list(session.scalars(select(CheckIn).where(CheckIn.registration_id == loser.id))):
            if check_in.session_id in taken:
                session.delete(check_in)
                details["check_ins_dropped"] += 1
            else:
                check_in.registration_id = winner.id
                taken.add(check_in.session_id)
        session.flush()
        if certificates[loser.id]:
            certificates[loser.id].registration_id = winner.id
        winner.answers = {**(loser.answers or {}), **(winner.answers or {})}
        if loser.holds_seat:
            freed.append(registration.event_id)
        session.flush()
        session.delete(loser)
        session.flush()
        winner.volunteer_id = keep.id
        details["combined"].append(
            {"event_id": registration.event_id, "kept": winner.id, "removed": loser.id}
        )
    session.flush()
    for event_id in freed:  # one person held two seats: the second goes to the waitlist
        details["promoted"].extend(
            r.id for r in fill_seats(session, event=locked[event_id], actor=actor, now=now)
        )
    # Fill the kept record's empty fields from the other one.
    national_id = national_id_of(drop, cipher=cipher) if not keep.national_id_hash else None
    passport = drop.passport_no if not keep.passport_no else None
    for name in (
        "prefix_code",
        "prefix",
        "last_name",
        "first_name_en",
        "last_name_en",
        "phone",
        "email",
        "province_code",
        "district",
        "organization",
        "position",
        "network_type",
    ):
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
    if not keep.consent_at and drop.consent_at:
        keep.consent_version, keep.consent_at = drop.consent_version, drop.consent_at
    privacy.merge_consents(session, keep=keep, drop=drop)
    session.delete(drop)
    session.flush()  # the dropped record's unique ID hash is gone before the kept one takes it
    if national_id:
        _set_national_id(keep, national_id, cipher=cipher)
    if passport:
        keep.passport_no = passport
    keep.phone_tail = keep.phone[-4:]
    keep.search_text = search_text_for(keep)
    keep.sort_key = thai.sort_key(keep.first_name, keep.last_name)
    keep.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="volunteer.merge", target=keep, details=details, now=now)
    return details


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One data row of a sheet: its row number as the reader sees it, and the values."""

    number: int
    data: VolunteerData
    #: the "record ID" column written by our own export (links a round trip without an ID)
    record_id: int | None = None
    #: the cells as read, kept on a skipped row's outcome for the error sheet
    values: dict[str, str] | None = None


@dataclass
class RowOutcome:
    number: int
    status: str  # created | updated | unchanged | skipped
    reason: str = ""
    volunteer_id: int | None = None
    name: str = ""
    values: dict[str, str] | None = None


def _reason(error: RuleViolation) -> str:
    return " ".join(str(message) for message in error.fields.values()) or str(error.message)


class _BatchIndex:
    """Records of the current batch by every key a row can match on."""

    def __init__(self) -> None:
        self.by_hash: dict[str, Volunteer] = {}
        self.by_id: dict[int, Volunteer] = {}
        self.by_passport: dict[str, Volunteer] = {}
        self.by_name_phone: dict[tuple[str, str, str], Volunteer] = {}

    def add(self, volunteer: Volunteer) -> None:
        if volunteer.national_id_hash:
            self.by_hash.setdefault(volunteer.national_id_hash, volunteer)
        if volunteer.id:
            self.by_id.setdefault(volunteer.id, volunteer)
        if volunteer.erased_at is None:
            if volunteer.passport_no:
                self.by_passport.setdefault(volunteer.passport_no, volunteer)
            if volunteer.phone:
                key = (volunteer.first_name, volunteer.last_name, volunteer.phone)
                self.by_name_phone.setdefault(key, volunteer)


def _load_batch_index(session, cleaned: list[tuple[ImportRow, CleanVolunteer, str | None]]) -> _BatchIndex:
    """Every stored record that a row of the batch could match, in four indexed queries."""
    index = _BatchIndex()
    hashes = {h for _row, _clean, h in cleaned if h}
    ids = {row.record_id for row, _clean, _h in cleaned if row.record_id}
    passports = {clean.passport_no for _row, clean, _h in cleaned if clean.passport_no}
    phones = {clean.phone for _row, clean, _h in cleaned if clean.phone}
    found: list[Volunteer] = []
    if hashes:
        found += session.scalars(select(Volunteer).where(Volunteer.national_id_hash.in_(hashes)))
    if ids:
        found += session.scalars(select(Volunteer).where(Volunteer.id.in_(ids)))
    if passports:
        found += session.scalars(select(Volunteer).where(Volunteer.passport_no.in_(passports)))
    if phones:
        found += session.scalars(select(Volunteer).where(Volunteer.phone.in_(phones)))
    for volunteer in sorted(found, key=lambda v: v.id):
        index.add(volunteer)
    return index


def _match(index: _BatchIndex, row: ImportRow, clean: CleanVolunteer, lookup: str | None) -> Volunteer | None:
    """The same order as :func:`find_existing`, plus our export's record ID for rows without
    an ID (a masked export): accepted only if the name or the phone agrees."""
    if lookup:
        return index.by_hash.get(lookup)
    if row.record_id and row.record_id in index.by_id:
        candidate = index.by_id[row.record_id]
        if candidate.erased_at is None and (
            (candidate.first_name, candidate.last_name) == (clean.first_name, clean.last_name)
            or (clean.phone and candidate.phone == clean.phone)
        ):
            return candidate
    if clean.passport_no and clean.passport_no in index.by_passport:
        return index.by_passport[clean.passport_no]
    if clean.phone:
        return index.by_name_phone.get((clean.first_name, clean.last_name, clean.phone))
    return None


#: an import that writes this many rows is followed by VACUUM (ANALYZE) on PostgreSQL
ANALYZE_AFTER = 5_000


class _Draft:
    """A new record's values before its bulk insert: plain attributes, none of the ORM's
    bookkeeping (an import creates 100,000 of them)."""

    def __init__(self, now: datetime):
        self.__dict__.update(_INSERT_DEFAULTS)
        self.created_at = self.updated_at = now
        self.id = None


_INSERT_DEFAULTS = {
    column.key: column.default.arg if column.default is not None and column.default.is_scalar else None
    for column in Volunteer.__table__.columns
    if column.key != "id"
}


def _insert_drafts(session, drafts: list[_Draft]) -> None:
    """Insert the batch's new records and set their ids on the drafts.

    PostgreSQL: ids drawn from the table's sequence, rows sent with COPY (a multi-row INSERT
    of 1,000 × 28 parameters costs psycopg more to parse than the database to run). SQLite:
    one executemany; inside this write transaction a rowid table gives each new row
    max(id) + 1 in order (had another writer slipped in, SQLite refuses our INSERT on the
    stale snapshot rather than interleave).
    """
    if not drafts:
        return
    table = Volunteer.__table__
    if session.get_bind().dialect.name == "postgresql":
        ids = list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('volunteers', 'id')) FROM generate_series(1, :n)"
                ),
                {"n": len(drafts)},
            )
        )
        columns = ", ".join(["id", *_INSERT_DEFAULTS])
        connection = session.connection().connection.driver_connection
        with connection.cursor() as cursor, cursor.copy(f"COPY volunteers ({columns}) FROM STDIN") as copy:
            for new_id, draft in zip(ids, drafts, strict=True):
                copy.write_row([new_id, *(draft.__dict__[key] for key in _INSERT_DEFAULTS)])
    else:
        first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        session.execute(
            insert(table), [{key: draft.__dict__[key] for key in _INSERT_DEFAULTS} for draft in drafts]
        )
        ids = list(range(first, first + len(drafts)))
    for draft, new_id in zip(drafts, ids, strict=True):
        draft.id = new_id


def import_rows(
    session,
    rows: Iterable[ImportRow],
    *,
    cipher: IdCipher,
    actor=None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> list[RowOutcome]:
    """Create or update one record per row; a bad row is skipped with its reason and the
    others go on. Rows naming a person already on record (by national ID, passport, or
    name and phone; also earlier rows of the same file) update that record's contact
    details and never create a second one. A masked ID (``x-xxxx-…``) is ignored, so it
    never replaces a stored one.

    Flushes every ``batch_size`` rows and then calls ``progress(rows_done)``, which may
    commit. One audit line records the whole import.
    """
    now = now or utcnow()
    notice_version = current_notice_version(session)
    outcomes: list[RowOutcome] = []
    batch: list[ImportRow] = []

    def run_batch() -> None:
        results: list[RowOutcome] = []
        cleaned: list[tuple[ImportRow, CleanVolunteer, str | None]] = []
        for row in batch:
            try:
                clean = validate(row.data, require_phone=False)
            except RuleViolation as error:
                name = f"{row.data.first_name} {row.data.last_name}".strip()
                results.append(
                    RowOutcome(row.number, "skipped", _reason(error), name=name, values=row.values)
                )
                continue
            lookup = cipher.lookup_hash(clean.national_id) if clean.national_id else None
            cleaned.append((row, clean, lookup))
        session.flush()
        index = _load_batch_index(session, cleaned)
        drafts: list[_Draft] = []
        on_drafts: list[tuple[RowOutcome, _Draft]] = []
        for row, clean, lookup in cleaned:
            record = _match(index, row, clean, lookup)
            name = f"{clean.first_name} {clean.last_name}".strip()
            if record is None:
                record = _Draft(now)
                _apply(record, clean, cipher=cipher, fill_only=False)
                if row.data.consent:
                    record.consent_version, record.consent_at = notice_version, now
                drafts.append(record)
                index.add(record)
                outcome = RowOutcome(row.number, "created", name=name)
            else:
                before = snapshot(record)
                _apply(record, clean, cipher=cipher, fill_only=True)
                changed = snapshot(record) != before
                if changed:
                    record.updated_at = now
                index.add(record)
                outcome = RowOutcome(
                    row.number, "updated" if changed else "unchanged", volunteer_id=record.id, name=name
                )
            results.append(outcome)
            if isinstance(record, _Draft):
                on_drafts.append((outcome, record))
        _insert_drafts(session, drafts)
        session.flush()
        for outcome, draft in on_drafts:
            outcome.volunteer_id = draft.id
        outcomes.extend(sorted(results, key=lambda o: o.number))
        batch.clear()

    done = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            done += len(batch)
            run_batch()
            if progress:
                progress(done)
    if batch:
        done += len(batch)
        run_batch()
        if progress:
            progress(done)
    counts = import_counts(outcomes)
    audit.record(session, actor=actor, action="volunteer.import", details=counts, now=now)
    session.flush()
    return outcomes


def tidy_after_import(engine, outcomes: list[RowOutcome]) -> None:
    """After a large import has committed, on PostgreSQL: ``VACUUM (ANALYZE)`` the table.

    Fresh statistics let the planner see 100,000 rows rather than an empty table, and a set
    visibility map lets the list and name search read ``ix_volunteers_live_order`` alone.
    (Autovacuum would get there within minutes.)"""
    counts = import_counts(outcomes)
    if counts["created"] + counts["updated"] < ANALYZE_AFTER or engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) volunteers"))


def import_counts(outcomes: list[RowOutcome]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return counts
