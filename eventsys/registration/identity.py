"""Proof of identity on the public path.

A national ID, a name or a phone number is known to many people (ID-card copies change
hands every week), so a public submission that matches a person on file proves nothing.
Until the submitter proves control of a contact **already on that record** (a one-time
code sent there) nothing about the person is shown, returned or changed. A person with no
contact on file, or a submitter who cannot receive the code, goes to the organizer's
identity check instead (an :class:`IdentityReview`), decided against an ID card.

Codes live ``CODE_LIFETIME``, allow ``MAX_ATTEMPTS`` tries, are stored as an HMAC, and are
rate-limited per person and per client address; a new code voids the old one. Messages go
out as background jobs after the commit (``MESSAGE_JOB``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from eventsys import audit
from eventsys.db import lock_name
from eventsys.errors import Conflict, DomainError, RuleViolation
from eventsys.events.models import Event
from eventsys.jobs.services import create_job, queue_after_commit
from eventsys.masking import mask_email, mask_phone
from eventsys.privacy.services import record_consents
from eventsys.registration.models import (
    IdentityReview,
    IdentityReviewStatus,
    IdentityVerification,
    Registration,
    RegistrationSource,
)
from eventsys.registration.services import register
from eventsys.volunteers import thai
from eventsys.volunteers.crypto import IdCipher
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.services import VolunteerData, search_text_for, validate
from eventsys.volunteers.thai import is_mobile

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
#: codes one person may be sent in ``RATE_WINDOW``, whoever asks
MAX_CODES_PER_PERSON = 5
#: verifications one client address may start in ``RATE_WINDOW`` (the default of the
#: ``IDENTITY_CHECKS_PER_ADDRESS`` setting: a venue's shared Wi-Fi is one address)
MAX_STARTS_PER_CLIENT = 20
RATE_WINDOW = timedelta(hours=1)
#: "send a new code" waits this long after the last one
RESEND_AFTER = timedelta(seconds=30)
#: the job kind that sends codes, change notices and links (by SMS and/or e-mail)
MESSAGE_JOB = "identity_message"
#: the contact details a verified submission may change on the record
CONTACT_FIELDS = ("phone", "email")


class VerificationExpired(DomainError):
    status = 410
    code = "verification_expired"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


class WrongCode(RuleViolation):
    """Not the code that was sent (the try is counted)."""


class TooManyCodes(DomainError):
    status = 429
    code = "too_many_requests"


def _hmac(key: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(key.encode(), b"eventsys identity v1\x1f" + message, hashlib.sha256).hexdigest()


def client_hash(key: str, address: str) -> str:
    """A keyed hash of a client address: counts per address without storing it."""
    return _hmac(key, "client", address or "")[:32]


def contacts_on_file(volunteer: Volunteer) -> dict[str, str]:
    """Where a code can go: ``{"sms": phone, "email": address}``, either may be missing."""
    contacts = {}
    if volunteer.erased_at is None and is_mobile(volunteer.phone):
        contacts["sms"] = volunteer.phone
    if volunteer.erased_at is None and volunteer.email:
        contacts["email"] = volunteer.email
    return contacts


def masked(contacts: dict[str, str]) -> list[str]:
    out = []
    if "sms" in contacts:
        out.append(mask_phone(contacts["sms"]))
    if "email" in contacts:
        out.append(mask_email(contacts["email"]))
    return out


def submission_of(data: VolunteerData, answers: dict[str, Any], consents: set[str] | list[str]) -> dict:
    """What the submitter typed, kept until the proof (the national ID and passport only as
    their last digits: the match is already made, and a copy would outlive the need)."""
    typed = asdict(data)
    typed.pop("extra", None)
    typed.pop("consent", None)
    for secret, value in (
        ("national_id", thai.digits_only(data.national_id)),
        ("passport_no", data.passport_no),
    ):
        typed[secret] = "…" + value[-4:] if value else ""
    return {"data": typed, "answers": answers or {}, "consents": sorted(consents or ())}


def queue_message(
    session, message: str, *, to_phone: str = "", to_email: str = "", always: bool = False, **params: Any
) -> None:
    """One identity message (``code``, ``contact_changed``, ``link``, ``review_*``) to the
    given destinations, sent by a background job after the commit. Nothing is queued
    without a destination, unless ``always`` (a lost-ticket request does the same work
    whether or not anyone matched)."""
    if not (to_phone or to_email or always):
        return
    job = create_job(
        session,
        kind=MESSAGE_JOB,
        params={"message": message, "to_phone": to_phone, "to_email": to_email, **params},
    )
    queue_after_commit(session, job)


def tell_old_contact(session, *, phone: str, email: str, changed: list[str], language: str) -> None:
    """The old phone and e-mail hear that they were replaced on the record: a takeover, or
    a link shared by mistake, does not go unnoticed."""
    queue_message(
        session,
        "contact_changed",
        to_phone=phone if "phone" in changed and is_mobile(phone) else "",
        to_email=email if "email" in changed else "",
        fields=changed,
        language=language or "th",
    )


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _check_rates(
    session,
    *,
    volunteer: Volunteer,
    client: str,
    now: datetime,
    starting: bool,
    per_client: int | None = None,
) -> None:
    since = now - RATE_WINDOW
    sent = session.scalar(
        select(func.coalesce(func.sum(IdentityVerification.sends), 0)).where(
            IdentityVerification.volunteer_id == volunteer.id, IdentityVerification.code_sent_at >= since
        )
    )
    if sent >= MAX_CODES_PER_PERSON:
        raise TooManyCodes(_l("Too many codes were sent for this person. Please try again in an hour."))
    if starting and client:
        started = session.scalar(
            select(func.count()).where(
                IdentityVerification.client_hash == client, IdentityVerification.created_at >= since
            )
        )
        if started >= (per_client or MAX_STARTS_PER_CLIENT):
            raise TooManyCodes(_l("Too many attempts from this connection. Please try again later."))


def start_verification(
    session,
    *,
    event: Event,
    volunteer: Volunteer,
    submission: dict,
    client: str,
    key: str,
    now: datetime,
    per_client: int | None = None,
) -> IdentityVerification | IdentityReview:
    """Send a code to the contacts on ``volunteer``'s record, or, with none on file, hold
    the submission for the organizer's identity check. Raises TooManyCodes."""
    contacts = contacts_on_file(volunteer)
    if not contacts:
        return open_review(
            session, event=event, volunteer=volunteer, submission=submission, reason="no_contact", now=now
        )
    lock_name(session, f"identity:{volunteer.id}")  # codes for one person are counted in turn
    purge_expired(session, now=now)  # what others typed is not kept past a day: swept as we go
    _check_rates(session, volunteer=volunteer, client=client, now=now, starting=True, per_client=per_client)
    # a new code voids every earlier one for this person
    session.execute(
        update(IdentityVerification)
        .where(
            IdentityVerification.volunteer_id == volunteer.id,
            IdentityVerification.verified_at.is_(None),
            IdentityVerification.expires_at > now,
        )
        .values(expires_at=now)
    )
    verification = IdentityVerification(
        public_id=secrets.token_urlsafe(18),
        event_id=event.id,
        volunteer_id=volunteer.id,
        submission=submission,
        sent_to=masked(contacts),
        client_hash=client,
        created_at=now,
        code_sent_at=now,
        expires_at=now + CODE_LIFETIME,
        attempts=0,
        sends=1,
    )
    session.add(verification)
    session.flush()
    _send_code(session, verification, contacts, key=key)
    return verification


def _send_code(session, verification: IdentityVerification, contacts: dict[str, str], *, key: str) -> None:
    code = _new_code()
    verification.code_hash = _hmac(key, "code", verification.public_id, code)
    queue_message(
        session,
        "code",
        to_phone=contacts.get("sms", ""),
        to_email=contacts.get("email", ""),
        code=code,
        event_id=verification.event_id,
        language=(verification.submission.get("data") or {}).get("language") or "th",
    )


def get_verification(session, public_id: str) -> IdentityVerification | None:
    if not isinstance(public_id, str) or not 10 <= len(public_id) <= 40:
        return None
    return session.scalar(select(IdentityVerification).where(IdentityVerification.public_id == public_id))


def _usable(verification: IdentityVerification, now: datetime) -> None:
    if verification.verified_at is not None or verification.expires_at <= now:
        raise VerificationExpired(_l("This code has expired. Please register again to get a new code."))
    if verification.attempts >= MAX_ATTEMPTS:
        raise TooManyAttempts(_l("Too many wrong codes. Please register again to get a new code."))


def resend_code(session, *, verification: IdentityVerification, key: str, now: datetime) -> None:
    """A new code to the same contacts (the old one stops working); its own 10 minutes."""
    session.refresh(verification, with_for_update=True)
    _usable(verification, now)
    if now - verification.code_sent_at < RESEND_AFTER:
        raise TooManyCodes(_l("A code was sent moments ago. Please wait half a minute before asking again."))
    volunteer = verification.volunteer
    _check_rates(session, volunteer=volunteer, client="", now=now, starting=False)
    contacts = contacts_on_file(volunteer)
    if not contacts:
        raise VerificationExpired(_l("This code has expired. Please register again to get a new code."))
    verification.sends += 1
    verification.attempts = 0
    verification.code_sent_at = now
    verification.expires_at = now + CODE_LIFETIME
    verification.sent_to = masked(contacts)
    _send_code(session, verification, contacts, key=key)
    session.flush()


def check_code(
    session,
    *,
    verification: IdentityVerification,
    code: str,
    key: str,
    cipher: IdCipher,
    now: datetime,
) -> tuple[Registration, bool]:
    """The submitter gives the code: register the person (or give back their registration)
    and apply the contact details they typed. Returns (registration, created).

    A wrong code counts a try and raises RuleViolation on ``code`` (the caller commits the
    count); VerificationExpired past its time or once used; TooManyAttempts after five.
    """
    # The row is locked first: tries sent in parallel are counted one after another, so
    # fifty guesses at once still get five tries between them, and one code registers once.
    session.refresh(verification, with_for_update=True)
    _usable(verification, now)
    digits = thai.digits_only(str(code or ""))
    verification.attempts += 1
    session.flush()
    expected = verification.code_hash
    if len(digits) != 6 or not hmac.compare_digest(
        expected, _hmac(key, "code", verification.public_id, digits)
    ):
        left = MAX_ATTEMPTS - verification.attempts
        if left <= 0:
            raise TooManyAttempts(_l("Too many wrong codes. Please register again to get a new code."))
        raise WrongCode(_l("Code: not the code we sent. %(left)s tries left.", left=left), field="code")
    verification.verified_at = now
    registration, created = _complete(
        session,
        event=verification.event,
        volunteer=verification.volunteer,
        submission=verification.submission,
        actor=None,
        cipher=cipher,
        now=now,
    )
    verification.registration_id = registration.id
    session.flush()
    return registration, created


def _typed(submission: dict) -> VolunteerData:
    typed = dict(submission.get("data") or {})
    typed["national_id"] = typed["passport_no"] = ""  # the match is made; only "…1234" is kept
    fields = VolunteerData.__dataclass_fields__
    return VolunteerData(**{k: v for k, v in typed.items() if k in fields})


def apply_contact(
    session, *, volunteer: Volunteer, submission: dict, actor, now: datetime, replace: bool = False
) -> list[str]:
    """Apply the phone and e-mail a proven submitter typed; the old contact is told of each
    change. Organization, position, province and network fill only empty fields. Returns
    the names of the fields changed."""
    data = _typed(submission)
    clean = validate(data, require_phone=False)
    changed = []
    old = {"phone": volunteer.phone, "email": volunteer.email}
    for name in CONTACT_FIELDS:
        value = getattr(clean, name)
        if (value or replace) and value != getattr(volunteer, name):
            setattr(volunteer, name, value)
            changed.append(name)
    for name in ("organization", "position", "province_code", "district", "network_type"):
        value = getattr(clean, name)
        if value and not getattr(volunteer, name):
            setattr(volunteer, name, value)
    if clean.language:
        volunteer.language = clean.language
    volunteer.phone_tail = (volunteer.phone or "")[-4:]
    volunteer.search_text = search_text_for(volunteer)
    volunteer.updated_at = now
    if changed:
        session.flush()
        audit.record(
            session, actor=actor, action="volunteer.contact_changed", target=volunteer,
            details={"fields": changed}, now=now,
        )  # fmt: skip
        tell_old_contact(
            session, phone=old["phone"], email=old["email"], changed=changed, language=volunteer.language
        )
    return changed


def _complete(
    session,
    *,
    event: Event,
    volunteer: Volunteer,
    submission: dict,
    actor,
    cipher: IdCipher,
    now: datetime,
    replace_contact: bool = False,
) -> tuple[Registration, bool]:
    apply_contact(
        session, volunteer=volunteer, submission=submission, actor=actor, now=now, replace=replace_contact
    )
    registration, created = register(
        session,
        event=event,
        data=_typed(submission),
        answers=submission.get("answers") or {},
        source=RegistrationSource.SELF,
        actor=actor,
        now=now,
        cipher=cipher,
        volunteer=volunteer,
        check_window=False,  # the window was open when the person first submitted
    )
    # the optional uses ticked on the form, now that it is the person who ticked them
    record_consents(
        session, volunteer=volunteer, purposes=set(submission.get("consents") or ()),
        notice_version=registration.consent_version, source="registration", now=now,
    )  # fmt: skip
    return registration, created


# --- the organizer's identity check ----------------------------------------------------------------


#: open claims kept per person and event; beyond it a new claim is refused (a stranger
#: cannot bury the real person's claim under their own)
MAX_OPEN_CLAIMS = 3


def open_review(
    session, *, event: Event, volunteer: Volunteer, submission: dict, reason: str, now: datetime
) -> IdentityReview:
    """Hold a claim for the organizer. Each claimant is a claim of their own (the organizer
    decides between them); the same claimant again (same phone and e-mail typed) updates
    theirs. TooManyCodes past ``MAX_OPEN_CLAIMS`` open claims for the person at the event."""
    lock_name(session, f"identity:{volunteer.id}")
    typed = submission.get("data") or {}
    open_claims = list(
        session.scalars(
            select(IdentityReview).where(
                IdentityReview.event_id == event.id,
                IdentityReview.volunteer_id == volunteer.id,
                IdentityReview.status == IdentityReviewStatus.OPEN,
            )
        )
    )
    same = [
        claim
        for claim in open_claims
        if (claim.submission.get("data") or {}).get("phone") == typed.get("phone")
        and (claim.submission.get("data") or {}).get("email") == typed.get("email")
    ]
    if same:
        review = same[0]
    elif len(open_claims) >= MAX_OPEN_CLAIMS:
        raise TooManyCodes(
            _l("This person already has identity checks waiting. Please contact the organizer.")
        )
    else:
        review = IdentityReview(event_id=event.id, volunteer_id=volunteer.id, created_at=now)
        session.add(review)
    review.reason = reason
    review.submission = submission
    session.flush()
    return review


def ask_review(session, *, verification: IdentityVerification, now: datetime) -> IdentityReview:
    """The submitter cannot receive the code (an old number, or someone else registered
    first with their ID): hand the claim to the organizer. The verification ends."""
    session.refresh(verification, with_for_update=True)
    if verification.verified_at is not None:
        raise VerificationExpired(_l("This code has expired. Please register again to get a new code."))
    verification.expires_at = min(verification.expires_at, now)
    return open_review(
        session,
        event=verification.event,
        volunteer=verification.volunteer,
        submission=verification.submission,
        reason="cannot_receive",
        now=now,
    )


def open_reviews_count(session, event_id: int) -> int:
    return session.scalar(
        select(func.count()).where(
            IdentityReview.event_id == event_id, IdentityReview.status == IdentityReviewStatus.OPEN
        )
    )


def open_reviews(session, event_id: int) -> list[IdentityReview]:
    return list(
        session.scalars(
            select(IdentityReview)
            .where(IdentityReview.event_id == event_id, IdentityReview.status == IdentityReviewStatus.OPEN)
            .order_by(IdentityReview.created_at, IdentityReview.id)
        )
    )


def _decidable(session, review: IdentityReview) -> None:
    session.refresh(review, with_for_update=True)
    if review.status != IdentityReviewStatus.OPEN:
        raise Conflict(_l("This identity check was already decided."), code="already_decided")


def confirm_review(
    session, *, review: IdentityReview, actor, cipher: IdCipher, now: datetime
) -> tuple[Registration, bool]:
    """The organizer has seen the claimant's ID card: the claim wins. The record takes the
    claimant's phone and e-mail (the old contact is told), and the person is registered
    and sent their link at the new contact."""
    _decidable(session, review)
    registration, created = _complete(
        session,
        event=review.event,
        volunteer=review.volunteer,
        submission=review.submission,
        actor=actor,
        cipher=cipher,
        now=now,
        replace_contact=True,  # the claim won: the loser's contact details go
    )
    review.status = IdentityReviewStatus.CONFIRMED
    review.decided_at = now
    review.decided_by_id = getattr(actor, "id", None)
    review.registration_id = registration.id
    session.flush()
    audit.record(session, actor=actor, action="identity_review.confirm", target=registration, now=now)
    rivals = session.scalars(
        select(IdentityReview).where(
            IdentityReview.event_id == review.event_id,
            IdentityReview.volunteer_id == review.volunteer_id,
            IdentityReview.status == IdentityReviewStatus.OPEN,
            IdentityReview.id != review.id,
        )
    )
    for rival in list(rivals):  # the other claims to the same person lose, and are told
        reject_review(session, review=rival, actor=actor, now=now)
    volunteer = review.volunteer
    queue_message(
        session,
        "link",
        to_phone=volunteer.phone if is_mobile(volunteer.phone) else "",
        to_email=volunteer.email,
        registration_ids=[registration.id],
        language=volunteer.language or "th",
    )
    return registration, created


def reject_review(session, *, review: IdentityReview, actor, now: datetime) -> None:
    """The claim loses: nothing on the record changes; the claimant is told at the contact
    they typed (never anything of the record)."""
    _decidable(session, review)
    review.status = IdentityReviewStatus.REJECTED
    review.decided_at = now
    review.decided_by_id = getattr(actor, "id", None)
    typed = review.submission.get("data") or {}
    session.flush()
    audit.record(session, actor=actor, action="identity_review.reject", target=review.volunteer, now=now)
    try:
        phone = thai.normalise_phone(typed.get("phone") or "")
    except ValueError:
        phone = ""
    queue_message(
        session,
        "review_rejected",
        to_phone=phone if is_mobile(phone) else "",
        to_email=(typed.get("email") or "").strip().lower(),
        event_id=review.event_id,
        language=typed.get("language") or "th",
    )


def purge_expired(session, *, now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    """Drop verifications a day past their end: what was typed is not kept longer."""
    result = session.execute(
        IdentityVerification.__table__.delete().where(IdentityVerification.expires_at < now - keep)
    )
    return result.rowcount or 0
