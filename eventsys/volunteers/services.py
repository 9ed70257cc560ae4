"""Volunteer registry rules: validate, deduplicate, save.

One person is one record: a known national ID (or, without one, a known passport number,
or the same name and phone) links to the existing record and updates its contact details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys import audit
from eventsys.db import utcnow
from eventsys.errors import RuleViolation
from eventsys.volunteers import thai
from eventsys.volunteers.crypto import IdCipher
from eventsys.volunteers.models import Volunteer

#: version of the privacy notice shown at collection (see templates/volunteers/_privacy.html)
PRIVACY_NOTICE_VERSION = "2026-11-v1"


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
    if email:
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
        network_type=thai.normalise_text(data.network_type)[:60],
        language=data.language if data.language in ("th", "en") else "th",
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


def search_text_for(volunteer: Volunteer) -> str:
    """What substring search looks in: Thai and English names, lower-cased."""
    parts = (
        volunteer.first_name,
        volunteer.last_name,
        volunteer.first_name_en,
        volunteer.last_name_en,
    )
    return " ".join(p for p in parts if p).lower()


def _apply(volunteer: Volunteer, clean: CleanVolunteer, *, cipher: IdCipher, fill_only: bool) -> None:
    """Copy values onto a record. ``fill_only`` keeps stored names (a match by ID must not let
    a stranger rename someone) but updates contact details."""
    if not fill_only or not volunteer.first_name:
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
        if value and (
            not fill_only or not getattr(volunteer, name) or name not in ("first_name_en", "last_name_en")
        ):
            setattr(volunteer, name, value)
    for name in ("phone", "email", "province_code"):
        value = getattr(clean, name)
        if value:
            setattr(volunteer, name, value)
    if clean.national_id and not volunteer.national_id_hash:
        volunteer.national_id_encrypted = cipher.encrypt(clean.national_id)
        volunteer.national_id_hash = cipher.lookup_hash(clean.national_id)
        volunteer.national_id_tail = clean.national_id[-4:]
    if clean.passport_no and not volunteer.passport_no:
        volunteer.passport_no = clean.passport_no
    volunteer.language = clean.language
    volunteer.search_text = search_text_for(volunteer)
    volunteer.sort_key = thai.sort_key(volunteer.first_name, volunteer.last_name)


def save_volunteer(
    session,
    data: VolunteerData,
    *,
    cipher: IdCipher,
    actor=None,
    now: datetime | None = None,
    require_phone: bool = True,
    update_names: bool = False,
) -> tuple[Volunteer, bool]:
    """Create the person, or update the record they already have; returns (record, created).

    ``update_names`` lets an organizer correct names on a matched record; self-service
    registration only refreshes contact details.
    """
    now = now or utcnow()
    clean = validate(data, require_phone=require_phone)
    volunteer = find_existing(session, clean, cipher=cipher)
    created = volunteer is None
    if created:
        volunteer = Volunteer(first_name="", created_at=now)
        session.add(volunteer)
    _apply(volunteer, clean, cipher=cipher, fill_only=not created and not update_names)
    volunteer.erased_at = None if created else volunteer.erased_at
    if data.consent:
        volunteer.consent_version = PRIVACY_NOTICE_VERSION
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
