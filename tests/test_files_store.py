"""Stored files (eventsys/files.py): the local, database and S3 stores (S3: moto's fake of it,
in process), retention, two app hosts on one database, a missing certificate image, jobs
interrupted by a restore."""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import update

from eventsys import create_app
from eventsys.certificates import services as certificate_services
from eventsys.db import db, utcnow
from eventsys.files import (
    DatabaseStore,
    FileMissing,
    LocalStore,
    S3Store,
    StoredFile,
    current_store,
    purge_expired,
    read_archive,
    store_for,
    write_archive,
)
from eventsys.jobs.models import Job, JobStatus
from tests.conftest import PASSWORD, TEST_SECRETS, FreshContextClient
from tests.fixtures.files import S3_SETTINGS


@pytest.fixture(params=["database", "s3"])
def app_config(request) -> dict:
    """Each test runs with each store every app host shares: the database and S3."""
    if request.param == "s3":
        request.getfixturevalue("fake_s3")
        return dict(S3_SETTINGS)
    return {"FILE_STORE": "database"}


# --- the stores -------------------------------------------------------------------------------


def test_local_store_writes_owner_only_and_refuses_keys_outside_its_folders(tmp_path):
    store = LocalStore(tmp_path)
    store.put("exports/event-1-certificates-2.zip", b"PK")
    path = tmp_path / "exports" / "event-1-certificates-2.zip"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "exports").stat().st_mode) == 0o700
    assert store.get("exports/event-1-certificates-2.zip") == b"PK"
    assert [i.key for i in store.list("exports/event-1-")] == ["exports/event-1-certificates-2.zip"]
    assert store.list("exports/event-12-") == []
    with pytest.raises(FileMissing):
        store.get("exports/nothing.zip")
    for bad in (
        "../secret_key",
        "secret_key",
        "exports/../secret_key",
        "/etc/passwd",
        "outbox/.hidden",
        "x/y",
    ):
        with pytest.raises(ValueError):
            store.put(bad, b"x")
    assert store.delete_prefix("exports/event-1-") == 1 and not path.exists()


def test_shared_store_on_both_databases(app):
    store = current_store()
    assert isinstance(store, DatabaseStore if app.config["FILE_STORE"] == "database" else S3Store)
    store.put("outbox/v7-" + "a" * 32 + ".eml", b"To: x@example.org\n\nhello")
    store.put("outbox/" + "b" * 32 + ".eml", b"other")
    store.put("uploads/certificates/logo.png", b"\x89PNG")
    db.session.commit()
    db.session.remove()
    assert current_store().get("uploads/certificates/logo.png") == b"\x89PNG"
    assert {i.key for i in current_store().list("outbox/")} == {
        "outbox/v7-" + "a" * 32 + ".eml",
        "outbox/" + "b" * 32 + ".eml",
    }
    assert current_store().delete_prefix("outbox/v7-") == 1
    db.session.commit()
    with pytest.raises(FileMissing):
        current_store().get("outbox/v7-" + "a" * 32 + ".eml")
    assert current_store().exists("outbox/" + "b" * 32 + ".eml")


def test_file_store_setting_is_checked(app):
    for wrong in ("nfs", "s3://", "s3://Bad_Bucket/x", "s3://a/x"):
        with pytest.raises(ValueError):
            create_app({**TEST_SECRETS, "TESTING": True, "FILE_STORE": wrong})
    made = create_app({**TEST_SECRETS, "TESTING": True, "FILE_STORE": "s3://my-bucket/a/b/"})
    assert made.config["FILE_STORE"] == "s3://my-bucket/a/b/"


@pytest.mark.parametrize("kind", ["local", "database"])
def test_purge_removes_expired_files_only(app, tmp_path, kind):
    store = LocalStore(tmp_path) if kind == "local" else store_for({"FILE_STORE": "database"}, tmp_path)
    now = utcnow()
    for key in (
        "outbox/old.eml",
        "volunteer_imports/job-1-report.json",
        "exports/event-1-certificates-1.zip",
        "uploads/certificates/logo.png",  # a design's image: kept as long as the design
        "outbox/new.eml",
    ):
        store.put(key, b"x")
    db.session.commit()
    old = now - timedelta(days=31)
    for key in (
        "outbox/old.eml",
        "volunteer_imports/job-1-report.json",
        "exports/event-1-certificates-1.zip",
    ):
        if kind == "local":
            os.utime(tmp_path / key, (old.timestamp(), old.timestamp()))
        else:
            db.session.execute(update(StoredFile).where(StoredFile.key == key).values(created_at=old))
    db.session.commit()
    assert purge_expired(store, older_than=timedelta(days=30), now=now) == 3
    db.session.commit()
    left = {
        i.key for folder in ("outbox", "exports", "volunteer_imports", "uploads") for i in store.list(folder)
    }
    assert left == {"uploads/certificates/logo.png", "outbox/new.eml"}


def test_s3_purge_removes_expired_files_only(fake_s3):
    store = store_for(S3_SETTINGS, "/nonexistent")
    for key in ("outbox/a.eml", "exports/event-1-certificates-1.zip", "uploads/certificates/logo.png"):
        store.put(key, b"x")
    assert purge_expired(store, older_than=timedelta(days=30), now=utcnow()) == 0  # all new
    assert purge_expired(store, older_than=timedelta(days=30), now=utcnow() + timedelta(days=31)) == 2
    assert [i.key for i in store.list("")] == ["site-1/uploads/certificates/logo.png"[7:]]


def test_files_purge_command(app, runner):
    current_store().put("outbox/old.eml", b"x")
    db.session.commit()
    result = runner.invoke(args=["files", "purge"])
    assert result.exit_code == 0 and "0 expired" in result.output  # kept FILE_RETENTION_DAYS
    result = runner.invoke(args=["files", "purge", "--days", "0"])
    assert result.exit_code == 0 and "1 expired" in result.output
    db.session.rollback()
    assert not current_store().exists("outbox/old.eml")


# --- two app hosts on one database ----------------------------------------------------------------


@pytest.fixture
def second_host(app, tmp_path, monkeypatch):
    """Another app process on another machine: its own instance folder, the same database."""
    monkeypatch.setenv("EVENTSYS_INSTANCE", str(tmp_path / "host-2"))
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "BASE_URL": "http://localhost",
            "RATELIMIT_ENABLED": False,
            "FILE_STORE": app.config["FILE_STORE"],
            **TEST_SECRETS,
        }
    )
    assert other.instance_path != app.instance_path
    other.test_client_class = FreshContextClient
    yield other
    with other.app_context():
        db.engine.dispose()


def _logged_in(flask_app, user):
    client = flask_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_import_uploaded_on_one_host_is_committed_on_the_other(client, second_host, make_user):
    from eventsys.volunteers.models import Volunteer

    organizer = make_user()
    host_1, host_2 = _logged_in(client.application, organizer), _logged_in(second_host, organizer)
    text = io.StringIO()
    csv.writer(text).writerows([["ชื่อ", "นามสกุล", "เบอร์โทร"], ["สมชาย", "ใจดี", "0812345678"]])
    page = host_1.post(
        "/volunteers/import", data={"file": (io.BytesIO(text.getvalue().encode("utf-8")), "people.csv")}
    ).get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = host_2.post("/volunteers/import/start", data={"token": token, "filename": "people.csv"})
    assert response.status_code == 302 and "/volunteers/import/" in response.headers["Location"]
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert [v.first_name for v in db.session.query(Volunteer)] == ["สมชาย"]
    report = host_1.get(f"/volunteers/import/{job_id}/report.csv")  # the report, on the first host
    assert report.status_code == 200 and "สมชาย" in report.get_data().decode("utf-8-sig")


def test_bulk_zip_made_on_one_host_downloads_on_the_other(
    client, second_host, make_user, make_event, make_attendee, now
):
    organizer = make_user()
    event = make_event(owner=organizer)
    certificate_services.get_design(db.session, event=event)
    make_attendee(event, first_name="สมศรี")
    certificate_services.issue_certificates(db.session, event=event, actor=organizer, now=now)
    db.session.commit()
    host_1, host_2 = _logged_in(client.application, organizer), _logged_in(second_host, organizer)
    logo = io.BytesIO()
    Image.new("RGB", (60, 30), (200, 20, 30)).save(logo, "PNG")
    form = {
        "title": "เกียรติบัตร", "body": "ได้เข้าร่วม{event}", "language": "th", "paper": "A4-landscape",
        "serial_pattern": "{n}/{be_year}", "eligibility": "event",
        "logo": (io.BytesIO(logo.getvalue()), "logo.png"),
        "signatories-0-name": "นางสาวมาลี ดีงาม", "signatories-0-position": "ผู้อำนวยการ",
    }  # fmt: skip
    saved = host_1.post(
        f"/manage/events/{event.id}/certificates", data=form, content_type="multipart/form-data"
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)  # the logo is stored by the first host …
    (certificate_id,) = [c.id for c in certificate_services.event_certificates(db.session, event=event)]
    one = host_2.get(f"/manage/events/{event.id}/certificates/{certificate_id}.pdf")
    assert one.status_code == 200 and one.data.startswith(b"%PDF")  # … and drawn by the second
    started = host_1.post(f"/manage/events/{event.id}/certificates/bulk", data={"output": "zip"})
    job_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    download = host_2.get(f"/manage/events/{event.id}/certificates/jobs/{job_id}/file")
    assert download.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == 1


# --- a missing certificate image ------------------------------------------------------------------


def test_missing_signature_image_refuses_the_certificate(
    client, login, make_user, make_event, make_attendee, now
):
    organizer = make_user()
    event = make_event(owner=organizer)
    certificate_services.save_design(
        db.session, event=event, actor=organizer, now=now, title="เกียรติบัตร",
        body="ได้เข้าร่วม{event}", language="th", use_thai_digits=False, paper="A4-landscape",
        serial_pattern="{n}/{be_year}", eligibility={"kind": "event"},
        signatories=[{"name": "นายสมชาย ใจกว้าง", "position": "ปลัด",
                      "signature_path": "certificates/" + "0" * 24 + ".png"}],
    )  # fmt: skip
    make_attendee(event)
    (certificate,) = certificate_services.issue_certificates(
        db.session, event=event, actor=organizer, now=now
    )
    db.session.commit()
    login(organizer)
    response = client.get(f"/manage/events/{event.id}/certificates/{certificate.id}.pdf")
    assert response.status_code == 409 and not response.data.startswith(b"%PDF")
    assert "นายสมชาย ใจกว้าง" in response.get_data(as_text=True)  # which signature is missing
    started = client.post(f"/manage/events/{event.id}/certificates/bulk", data={"output": "pdf"})
    job_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.FAILED and "นายสมชาย ใจกว้าง" in job.error
    assert client.get(f"/manage/events/{event.id}/certificates/jobs/{job_id}/file").status_code == 404


# --- jobs interrupted by a restore ----------------------------------------------------------------


def test_jobs_left_running_are_marked_failed_and_can_be_restarted(app, runner, make_user, make_event):
    from eventsys.jobs.services import create_job, mark_running

    event = make_event(owner=make_user())
    job = create_job(db.session, kind="certificates_bulk", params={"event_id": event.id, "output": "zip"})
    mark_running(job)  # as it was when the backup was taken
    db.session.commit()
    result = runner.invoke(args=["jobs", "restart", str(job.id)])
    assert result.exit_code != 0 and "ล้มเหลว" in result.output  # only a failed job restarts
    result = runner.invoke(args=["jobs", "recover"])
    assert result.exit_code == 0 and f"job {job.id}" in result.output
    db.session.rollback()
    assert db.session.get(Job, job.id).status == JobStatus.FAILED
    result = runner.invoke(args=["jobs", "restart", str(job.id)])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE
    assert current_store().exists(f"exports/event-{event.id}-certificates-{job.id}.zip")


def test_purge_also_forgets_the_people_listed_in_old_import_results(app, client, login, runner, make_user):
    if app.config["FILE_STORE"] != "database":
        pytest.skip("backdates the report's row: database store only")
    from eventsys.jobs.services import create_job, mark_done
    from eventsys.volunteers.tasks import report_key

    organizer = make_user()
    counts = {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    rows = [{"number": 2, "status": "created", "reason": "", "name": "สมชาย ใจดี", "volunteer_id": None}]
    old, recent = (
        create_job(db.session, kind="volunteer_import", params={}, actor=organizer) for _ in range(2)
    )
    mark_done(old, result={"counts": counts, "rows": rows}, now=utcnow() - timedelta(days=31))
    mark_done(recent, result={"counts": counts, "rows": rows})
    current_store().put(report_key(old.id), b"[]")
    db.session.commit()
    db.session.execute(update(StoredFile).values(created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert runner.invoke(args=["files", "purge"]).exit_code == 0
    db.session.rollback()
    assert db.session.get(Job, old.id).result == {"counts": counts, "rows": [], "expired": True}
    assert db.session.get(Job, recent.id).result["rows"] == rows
    login(organizer)
    page = client.get(f"/volunteers/import/{old.id}").get_data(as_text=True)
    assert "สมชาย" not in page and client.get(f"/volunteers/import/{old.id}/report.csv").status_code == 404
    assert "สมชาย" in client.get(f"/volunteers/import/{recent.id}").get_data(as_text=True)


def test_archive_restores_into_any_store(app, runner, tmp_path):
    """``flask backup``'s FILE.files.tar (from a local store) goes into this app's store with
    ``flask files restore``; a tar with a path outside the stored folders is refused."""
    import tarfile

    local = LocalStore(tmp_path / "old-host")
    local.put("uploads/certificates/abc.png", b"\x89PNG")
    local.put("outbox/" + "d" * 32 + ".eml", b"To: x@example.org")
    write_archive(local, tmp_path / "backup.files.tar")
    result = runner.invoke(args=["files", "restore", str(tmp_path / "backup.files.tar")])
    assert result.exit_code == 0 and "2 file(s)" in result.output, result.output
    db.session.rollback()
    assert current_store().get("uploads/certificates/abc.png") == b"\x89PNG"
    with tarfile.open(tmp_path / "evil.tar", "w") as evil:
        member = tarfile.TarInfo("../secret_key")
        member.size = 1
        evil.addfile(member, io.BytesIO(b"x"))
    assert runner.invoke(args=["files", "restore", str(tmp_path / "evil.tar")]).exit_code != 0
    with pytest.raises(ValueError):
        read_archive(current_store(), tmp_path / "evil.tar")


def test_stored_names_cannot_reach_outside_the_store(
    client, login, make_user, make_event, make_attendee, now
):
    """A design image path or an outbox name pointing elsewhere (``..``) reads nothing."""
    organizer, admin = make_user(), make_user("admin")
    event = make_event(owner=organizer)
    design = certificate_services.get_design(db.session, event=event)
    design.logo_path = "../../secret_key"  # as if written straight into the database
    make_attendee(event)
    (certificate,) = certificate_services.issue_certificates(
        db.session, event=event, actor=organizer, now=now
    )
    db.session.commit()
    login(organizer)
    assert client.get(f"/manage/events/{event.id}/certificates/{certificate.id}.pdf").status_code == 409
    client.post("/logout")
    login(admin)
    for name in ("..%2F..%2Fsecret_key", "..", "v1-..%2Fx", "a" * 32 + ".eml"):
        assert client.get(f"/admin/outbox/{name}").status_code == 404


def test_the_jobs_worker_purges_daily(app):
    """``flask jobs worker`` runs the purge as a periodic task, at 03:17 UTC each day."""
    from datetime import datetime

    from eventsys.jobs.queue import huey
    from eventsys.jobs.tasks import purge_files_daily

    assert purge_files_daily.task_class in huey._registry._periodic_tasks
    task = purge_files_daily.s()
    assert task.validate_datetime(datetime(2026, 12, 5, 3, 17))
    assert not task.validate_datetime(datetime(2026, 12, 5, 4, 17))
    current_store().put("outbox/a.eml", b"x")
    db.session.commit()
    app.config["FILE_RETENTION_DAYS"] = 0
    assert purge_files_daily.call_local() == 1
    db.session.rollback()
    assert current_store().list("outbox/") == []
