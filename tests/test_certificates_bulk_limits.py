"""Bulk certificate runs (the job and the CLI) under the time limit a request's PDF has
(PDF_RENDER_TIMEOUT): a certificate that cannot be rendered in time is left out and named —
on the job's page, in the ZIP's note, on the CLI's stderr — while every other certificate is
kept; a shared page that cannot be rendered in time fails the run with the limit's message.

The slow render is real: WeasyPrint laying out an SVG whose ``<use>`` elements multiply to a
million shapes (written straight to the upload folder, as if stored before the sanitizer
refused such files), in the render pool's child process, killed at the limit. Only which
certificate meets it is chosen by the test (through ``pdf.render_people``).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import zipfile

import pikepdf
import pytest

from eventsys.certificates import pdf, services
from eventsys.db import db
from eventsys.jobs.models import Job
from tests.fixtures import hostile

SLOW_NAME = "ช้ามาก"


@pytest.fixture
def app_config():
    return {"PDF_RENDER_TIMEOUT": 3.0, "CERTIFICATE_PROCESSES": 1}


@pytest.fixture
def bulk(app, make_user, make_event, make_attendee, now):
    """An event with three certificates issued, one of them for the person whose page will
    not render in time; the bomb SVG sits in the upload folder."""
    organizer = make_user()
    event = make_event(owner=organizer)
    services.save_design(
        db.session, event=event, actor=organizer, now=now, title="เกียรติบัตร", body="ได้เข้าร่วม{event}",
        language="th", use_thai_digits=False, paper="A4-landscape", serial_pattern="{n}/{be_year}",
        eligibility={"kind": "event"}, signatories=[],
    )  # fmt: skip
    for first_name in ("สมศรี", SLOW_NAME, "ปิติ"):
        make_attendee(event, first_name=first_name, last_name="ใจดี")
    issued = services.issue_certificates(db.session, event=event, actor=organizer, now=now)
    db.session.commit()
    # a design's images reach WeasyPrint as data: URIs read from the file store
    bomb = "data:image/svg+xml;base64," + base64.b64encode(hostile.svg_use_bomb()).decode("ascii")
    slow_serial = next(c.serial for c in issued if SLOW_NAME in c.registration.volunteer.first_name)
    return {"organizer": organizer, "event": event, "bomb": bomb, "slow_serial": slow_serial}


@pytest.fixture
def one_slow_person(monkeypatch, bulk):
    """Any WeasyPrint document holding the slow person's page draws the bomb instead."""
    real = pdf.render_people

    def render_people(renderer, layout, people):
        if any(SLOW_NAME in person.name for person in people):
            return pdf.render_background(renderer, dataclasses.replace(layout, logo_path=bulk["bomb"]))
        return real(renderer, layout, people)

    monkeypatch.setattr(pdf, "render_people", render_people)
    pdf.shared_layer.cache_clear()


@pytest.mark.parametrize("output", ["zip", "pdf"])
def test_the_job_leaves_out_and_names_the_one_certificate_that_takes_too_long(
    client, login, bulk, one_slow_person, output
):
    event = bulk["event"]
    login(bulk["organizer"])
    started = client.post(f"/manage/events/{event.id}/certificates/bulk", data={"output": output})
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == "done", job.error
    assert job.result["count"] == 2
    assert [f["serial"] for f in job.result["failed"]] == [bulk["slow_serial"]]
    assert SLOW_NAME in job.result["failed"][0]["name"]
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "ใช้เวลาสร้างนานเกินไป" in page and bulk["slow_serial"] in page
    data = client.get(f"/manage/events/{event.id}/certificates/jobs/{job_id}/file").data
    if output == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            assert len([n for n in names if n.endswith(".pdf")]) == 2
            note = archive.read(services.FAILED_NOTE).decode()
            assert bulk["slow_serial"] in note and SLOW_NAME in note
    else:
        with pikepdf.open(io.BytesIO(data)) as document:
            assert len(document.pages) == 2


def test_the_cli_writes_the_others_and_names_the_one_on_stderr(runner, bulk, one_slow_person, tmp_path):
    out = tmp_path / "all.zip"
    result = runner.invoke(args=["certificates", "generate", str(bulk["event"].id), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "2 certificates" in result.stdout
    assert bulk["slow_serial"] in result.stderr and SLOW_NAME in result.stderr
    with zipfile.ZipFile(out) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2


def test_a_shared_page_that_takes_too_long_fails_the_job_with_the_limits_message(client, login, bulk, app):
    """Every certificate shares the design's page: if it cannot be rendered in time the run
    stops there, with the message a preview gets, instead of rendering for minutes."""
    from eventsys.certificates.models import CertificateDesign
    from eventsys.files import current_store

    event = bulk["event"]
    design = db.session.scalar(db.select(CertificateDesign).where(CertificateDesign.event_id == event.id))
    current_store().put("uploads/certificates/bomb.svg", hostile.svg_use_bomb())
    design.logo_path = "certificates/bomb.svg"
    db.session.commit()
    pdf.shared_layer.cache_clear()
    login(bulk["organizer"])
    started = client.post(f"/manage/events/{event.id}/certificates/bulk", data={"output": "zip"})
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == "failed", job.status
    assert "took too long to prepare" in job.error or "ใช้เวลาสร้างนานเกินไป" in job.error, job.error
