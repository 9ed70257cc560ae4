"""Erasure beyond the person's own row: every other copy of their data (PDPA).

``volunteers.services.erase_volunteer`` empties the record itself; this finds the copies:

- jobs: parameters, results and errors of e-mail/SMS/import jobs (a number, an address, a
  name in an import's outcome list) are overwritten with :data:`ERASED`;
- import reports (``volunteer_imports/job-*-report.json``): the person's rows lose their
  name and values; import uploads still waiting for their import are deleted (they may
  hold the person, and nobody can tell without reading them);
- the outbox: messages named after the person (``outbox/v<id>-…``) and any other message
  naming their address or number are deleted (an e-mailed certificate is attached there);
- bulk certificate outputs of every event they were registered for are deleted;
- identity checks and reviews: what the person typed is emptied.

Plain functions: the caller passes the session and the file store, and commits.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from eventsys.files import FileStore, export_prefix, outbox_owner_prefix
from eventsys.jobs.models import Job
from eventsys.registration.models import IdentityReview, IdentityVerification, Registration
from eventsys.volunteers.models import Volunteer

ERASED = "(ลบข้อมูลแล้ว)"
#: shorter strings are not searched for in other people's records (too many false hits)
MIN_NEEDLE = 4


def needles_for(volunteer: Volunteer, *, national_id: str | None = None) -> list[str]:
    """The strings that identify the person wherever they were copied: names, address,
    number in its usual spellings, national ID with and without dashes."""
    found: set[str] = set()
    for name in (
        f"{volunteer.first_name} {volunteer.last_name}",
        f"{volunteer.prefix}{volunteer.first_name} {volunteer.last_name}",
        f"{volunteer.first_name_en} {volunteer.last_name_en}",
    ):
        found.add(name.strip())
    if volunteer.email:
        found |= {volunteer.email, volunteer.email.lower()}
    digits = "".join(ch for ch in volunteer.phone or "" if ch.isdigit())
    if digits:
        # 0812345678, 081-234-5678, and 812345678 (inside +66812345678 and 66 81 …)
        found |= {digits, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", digits.lstrip("0")}
    for identifier in (national_id, volunteer.passport_no):
        if identifier:
            found.add(identifier)
            if len(identifier) == 13 and identifier.isdigit():
                d = identifier
                found.add(f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}")
    return sorted(n for n in found if len(n) >= MIN_NEEDLE)


def scrub(value: Any, needles: list[str]) -> tuple[Any, bool]:
    """``value`` (JSON-like) with every string that contains a needle replaced by
    :data:`ERASED`; and whether anything changed."""
    if isinstance(value, str):
        return (ERASED, True) if any(n in value for n in needles) else (value, False)
    if isinstance(value, list):
        items = [scrub(item, needles) for item in value]
        return [i for i, _ in items], any(c for _, c in items)
    if isinstance(value, dict):
        pairs = {k: scrub(v, needles) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(c for _, c in pairs.values())
    return value, False


def _erase_rows(rows: list[dict], volunteer_id: int, needles: list[str]) -> tuple[list[dict], bool]:
    """Import outcome rows: a row of the person (their record, or any value naming them,
    such as a skipped row with their number) loses its name and values entirely."""
    changed = False
    out = []
    for row in rows:
        if isinstance(row, dict) and (row.get("volunteer_id") == volunteer_id or scrub(row, needles)[1]):
            row = {**row, "name": ERASED, "values": None}
            changed = True
        out.append(row)
    return out, changed


def _is_about(job: Job, volunteer: Volunteer, registration_ids: set[int]) -> bool:
    params = job.params or {}
    digits = "".join(ch for ch in volunteer.phone or "" if ch.isdigit())
    return bool(
        params.get("volunteer_id") == volunteer.id
        or params.get("registration_id") in registration_ids
        or registration_ids.intersection(params.get("registration_ids") or [])
        or (volunteer.email and volunteer.email.lower() in (str(params.get("to_email") or "")).lower())
        or (digits and digits in (str(params.get("to") or ""), str(params.get("to_phone") or "")))
    )


def erase_job_data(session, volunteer: Volunteer, *, needles: list[str], registration_ids: set[int]) -> int:
    """Scrub the person from job records; returns how many changed. A job about the person
    (their e-mail, SMS, code) also loses strings naming just their first or last name."""
    words = [w for w in (volunteer.first_name, volunteer.last_name) if len(w) >= 2]
    changed_jobs = 0
    for job in session.scalars(select(Job).order_by(Job.id)).yield_per(500):
        search = needles + words if _is_about(job, volunteer, registration_ids) else needles
        params, p_changed = scrub(job.params or {}, search)
        result = dict(job.result or {})
        r_changed = False
        if isinstance(result.get("rows"), list):
            result["rows"], r_changed = _erase_rows(result["rows"], volunteer.id, search)
        result, scrubbed = scrub(result, search)
        error, e_changed = scrub(job.error or "", search)
        if p_changed or r_changed or scrubbed or e_changed:
            job.params, job.result, job.error = params, result, error
            changed_jobs += 1
    session.flush()
    return changed_jobs


def erase_files(files: FileStore, volunteer: Volunteer, *, needles: list[str], event_ids: set[int]) -> int:
    """Delete or rewrite stored files holding the person; returns how many were touched."""
    touched = files.delete_prefix(outbox_owner_prefix(volunteer.id))
    encoded = [n.encode("utf-8") for n in needles]
    for info in files.list("outbox/"):
        if any(n in files.get(info.key) for n in encoded):
            files.delete(info.key)
            touched += 1
    for event_id in event_ids:
        touched += files.delete_prefix(export_prefix(event_id))
    touched += files.delete_prefix("volunteer_imports/upload-")
    for info in files.list("volunteer_imports/job-"):
        rows = json.loads(files.get(info.key))
        rows, changed = _erase_rows(rows, volunteer.id, needles)
        if changed:
            files.put(info.key, json.dumps(rows, ensure_ascii=False).encode("utf-8"))
            touched += 1
    return touched


def erase_identity_checks(session, volunteer: Volunteer) -> None:
    """What the person typed to prove who they are, and where codes were sent: emptied."""
    for verification in session.scalars(
        select(IdentityVerification).where(IdentityVerification.volunteer_id == volunteer.id)
    ):
        verification.submission = {}
        verification.sent_to = []
    for review in session.scalars(select(IdentityReview).where(IdentityReview.volunteer_id == volunteer.id)):
        review.submission = {}


def erase_copies(session, volunteer: Volunteer, *, files: FileStore, national_id: str | None = None) -> None:
    """Every copy of the person's data outside their record (see the module docstring).
    Call before their record is emptied (the needles are read from it)."""
    needles = needles_for(volunteer, national_id=national_id)
    registrations = list(
        session.scalars(select(Registration).where(Registration.volunteer_id == volunteer.id))
    )
    registration_ids = {r.id for r in registrations}
    erase_job_data(session, volunteer, needles=needles, registration_ids=registration_ids)
    erase_identity_checks(session, volunteer)
    erase_files(files, volunteer, needles=needles, event_ids={r.event_id for r in registrations})
