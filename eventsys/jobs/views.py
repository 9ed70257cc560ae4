"""Job progress for the pages that started them (polled by static/js/jobs.js)."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for
from flask_login import current_user

from eventsys.accounts.models import Role
from eventsys.db import db
from eventsys.jobs.models import Job
from eventsys.jobs.services import job_payload
from eventsys.web import role_required

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/<int:job_id>.json")
@role_required(Role.ORGANIZER, Role.STAFF)
def status(job_id: int):
    """A job's progress, for the person who started it (or an admin)."""
    job = db.session.get(Job, job_id)
    if job is None or (not current_user.is_admin and job.created_by_id != current_user.id):
        return jsonify(error="not_found", message="not found"), 404
    return jsonify({**job_payload(job), "url": _page_of(job)})


def _page_of(job: Job) -> str | None:
    """The page that shows the job's full result (the poll carries a summary only)."""
    if job.kind == "volunteer_import":
        return url_for("volunteers.import_job", job_id=job.id)
    if job.kind.startswith("certificates_") and "event_id" in (job.params or {}):
        return url_for("certificates.job", event_id=job.params["event_id"], job_id=job.id)
    return None
