"""The volunteer import as a background job (progress bar on the page that started it)."""

from __future__ import annotations

import json

from flask_babel import force_locale

from eventsys.accounts.models import User
from eventsys.db import utcnow
from eventsys.files import current_store
from eventsys.jobs.tasks import job_task
from eventsys.volunteers import services, sheets, thai
from eventsys.volunteers.crypto import cipher

#: outcomes kept in the job record for the report page; the full list is in a file
SHOWN_OUTCOMES = 1000


def upload_key(user_id: int, token: str) -> str:
    """Where an upload waits for its import (kept ``FILE_RETENTION_DAYS`` if abandoned)."""
    return f"volunteer_imports/upload-{user_id}-{token}"


def report_key(job_id: int) -> str:
    """Every row's outcome of an import (national IDs masked), kept ``FILE_RETENTION_DAYS``."""
    return f"volunteer_imports/job-{job_id}-report.json"


def mask_identifier(text: str) -> str:
    """A national ID or passport number as typed in a sheet, with only its last three
    characters kept (``x-xxxx-xxxxx-12-3``): a skipped row's ID is often malformed."""
    digits = "".join(ch for ch in text if ch.isalnum())
    if not digits:
        return ""
    if len(digits) < 4:
        return "•••"
    return thai.mask_national_id_tail(digits[-4:])


def report_values(values: dict[str, str] | None) -> dict[str, str] | None:
    """A skipped row's values as the report keeps them: identifiers masked."""
    if values is None:
        return None
    return {
        field: mask_identifier(value) if field in ("national_id", "passport_no") else value
        for field, value in values.items()
    }


def run_sheet_import(session, sheet: sheets.Sheet, *, actor, progress) -> list[services.RowOutcome]:
    """Import every row of ``sheet``; ``progress(done)`` is called between batches."""
    return services.import_rows(
        session, sheets.import_rows_of(sheet), cipher=cipher(), actor=actor, now=utcnow(), progress=progress
    )


@job_task("volunteer_import")
def import_volunteers(job, session, progress):
    params = job.params
    actor = session.get(User, job.created_by_id) if job.created_by_id else None
    store = current_store()
    key = params["key"]
    with force_locale(params.get("language", "th")), store.local_copy(key) as path:
        try:  # the limits are checked over the whole file before a row is saved
            total = sheets.count_rows(path, filename=params["filename"])
        except sheets.SheetError:
            store.delete(key)  # a refused upload is not kept
            session.commit()
            raise
        progress(0, total)
        sheet = sheets.open_sheet(path, filename=params["filename"])
        outcomes = run_sheet_import(session, sheet, actor=actor, progress=lambda done: progress(done))
    rows = [
        {
            "number": o.number,
            "status": o.status,
            "reason": o.reason,
            "name": o.name,
            "volunteer_id": o.volunteer_id,
            "values": report_values(o.values) if o.status == "skipped" else None,
        }
        for o in outcomes
    ]
    store.put(report_key(job.id), json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    store.delete(key)
    progress(len(rows), len(rows))  # commits
    services.tidy_after_import(session.get_bind(), outcomes)
    return {
        "counts": services.import_counts(outcomes),
        "fields": sorted(set(sheet.mapping.values()), key=list(sheets.COLUMN_BY_FIELD).index),
        "filename": params["filename"],
        "rows": [{k: v for k, v in row.items() if k != "values"} for row in rows[:SHOWN_OUTCOMES]],
    }
