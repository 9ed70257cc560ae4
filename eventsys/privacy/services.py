"""PDPA rules: which privacy notice is current, publishing a new one, and consents.

Registering for a ministry workshop rests on the public task (PDPA section 24(4)), not on
consent: every registration records the notice version it was given. Consent is asked only
for optional uses (``PURPOSES``), each on its own and never pre-ticked; one row per person and
purpose holds the latest state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from eventsys import audit
from eventsys.errors import NotFound, PermissionDenied, RuleViolation
from eventsys.privacy import defaults
from eventsys.privacy.models import PURPOSES, Consent, PrivacyNotice
from eventsys.volunteers.models import Volunteer

#: the built-in notice's version (a fresh database holds it; an empty table falls back to it)
DEFAULT_NOTICE_VERSION = defaults.VERSION

#: where a consent change came from
SOURCES = ("registration", "manage", "api", "staff")

_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


def default_notice() -> PrivacyNotice:
    """The built-in notice as an unsaved object (for a database whose table is empty)."""
    return PrivacyNotice(
        version=defaults.VERSION,
        body_th=defaults.BODY_TH,
        body_en=defaults.BODY_EN,
        data_controller=defaults.DATA_CONTROLLER,
        dpo_contact=defaults.DPO_CONTACT,
        retention=defaults.RETENTION,
        published_at=defaults.PUBLISHED_AT,
        created_at=defaults.PUBLISHED_AT,
    )


_CURRENT = (
    select(PrivacyNotice)
    .where(PrivacyNotice.published_at.is_not(None))
    .order_by(PrivacyNotice.id.desc())  # a version is published when it is created
    .limit(1)
)


def current_notice(session) -> PrivacyNotice:
    """The newest published notice, or the built-in one if none was ever stored."""
    return session.scalar(_CURRENT) or default_notice()


def current_notice_version(session) -> str:
    """The version of :func:`current_notice`: one small query."""
    version = session.scalar(_CURRENT.with_only_columns(PrivacyNotice.version))
    return version or DEFAULT_NOTICE_VERSION


def notice_by_version(session, version: str) -> PrivacyNotice:
    """A published version (old ones stay readable: registrations refer to them); NotFound."""
    notice = session.scalar(
        select(PrivacyNotice).where(PrivacyNotice.version == version, PrivacyNotice.published_at.is_not(None))
    )
    if notice is None and version == DEFAULT_NOTICE_VERSION:
        notice = default_notice()
    if notice is None:
        raise NotFound(_l("No such privacy notice."))
    return notice


def list_notices(session) -> list[PrivacyNotice]:
    """Every version, newest first; the built-in one last if the table does not hold it."""
    notices = list(session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.id.desc())))
    if not any(notice.version == DEFAULT_NOTICE_VERSION for notice in notices):
        notices.append(default_notice())
    return notices


def publish_notice(
    session,
    *,
    version: str,
    body_th: str,
    body_en: str,
    data_controller: str,
    dpo_contact: str,
    retention: str,
    actor,
    now: datetime,
) -> PrivacyNotice:
    """Publish a new version of the notice, which becomes the current one at once.

    Only admins may (PermissionDenied). Raises RuleViolation naming the bad fields: a version
    already used (or not 1–40 letters, digits, ``.``, ``_``, ``-``), or an empty Thai body,
    data controller, DPO contact or retention period.
    """
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators may publish the privacy notice."))
    version = (version or "").strip()
    values = {
        "body_th": (body_th or "").strip(),
        "body_en": (body_en or "").strip(),
        "data_controller": (data_controller or "").strip(),
        "dpo_contact": (dpo_contact or "").strip(),
        "retention": (retention or "").strip(),
    }
    errors: dict[str, Any] = {}
    if not _VERSION.match(version):
        errors["version"] = _l(
            "Version: use 1–40 letters, digits, dots, dashes or underscores, e.g. 2026-12-v2."
        )
    elif version == DEFAULT_NOTICE_VERSION or session.scalar(
        select(PrivacyNotice.id).where(PrivacyNotice.version == version)
    ):
        errors["version"] = _l("Version: this version exists already; published text never changes.")
    required = {
        "body_th": _l("Thai text: please write the notice."),
        "data_controller": _l("Data controller: please name the data controller."),
        "dpo_contact": _l("DPO contact: please give the data protection officer's contact."),
        "retention": _l("Retention period: please say how long data are kept."),
    }
    errors.update({name: message for name, message in required.items() if not values[name]})
    if errors:
        raise RuleViolation(_l("Please correct the highlighted fields."), fields=errors)
    notice = PrivacyNotice(
        version=version,
        **values,
        published_at=now,
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(notice)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="privacy_notice.publish",
        target=notice,
        details={"version": version},
        now=now,
    )
    return notice


# --- consents for optional uses ------------------------------------------------------------------


def parse_purposes(values: Iterable[Any]) -> set[str]:
    """The purposes named in ``values`` (e.g. an API's ``"consents"`` list); RuleViolation
    (field ``consents``) for anything that is not one of PURPOSES."""
    values = list(values)
    unknown = [value for value in values if not isinstance(value, str) or value not in PURPOSES]
    if unknown:
        raise RuleViolation(
            _l("Consents: use only %(purposes)s.", purposes=", ".join(PURPOSES)), field="consents"
        )
    return set(values)


def consents_of(session, volunteer: Volunteer) -> dict[str, Consent]:
    """The person's consent rows by purpose, given or withdrawn."""
    return {
        consent.purpose: consent
        for consent in session.scalars(select(Consent).where(Consent.volunteer_id == volunteer.id))
    }


def given_purposes(session, volunteer: Volunteer) -> set[str]:
    """The purposes the person consents to now."""
    return {purpose for purpose, consent in consents_of(session, volunteer).items() if consent.is_given}


def _check(purposes: Iterable[str], source: str, notice_version: str) -> set[str]:
    purposes = parse_purposes(purposes)
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    if not notice_version:
        raise ValueError("a consent needs the privacy notice version")
    return purposes


def _give(
    session, existing: dict[str, Consent], volunteer: Volunteer, purpose: str, *, notice_version, source, now
) -> None:
    consent = existing.get(purpose)
    if consent is None:
        consent = Consent(volunteer_id=volunteer.id, purpose=purpose)
        session.add(consent)
    consent.notice_version, consent.given_at, consent.withdrawn_at, consent.source = (
        notice_version,
        now,
        None,
        source,
    )


def _log(session, volunteer, *, actor, given, withdrawn, source, notice_version, now) -> None:
    if given or withdrawn:
        audit.record(
            session,
            actor=actor,
            action="consent.change",
            target=volunteer,
            details={
                "given": sorted(given),
                "withdrawn": sorted(withdrawn),
                "source": source,
                "notice_version": notice_version,
            },
            now=now,
        )


def record_consents(
    session,
    *,
    volunteer: Volunteer,
    purposes: set[str],
    notice_version: str,
    source: str,
    now: datetime,
    actor=None,
) -> None:
    """Record the person's consent to each of ``purposes`` (ticked boxes), with the notice
    version and the time; a purpose given before is given again under this version. Others
    are left as they are (an unticked box on a registration form withdraws nothing).

    Call it only for a person who proved who they are (a new record, or the manage link):
    anyone can type someone else's ID on the public form. RuleViolation for an unknown purpose.
    """
    purposes = _check(purposes, source, notice_version)
    if not purposes:
        return
    existing = consents_of(session, volunteer)
    for purpose in sorted(purposes):
        _give(session, existing, volunteer, purpose, notice_version=notice_version, source=source, now=now)
    session.flush()
    _log(
        session, volunteer, actor=actor, given=purposes, withdrawn=set(), source=source,
        notice_version=notice_version, now=now,
    )  # fmt: skip


def set_consents(
    session,
    *,
    volunteer: Volunteer,
    purposes: set[str],
    notice_version: str,
    source: str,
    now: datetime,
    actor=None,
) -> None:
    """Make ``purposes`` exactly the person's consents (the manage page's boxes): new ones are
    given under ``notice_version``, the others withdrawn; unchanged ones keep their time."""
    purposes = _check(purposes, source, notice_version)
    existing = consents_of(session, volunteer)
    given = {p for p in purposes if p not in existing or not existing[p].is_given}
    withdrawn = {p for p, consent in existing.items() if consent.is_given and p not in purposes}
    for purpose in sorted(given):
        _give(session, existing, volunteer, purpose, notice_version=notice_version, source=source, now=now)
    for purpose in withdrawn:
        existing[purpose].withdrawn_at, existing[purpose].source = now, source
    session.flush()
    _log(
        session, volunteer, actor=actor, given=given, withdrawn=withdrawn, source=source,
        notice_version=notice_version, now=now,
    )  # fmt: skip


def consents_export(session, volunteer: Volunteer) -> list[dict[str, Any]]:
    """The person's consents as plain data (the PDPA export)."""

    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return [
        {
            "purpose": consent.purpose,
            "given": consent.is_given,
            "notice_version": consent.notice_version,
            "given_at": when(consent.given_at),
            "withdrawn_at": when(consent.withdrawn_at),
            "source": consent.source,
        }
        for _purpose, consent in sorted(consents_of(session, volunteer).items())
    ]


def erase_consents(session, volunteer: Volunteer) -> None:
    """Delete the person's consents (part of erasing their data)."""
    session.execute(delete(Consent).where(Consent.volunteer_id == volunteer.id))


def merge_consents(session, *, keep: Volunteer, drop: Volunteer) -> None:
    """Move ``drop``'s consents to ``keep`` before ``drop`` is deleted; for a purpose both
    have, the more recent change wins."""

    def changed_at(consent: Consent) -> datetime:
        return consent.withdrawn_at or consent.given_at

    kept = consents_of(session, keep)
    for purpose, consent in consents_of(session, drop).items():
        other = kept.get(purpose)
        if other is None:
            consent.volunteer_id = keep.id
        elif changed_at(consent) > changed_at(other):
            other.notice_version, other.given_at, other.withdrawn_at, other.source = (
                consent.notice_version,
                consent.given_at,
                consent.withdrawn_at,
                consent.source,
            )
            session.delete(consent)
        else:
            session.delete(consent)
    session.flush()
