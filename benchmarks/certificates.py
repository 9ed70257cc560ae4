"""Certificates: 1,000 Thai certificates (logo, signature image, QR, per-person name and
serial) as a ZIP of per-person PDFs through the real CLI, against the naive way; each PDF's
size; one certificate on demand through the manage link on the served app.

.venv/bin/python -m benchmarks.certificates --db postgresql [--quick]

The naive way, measured in the same run on a sample and scaled to the full count: one
WeasyPrint ``HTML(...).write_pdf()`` per person with its own stylesheet and font set-up, the
QR with the best of the eight masks (each drawn and scored) instead of the fixed one.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pikepdf

from benchmarks.harness import arguments, emit, judged, percentile, served_app


def seed(server, count: int) -> tuple[int, list[str]]:
    """An event with ``count`` checked-in attendees and issued certificates; returns the event
    id and some manage-link tokens."""
    from datetime import UTC, datetime, timedelta

    from PIL import Image, ImageDraw

    os.environ["EVENTSYS_INSTANCE"] = str(server.instance)
    from eventsys import create_app
    from eventsys.accounts.models import Role
    from eventsys.accounts.services import create_user
    from eventsys.certificates import services, uploads
    from eventsys.checkin.models import CheckIn, CheckInMethod
    from eventsys.db import db
    from eventsys.events.models import Event, EventStatus
    from eventsys.files import LocalStore
    from eventsys.registration.models import Registration, RegistrationStatus
    from eventsys.registration.services import new_ticket_secret
    from eventsys.registration.tickets import signer
    from eventsys.volunteers.models import Volunteer
    from eventsys.volunteers.thai import sort_key

    app = create_app(
        {
            "DATABASE_URL": server.database_url,
            "SECRET_KEY": server.env["SECRET_KEY"],
            "ID_ENCRYPTION_KEY": server.env["ID_ENCRYPTION_KEY"],
            "BASE_URL": server.url,
        }
    )
    firsts = ["สมศรี", "ประเสริฐ", "กมลวรรณ", "ณัฐพล", "เกศินี", "ไพโรจน์", "วิไลวรรณ", "ธนากร", "อัญชลี", "สุนทร"]
    lasts = ["ใจดี", "ศรีสุข", "บุญมา", "แก้วประเสริฐ", "ทองคำ", "วงศ์ใหญ่", "มีสุข", "รัตนพันธ์"]
    prefixes = ["นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี"]
    with app.app_context():
        upload_dir = Path(server.instance) / "uploads"
        store = LocalStore(server.instance)  # the server's store (FILE_STORE=local)
        emblem = (Path(__file__).resolve().parent.parent / "static/img/certificate-emblem.svg").read_bytes()
        logo = uploads.store_image(emblem, files=store, field="logo")
        image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
        ImageDraw.Draw(image).line(
            [(10, 90), (90, 20), (170, 80), (260, 25), (350, 70)], fill=(20, 30, 120, 255), width=6
        )
        png = io.BytesIO()
        image.save(png, "PNG")
        signature = uploads.store_image(png.getvalue(), files=store, field="signature")
        organizer = create_user(db.session, email="bench@example.org", role=Role.ORGANIZER, password="x" * 12)
        start = datetime(2025, 11, 12, 2, 0, tzinfo=UTC)
        event = Event(
            slug="bench", title="การประชุมเชิงปฏิบัติการพัฒนาศักยภาพอาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.)",
            organizer_unit="กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", starts_at=start,
            ends_at=start + timedelta(hours=7), status=EventStatus.PUBLISHED, owner=organizer,
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        now = start + timedelta(hours=8)
        services.save_design(
            db.session, event=event, actor=organizer, now=now, title="เกียรติบัตร",
            body="ได้เข้าร่วม{event} เมื่อวันที่ {date} จำนวน {hours} ชั่วโมง", language="th",
            use_thai_digits=True, paper="A4-landscape", serial_pattern="พม. {n:04d}/{be_year}",
            eligibility={"kind": "event"}, logo_path=logo,
            signatories=[{"name": "นายสมชาย ใจกว้าง", "signature_path": signature,
                          "position": "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"}],
        )  # fmt: skip
        registrations = []
        for i in range(count):
            first, last = firsts[i % len(firsts)] + ("" if i < 10 else str(i)), lasts[i % len(lasts)]
            volunteer = Volunteer(
                prefix=prefixes[i % 4], first_name=first, last_name=last, sort_key=sort_key(first, last),
                organization="ศูนย์พัฒนาสังคม", email=f"p{i}@example.org",
            )  # fmt: skip
            registration = Registration(
                event_id=event.id, volunteer=volunteer, status=RegistrationStatus.CONFIRMED,
                ticket_secret=new_ticket_secret(),
            )  # fmt: skip
            db.session.add(registration)
            registrations.append(registration)
        db.session.flush()
        db.session.add_all(
            CheckIn(registration_id=r.id, method=CheckInMethod.SCANNER, checked_in_at=now, recorded_at=now)
            for r in registrations
        )
        db.session.flush()
        services.issue_certificates(db.session, event=event, actor=organizer, now=now)
        db.session.commit()
        tokens = [signer().manage_token(r.id, r.ticket_secret) for r in registrations[:25]]
        event_id = event.id
        # the naive baseline's inputs, from the same records
        design = services.get_design(db.session, event=event)
        layout = services.layout_for(design, event, files=store)
        people = services.people_for(
            services.event_certificates(db.session, event=event),
            design=design,
            event=event,
            base_url=server.url,
        )
        db.engine.dispose()
    return event_id, tokens, layout, people, str(upload_dir)


def naive_seconds_each(layout, people, upload_dir: str) -> float:
    """One full HTML per person, everything set up per document, default-settings QR."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from eventsys import qr
    from eventsys.certificates import pdf

    css_text = (pdf.TEMPLATES / "print.css").read_text(encoding="utf-8")
    template = pdf._jinja().get_template("certificate.html")
    fetcher = pdf.LocalFetcher((upload_dir, str(pdf.STATIC), str(pdf.FONT_DIR)))
    started = time.perf_counter()
    for person in people:
        code = qr.png_data_uri(person.verify_url, mask=None)
        html = template.render(layout=layout, layer="both", people=[(person, code)])
        fonts = FontConfiguration()
        css = CSS(
            string=f"{pdf.FONT_FACES}@page {{ size: A4 landscape; }}{css_text}",
            font_config=fonts,
            url_fetcher=fetcher,
        )
        HTML(string=html, base_url=str(pdf.TEMPLATES) + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=fonts
        )
    return (time.perf_counter() - started) / len(people)


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes and their children."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    args = arguments(__doc__).parse_args()
    count = 200 if args.quick else 1000
    naive_sample = 20 if args.quick else 60
    with served_app(db=args.db, workers=2) as server:
        print("instance", server.instance, flush=True)
        event_id, tokens, layout, people, upload_dir = seed(server, count)
        with tempfile.TemporaryDirectory() as tmp:
            out_zip = Path(tmp) / "all.zip"
            load_before = os.getloadavg()[0]
            cpu_before = _children_cpu()
            started = time.perf_counter()
            server.flask(
                "certificates", "generate", str(event_id), "--out", str(out_zip), capture_output=True
            )
            zip_seconds = time.perf_counter() - started
            zip_cpu = _children_cpu() - cpu_before
            with zipfile.ZipFile(out_zip) as archive:
                sizes = [info.file_size for info in archive.infolist()]
                zip_pdfs = sum(1 for name in archive.namelist() if archive.read(name).startswith(b"%PDF"))
            out_pdf = Path(tmp) / "all.pdf"
            started = time.perf_counter()
            server.flask(
                "certificates", "generate", str(event_id), "--out", str(out_pdf), capture_output=True
            )
            merged_seconds = time.perf_counter() - started
            merged_bytes = out_pdf.stat().st_size
            with pikepdf.open(out_pdf) as merged:
                merged_pages = len(merged.pages)

        def fetch(token: str) -> tuple[float, bool]:
            began = time.perf_counter()
            with urllib.request.urlopen(f"{server.url}/r/{token}/certificate.pdf", timeout=30) as response:
                body = response.read()
                good = response.status == 200 and body.startswith(b"%PDF")
            return time.perf_counter() - began, good

        first = [fetch(tokens[0]), fetch(tokens[1])]  # each worker renders its shared layer once
        rest = [fetch(token) for token in tokens[2:]]
        first_ms = [seconds for seconds, _good in first]
        on_demand = [seconds for seconds, _good in rest]
        on_demand_good = all(good for _seconds, good in first + rest)
        naive_cpu_started = time.process_time()
        naive_each = naive_seconds_each(layout, people[:naive_sample], upload_dir)
        naive_cpu_each = (time.process_time() - naive_cpu_started) / naive_sample
    naive_total = naive_each * count
    emit(
        {
            "benchmark": "certificates",
            "db": args.db,
            "certificates": count,
            "zip_wall_s": round(zip_seconds, 2),
            "zip_wall_includes": "whole CLI process: start-up, DB read, 2 render processes, ZIP",
            "merged_pdf_wall_s": round(merged_seconds, 2),
            "merged_pdf_kb": round(merged_bytes / 1024),
            "pdf_kb_max": round(max(sizes) / 1024, 1),
            "pdf_kb_mean": round(statistics.mean(sizes) / 1024, 1),
            "naive_ms_each": round(naive_each * 1000, 1),
            "naive_sample": naive_sample,
            "naive_extrapolated_s": round(naive_total, 1),
            "speedup_vs_naive": round(naive_total / zip_seconds, 1),
            # The machine is shared: CPU seconds say what the wall time would be on an idle one.
            "load_1min_at_start": round(load_before, 1),
            "zip_cpu_s": round(zip_cpu, 1),
            "zip_wall_if_idle_s_estimate": round(zip_cpu / 2, 1),
            "naive_cpu_ms_each": round(naive_cpu_each * 1000, 1),
            "speedup_vs_naive_cpu": round(naive_cpu_each * count / zip_cpu, 1),
            "on_demand_first_ms": [round(s * 1000) for s in first_ms],
            "on_demand_p50_ms": round(percentile(on_demand, 50) * 1000),
            "on_demand_max_ms": round(max(on_demand) * 1000),
            "zip_pdfs": zip_pdfs,
            "merged_pdf_pages": merged_pages,
            # no speed target is stated for certificates: the figures are reported, the output judged
            **judged(
                {
                    "zip_has_one_pdf_each": zip_pdfs == len(sizes) == count,
                    "merged_pdf_has_one_page_each": merged_pages == count,
                    "on_demand_all_pdfs": on_demand_good,
                }
            ),
        }
    )


if __name__ == "__main__":
    main()
