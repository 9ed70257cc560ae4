"""Ticket codes and badges: the QR images people's phones fetch and the badge sheets an
organizer prints, over HTTP against gunicorn.

- ``/ticket/<token>/qr.png``, ``qr.svg`` and ``ticket.png`` (the picture saved to a phone),
  each for 300 different tickets (``--quick`` 100), one client at a time: latency p50/p99.
- ``badges.pdf`` (A4, 8 a sheet) for an event of 300 people (``--quick`` 100): a QR per badge.

Every answer is judged (200, the right type), every PNG ticket and every badge's code read
back with a QR decoder as the ticket's token. No speed target is stated: speed is reported.

.venv/bin/python -m benchmarks.tickets --db postgresql [--quick]
"""

from __future__ import annotations

import subprocess
import time
import urllib.request

from benchmarks.checkin_load import seed
from benchmarks.faults import FormSession, fetch
from benchmarks.harness import arguments, emit, judged, percentile, served_app


def _read_codes(png: bytes) -> list[str]:
    import io

    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _badge_codes(pdf: bytes) -> list[str]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-", f"{tmp}/p"], input=pdf, check=True)
        return [code for page in sorted(Path(tmp).glob("p*.png")) for code in _read_codes(page.read_bytes())]


def main() -> None:
    args = arguments(__doc__).parse_args()
    people = 100 if args.quick else 300
    figures: dict = {"benchmark": "tickets", "db": args.db, "tickets": people}
    with served_app(db=args.db, workers=2) as server:
        data = seed(server.database_url, people, 0)
        tokens, event_id = data["tokens"][0], data["event_ids"][0]
        answers: dict[str, list] = {}
        for kind, mimetype in (
            ("qr.png", "image/png"),
            ("qr.svg", "image/svg+xml"),
            ("ticket.png", "image/png"),
        ):
            fetch(f"{server.url}/ticket/{tokens[0]}/{kind}")  # warm-up, untimed
            timed = []
            for token in tokens:
                started = time.perf_counter()
                answer = fetch(f"{server.url}/ticket/{token}/{kind}")
                timed.append((time.perf_counter() - started, token, answer))
            answers[kind] = timed
            figures[f"{kind}_p50_ms"] = round(percentile([t for t, _k, _a in timed], 50) * 1000, 1)
            figures[f"{kind}_p99_ms"] = round(percentile([t for t, _k, _a in timed], 99) * 1000, 1)
            figures[f"{kind}_kb_mean"] = round(sum(len(a.body) for *_x, a in timed) / len(timed) / 1024, 1)
            figures[f"{kind}_answered_right"] = all(
                a.status == 200 and a.content_type.startswith(mimetype) for *_x, a in timed
            )
        email, password = "badges@bench.example", "bench-password-1"
        server.flask(
            "create-user", email, "--role", "admin", "--password", password, stdout=subprocess.DEVNULL
        )
        organizer = FormSession(server.url)
        logged_in = organizer.post("/login", {"email": email, "password": password}).status == 302
        badges_url = f"{server.url}/manage/events/{event_id}/certificates/badges.pdf?size=a4-8"
        started = time.perf_counter()
        with organizer.opener.open(urllib.request.Request(badges_url), timeout=120) as response:
            badges = response.read()
        figures["badges_pdf_s"] = round(time.perf_counter() - started, 2)
        figures["badges_pdf_kb"] = round(len(badges) / 1024)
    ticket_codes = [
        (token, _read_codes(a.body)) for _t, token, a in answers["qr.png"] + answers["ticket.png"]
    ]
    badge_codes = _badge_codes(badges)
    figures["tickets_not_decoded"] = sum(1 for token, read in ticket_codes if read != [token])
    figures["badge_codes_decoded"] = len(badge_codes)
    checks = {
        "qr_png_answers_right": figures["qr.png_answered_right"],
        "qr_svg_answers_right": figures["qr.svg_answered_right"],
        "ticket_png_answers_right": figures["ticket.png_answered_right"],
        "every_ticket_picture_decodes_to_its_token": figures["tickets_not_decoded"] == 0,
        "logged_in": logged_in,
        "every_badge_decodes_to_a_ticket": sorted(badge_codes) == sorted(tokens),
    }
    emit({**figures, **judged(checks)})


if __name__ == "__main__":
    main()
