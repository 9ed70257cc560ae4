"""Certificate pages, API, CLI and jobs through the app: access rules, what the PDFs say,
ZIP and merged output, the public verification page and the attendee's own download."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import zipfile
from urllib.parse import quote

import pikepdf
import pytest
from sqlalchemy import select

from eventsys.certificates import services
from eventsys.certificates.models import Certificate
from eventsys.db import db


@pytest.fixture(autouse=True)
def fail_on_weasyprint_warnings():
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logging.getLogger("weasyprint").addHandler(handler)
    yield
    logging.getLogger("weasyprint").removeHandler(handler)
    assert records == []


def pdf_text(data: bytes) -> str:
    """The PDF's text layer, with ำ put back together (pdf.decompose_sara_am splits it)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text.decode())


def page_texts(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")[:-1]


@pytest.fixture
def setup(app, make_user, make_event, make_attendee, now):
    """An organizer's event with two attendees issued certificates (pattern พม. {n:04d}/{be_year})."""
    organizer = make_user()
    event = make_event(owner=organizer, title="การประชุมเชิงปฏิบัติการ อพม.", organizer_unit="กระทรวงการพัฒนาสังคมฯ")
    services.save_design(
        db.session, event=event, actor=organizer, now=now, title="เกียรติบัตร",
        body="ได้เข้าร่วม{event} เมื่อวันที่ {date}", language="th", use_thai_digits=True,
        paper="A4-landscape", serial_pattern="พม. {n:04d}/{be_year}", eligibility={"kind": "event"},
        signatories=[{"name": "นายสมชาย ใจกว้าง", "position": "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"}],
    )  # fmt: skip
    first = make_attendee(event, first_name="สมศรี", last_name="ใจดี")
    second = make_attendee(event, first_name="<b>ปิติ</b>", last_name="มานะ")
    issued = services.issue_certificates(db.session, event=event, actor=organizer, now=now)
    db.session.commit()
    issued = sorted(issued, key=lambda c: c.registration_id)  # [สมศรี's, ปิติ's]
    return {"organizer": organizer, "event": event, "registrations": [first, second], "certificates": issued}


def test_design_page_only_for_the_owner(client, login, make_user, setup):
    event = setup["event"]
    assert client.get(f"/manage/events/{event.id}/certificates").status_code == 302  # anonymous → log in
    login(make_user())  # another organizer
    assert client.get(f"/manage/events/{event.id}/certificates").status_code == 403
    cert = setup["certificates"][0]
    assert client.get(f"/manage/events/{event.id}/certificates/{cert.id}.pdf").status_code == 403


def test_owner_sees_page_downloads_one_and_swapped_ids_fail(client, login, make_user, make_event, setup):
    event, cert = setup["event"], setup["certificates"][0]
    login(setup["organizer"])
    page = client.get(f"/manage/events/{event.id}/certificates")
    assert page.status_code == 200 and "พม. 0001/2558" in page.get_data(as_text=True)
    response = client.get(f"/manage/events/{event.id}/certificates/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].isascii()  # gunicorn refuses other headers
    text = pdf_text(response.data)
    # "<b>ปิติ</b>" sorts first, so สมศรี is number 2
    assert "นางสาวสมศรี ใจดี" in text and "พ.ศ. ๒๕๕๘" in text and "พม. ๐๐๐๒/๒๕๕๘" in text
    fonts = subprocess.run(
        ["pdffonts", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "+Sarabun" in fonts
    db.session.rollback()
    own_other_event = make_event(owner=setup["organizer"])
    assert client.get(f"/manage/events/{own_other_event.id}/certificates/{cert.id}.pdf").status_code == 404


def test_html_in_a_name_prints_as_text(client, login, setup):
    event, cert = setup["event"], setup["certificates"][1]
    assert cert.registration.volunteer.first_name == "<b>ปิติ</b>"
    login(setup["organizer"])
    data = client.get(f"/manage/events/{event.id}/certificates/{cert.id}.pdf").data
    assert "<b>ปิติ</b> มานะ" in pdf_text(data)


def test_save_design_with_uploads_and_refusals(client, login, setup):
    from PIL import Image

    event = setup["event"]
    login(setup["organizer"])
    png = io.BytesIO()
    Image.new("RGB", (60, 30), (10, 20, 30)).save(png, "PNG")
    form = {
        "title": "วุฒิบัตร", "body": "ได้ผ่านการอบรม{event}", "language": "th", "use_thai_digits": "y",
        "paper": "A4-portrait", "serial_pattern": "{n}/{be_year}", "eligibility": "event",
        "signatories-0-name": "นางสาวมาลี ดีงาม", "signatories-0-position": "ผู้อำนวยการ",
    }  # fmt: skip
    response = client.post(
        f"/manage/events/{event.id}/certificates",
        data={
            **form,
            "logo": (io.BytesIO(png.getvalue()), "logo.gif"),
            "signatories-0-signature": (io.BytesIO(png.getvalue()), "s.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    design = services.get_design(db.session, event=event)
    assert design.title == "วุฒิบัตร" and design.logo_path.endswith(".png") and design.paper == "A4-portrait"
    assert design.signatories[0]["signature_path"].endswith(".png")
    # a GIF named .png is refused with a message on the field
    refused = client.post(
        f"/manage/events/{event.id}/certificates",
        data={**form, "logo": (io.BytesIO(b"GIF89a" + b"\0" * 40), "logo.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "PNG, JPEG หรือ SVG" in refused.get_data(as_text=True)
    preview = client.post(
        f"/manage/events/{event.id}/certificates/preview.pdf", data={**form, "title": "ตัวอย่างใหม่"}
    )
    assert preview.status_code == 200 and "ตัวอย่างใหม่" in pdf_text(preview.data)
    assert "ดีงาม" in pdf_text(client.get(f"/manage/events/{event.id}/certificates/preview.pdf").data)


def test_issue_button_and_revoke(client, login, make_attendee, setup):
    event = setup["event"]
    make_attendee(event, first_name="มาทีหลัง")
    login(setup["organizer"])
    assert client.post(f"/manage/events/{event.id}/certificates/issue").status_code == 302
    db.session.rollback()
    assert len(services.event_certificates(db.session, event=event)) == 3
    cert = setup["certificates"][0]
    client.post(f"/manage/events/{event.id}/certificates/{cert.id}/revoke", data={"reason": "ชื่อสะกดผิด"})
    db.session.rollback()
    assert db.session.get(Certificate, cert.id).revoke_reason == "ชื่อสะกดผิด"


def test_verification_page_valid_revoked_unknown(client, setup, now):
    cert = setup["certificates"][0]
    page = client.get(f"/verify/{cert.verification_code}")
    html = page.get_data(as_text=True)
    assert (
        page.status_code == 200 and "สม•••" in html and "ใ•••" in html and "การประชุมเชิงปฏิบัติการ อพม." in html
    )
    volunteer = cert.registration.volunteer
    for private in ("สมศรี", "ใจดี", volunteer.email, volunteer.organization):
        assert private not in html
    assert cert.serial in html  # printed on the certificate: the reader compares it
    services.revoke_certificate(db.session, certificate=cert, actor=None, reason="ออกผิดคน", now=now)
    db.session.commit()
    revoked = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "ถูกเพิกถอน" in revoked and "ออกผิดคน" in revoked
    unknown = client.get("/verify/ZZZZZZZZZZZZ")
    assert unknown.status_code == 404 and "ZZZZZZZZZZZZ" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}])
def test_verification_is_rate_limited(client, app_config, setup):
    statuses = [client.get("/verify/ZZZZZZZZZZZZ").status_code for _ in range(32)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_attendee_downloads_only_their_own(client, setup):
    from eventsys.registration.tickets import signer

    first, second = setup["registrations"]
    tickets = signer()
    own = tickets.manage_token(first.id, first.ticket_secret)
    response = client.get(f"/r/{own}/certificate.pdf")
    assert response.status_code == 200 and "สมศรี" in pdf_text(response.data)
    forged = f"{second.id}-{own.partition('-')[2]}"  # someone else's id with my signature
    assert client.get(f"/r/{forged}/certificate.pdf").status_code == 404
    assert client.get("/r/garbage/certificate.pdf").status_code == 404


def test_bulk_zip_and_merged_pdf_jobs(client, login, setup):
    event = setup["event"]
    login(setup["organizer"])
    for output in ("zip", "pdf"):
        started = client.post(f"/manage/events/{event.id}/certificates/bulk", data={"output": output})
        assert started.status_code == 302
        job_page = client.get(started.headers["Location"])
        assert job_page.status_code == 200
        job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
        status = client.get(f"/jobs/{job_id}.json").get_json()
        assert status["status"] == "done" and status["progress"] == 2
        data = client.get(f"/manage/events/{event.id}/certificates/jobs/{job_id}/file").data
        if output == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
                assert "สมศรี" in pdf_text(archive.read(names[1]))  # in serial order
        else:
            with pikepdf.open(io.BytesIO(data)) as document:
                assert len(document.pages) == 2
            assert "ปิติ" in page_texts(data)[1] or "ปิติ" in page_texts(data)[0]


def test_email_job_sends_each_certificate(client, login, setup, app):
    from pathlib import Path

    login(setup["organizer"])
    client.post(f"/manage/events/{setup['event'].id}/certificates/email")
    outbox = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 2
    assert b"application/pdf" in outbox[0].read_bytes()


def test_api_list_issue_and_pdf_by_serial_or_code(client, make_user, make_attendee, setup):
    from eventsys.accounts.services import create_token

    event = setup["event"]
    token = create_token(db.session, user=setup["organizer"], name="t")
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get(f"/api/v1/events/{event.id}/certificates", headers=auth).get_json()["certificates"]
    assert {c["status"] for c in listed} == {"valid"}
    assert set(listed[0]) == {"registration_id", "serial", "verification_code", "verify_url", "status"}
    assert listed[0]["verify_url"].endswith("/verify/" + listed[0]["verification_code"])
    db.session.rollback()
    make_attendee(event)
    assert client.post(f"/api/v1/events/{event.id}/certificates", headers=auth).get_json() == {"issued": 1}
    serial = listed[0]["serial"]  # "พม. 0001/2558": a slash and Thai letters
    for reference in (quote(serial), quote(serial, safe=""), listed[0]["verification_code"]):
        response = client.get(f"/api/v1/certificates/{reference}.pdf", headers=auth)
        assert response.status_code == 200 and response.mimetype == "application/pdf", reference
    db.session.rollback()
    other = make_user()
    other_token = create_token(db.session, user=other, name="t")
    db.session.commit()
    other_auth = {"Authorization": f"Bearer {other_token}"}
    assert client.get(f"/api/v1/events/{event.id}/certificates", headers=other_auth).status_code == 403
    assert client.get(f"/api/v1/certificates/{quote(serial)}.pdf", headers=other_auth).status_code == 404
    assert client.get(f"/api/v1/events/{event.id}/certificates").status_code == 401
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/events/{id}/certificates" in paths and "/certificates/{reference}.pdf" in paths


def test_cli_generate_zip_and_pdf(runner, setup, tmp_path):
    event = setup["event"]
    result = runner.invoke(
        args=["certificates", "generate", str(event.id), "--out", str(tmp_path / "all.zip")]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "all.zip") as archive:
        assert len(archive.namelist()) == 2
    result = runner.invoke(
        args=["certificates", "generate", str(event.id), "--out", str(tmp_path / "all.pdf")]
    )
    assert result.exit_code == 0, result.output
    with pikepdf.open(tmp_path / "all.pdf") as document:
        assert len(document.pages) == 2
    bad = runner.invoke(args=["certificates", "generate", str(event.id), "--out", str(tmp_path / "all.txt")])
    assert bad.exit_code != 0


def test_printed_documents(client, login, make_cert_registration, setup):
    event = setup["event"]
    login(setup["organizer"])
    db.session.rollback()
    for i in range(40):  # enough for a second page of the sign-in sheet
        make_cert_registration(event, first_name=f"ผู้เข้าร่วม{i:02d}")
    signin = client.get(f"/manage/events/{event.id}/certificates/signin.pdf")
    pages = page_texts(signin.data)
    signin_text = "".join(pages)
    table_pages = [p for p in pages if "นางสาว" in p]
    assert len(table_pages) >= 2 and all("ลายมือชื่อ" in p and "หน่วยงาน/เครือข่าย" in p for p in table_pages)
    assert "สมศรี ใจดี" in signin_text and "กรุงเทพมหานคร" in signin_text and "1-2345" not in signin_text
    badges = client.get(f"/manage/events/{event.id}/certificates/badges.pdf?size=a4-8")
    with pikepdf.open(io.BytesIO(badges.data)) as document:
        assert len(document.pages) == 6  # 42 people, 8 a sheet
    assert page_texts(badges.data)[0].count("นางสาว") == 8  # two columns of four on the first sheet
    single = client.get(f"/manage/events/{event.id}/certificates/badges.pdf?size=single")
    with pikepdf.open(io.BytesIO(single.data)) as document:
        assert len(document.pages) == 42
    report = pdf_text(client.get(f"/manage/events/{event.id}/certificates/attendance.pdf").data)
    assert "รายงานการเข้าร่วม" in report and "พม. 0001/2558" in report


def test_printed_codes_read_back_as_the_ticket_and_the_check_page(client, login, setup):
    """A scanner reading a badge gets that person's ticket token; a phone reading a
    downloaded certificate gets its check page (pages rasterised, codes decoded)."""
    from eventsys.registration.tickets import signer
    from tests.qr_reader import pdf_pages, read_qr

    event, (first, second) = setup["event"], setup["registrations"]
    tickets = {signer().token_for(r.ticket_secret) for r in (first, second)}
    certificate = client.get(f"/r/{signer().manage_token(first.id, first.ticket_secret)}/certificate.pdf")
    code = setup["certificates"][0].verification_code
    assert read_qr(pdf_pages(certificate.data, dpi=200)[0]) == [services.verify_url("http://localhost", code)]
    login(setup["organizer"])
    for size in ("single", "a4-8"):
        badges = client.get(f"/manage/events/{event.id}/certificates/badges.pdf?size={size}")
        read = [text for page in pdf_pages(badges.data, dpi=200) for text in read_qr(page)]
        assert sorted(read) == sorted(tickets), size


def test_issue_certificates_at_event_close_is_a_plain_service(app, setup, make_attendee, now):
    """What the events code calls when it closes an event: no request needed."""
    make_attendee(setup["event"])
    issued = services.issue_certificates(db.session, event=setup["event"], actor=None, now=now)
    db.session.commit()
    assert [c.number for c in issued] == [3]
    assert db.session.scalar(select(Certificate).where(Certificate.number == 3)).serial == "พม. 0003/2558"


def test_body_with_the_name_is_printed_per_person(client, login, setup, now):
    event, cert = setup["event"], setup["certificates"][0]
    design = services.get_design(db.session, event=event)
    design.body = "ขอมอบเกียรติบัตรนี้แก่ {name} ผู้เข้าร่วม{event}"
    design.updated_at = now
    db.session.commit()
    login(setup["organizer"])
    text = pdf_text(client.get(f"/manage/events/{event.id}/certificates/{cert.id}.pdf").data)
    assert "ขอมอบเกียรติบัตรนี้แก่ นางสาวสมศรี ใจดี" in text.replace("\n", " ")


def test_design_page_with_sessions_saves_a_session_rule(client, login, make_user, make_event):
    organizer = make_user()
    event = make_event(owner=organizer, sessions=2)
    first_session = event.sessions[0].id
    login(organizer)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert 'type="checkbox"' in page and "ช่วงที่ 1" in page
    form = {
        "title": "เกียรติบัตร", "body": "ได้เข้าร่วม{event}", "language": "th", "paper": "A4-landscape",
        "serial_pattern": "{n}", "eligibility": "sessions", "session_ids": str(first_session),
    }  # fmt: skip
    assert client.post(f"/manage/events/{event.id}/certificates", data=form).status_code == 302
    db.session.rollback()
    assert services.get_design(db.session, event=event).eligibility == {
        "kind": "sessions",
        "ids": [first_session],
    }
    bad = client.post(
        f"/manage/events/{event.id}/certificates",
        data={**form, "eligibility": "min_sessions", "min_sessions": "5"},
    )
    assert bad.status_code == 422 and "ผู้มีสิทธิ์" in bad.get_data(as_text=True)


def test_the_manage_page_links_a_certificate_only_when_one_exists(
    client, setup, make_checkin_registration, now
):
    """Before the event, for people who never came or cancelled: no link to a bare 404, but
    when and on what condition a certificate comes."""
    from eventsys.certificates.models import Certificate
    from eventsys.registration.tickets import signer

    first, _second = setup["registrations"]
    tickets = signer()
    page = client.get(f"/r/{tickets.manage_token(first.id, first.ticket_secret)}").get_data(as_text=True)
    assert 'id="certificate-link"' in page
    newcomer = make_checkin_registration(setup["event"])  # confirmed, never checked in, no certificate
    page = client.get(f"/r/{tickets.manage_token(newcomer.id, newcomer.ticket_secret)}").get_data(
        as_text=True
    )
    assert 'id="certificate-link"' not in page and 'id="certificate-later"' in page
    db.session.rollback()
    certificate = db.session.query(Certificate).filter_by(registration_id=first.id).one()
    certificate.revoked_at = now
    db.session.commit()
    page = client.get(f"/r/{tickets.manage_token(first.id, first.ticket_secret)}").get_data(as_text=True)
    assert 'id="certificate-link"' not in page


def test_verification_shows_the_serial_and_the_pdf_says_where_to_check(client, setup):
    cert = setup["certificates"][0]
    page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert 'id="verify-serial"' in page and cert.serial in page
    login_as_owner = setup["organizer"]
    from tests.conftest import PASSWORD

    client.post("/login", data={"email": login_as_owner.email, "password": PASSWORD})
    pdf = client.get(f"/manage/events/{setup['event'].id}/certificates/{cert.id}.pdf")
    text = " ".join(pdf_text(pdf.data).split())
    assert "ตรวจสอบความถูกต้องได้" in text and f"/verify/{cert.verification_code}" in text.replace(" ", "")
    assert f"รหัส {cert.verification_code}" in text
