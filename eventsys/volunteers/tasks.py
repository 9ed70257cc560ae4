"""The volunteer import as a background job (progress bar on the page that started it)."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from eventsys.accounts.models import User
from eventsys.db import utcnow
from eventsys.jobs.tasks import job_task
from eventsys.volunteers import services, sheets
from eventsys.volunteers.crypto import cipher

#: outcomes kept in the job record for the report page; the full list is in a file
SHOWN_OUTCOMES = 1000


def imports_dir() -> Path:
    """Where uploads wait for their import, and where reports are kept."""
    path = Path(current_app.instance_path) / "volunteer_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_path(job_id: int) -> Path:
    return imports_dir() / f"job-{job_id}-report.json"


def run_sheet_import(session, sheet: sheets.Sheet, *, actor, progress) -> list[services.RowOutcome]:
    """Import every row of ``sheet``; ``progress(done)`` is called between batches."""
    return services.import_rows(
        session, sheets.import_rows_of(sheet), cipher=cipher(), actor=actor, now=utcnow(), progress=progress
    )


@job_task("volunteer_import")
def import_volunteers(job, session, progress):
    params = job.params
    actor = session.get(User, job.created_by_id) if job.created_by_id else None
    path = Path(params["path"])
    with force_locale(params.get("language", "th")):
        try:  # the limits are checked over the whole file before a row is saved
            total = sheets.count_rows(path, filename=params["filename"])
        except sheets.SheetError:
            path.unlink(missing_ok=True)  # a refused upload is not kept
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
            "values": o.values if o.status == "skipped" else None,
        }
        for o in outcomes
    ]
    report_path(job.id).write_text(json.dumps(rows, ensure_ascii=False))
    path.unlink(missing_ok=True)
    progress(len(rows), len(rows))  # commits
    services.tidy_after_import(session.get_bind(), outcomes)
    return {
        "counts": services.import_counts(outcomes),
        "fields": sorted(set(sheet.mapping.values()), key=list(sheets.COLUMN_BY_FIELD).index),
        "filename": params["filename"],
        "rows": [{k: v for k, v in row.items() if k != "values"} for row in rows[:SHOWN_OUTCOMES]],
    }
