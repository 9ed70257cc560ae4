"""Door check-in under load, and a crash in the middle of it.

1. Throughput: 20,000 confirmed tickets (2,000 with --quick), 8 concurrent scanners each
   sending POST /api/v1/checkins (a connection each, which the client keeps open unless the
   server closes it: production's gunicorn settings close it after every answer);
   check-ins per second and latency percentiles. Target: ≥ 500/s on PostgreSQL, ≥ 200/s
   on SQLite, p99 ≤ 50 ms.
2. First scan: the scanner page opened in headless Chromium on a phone-sized screen, with a
   fake camera showing a ticket: seconds from the page's load to the green answer.
   Target: ≤ 1.5 s, and the page's code ≤ 150 KB compressed.
3. Crash: 5,000 more tickets (1,000 with --quick) sent by 8 clients that retry until they
   get an answer (same client id on every retry); the server is killed with SIGKILL half-way
   and started again. Every ticket must end up checked in exactly once.

.venv/bin/python -m benchmarks.checkin_load --db postgresql [--quick]
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from benchmarks.harness import Milestones, arguments, emit, judged, percentile, served_app

SCANNERS = 8


def seed(database_url: str, tickets: int, crash_tickets: int) -> dict:
    """Bulk-insert an event, a staff user with an API token and the tickets; return tokens."""
    from sqlalchemy import insert, select

    from eventsys import create_app
    from eventsys.accounts.models import Role
    from eventsys.accounts.services import create_token, create_user
    from eventsys.db import db
    from eventsys.events.models import Event, EventStaff, EventStatus
    from eventsys.registration.models import Registration, RegistrationStatus
    from eventsys.registration.services import new_ticket_secret
    from eventsys.registration.tickets import TicketSigner
    from eventsys.volunteers.models import Volunteer

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "benchmark-secret-key",
            "ID_ENCRYPTION_KEY": "benchmark-id-key",
        }
    )
    signer = TicketSigner("benchmark-secret-key")
    now = datetime.now(UTC)
    with app.app_context():
        staff = create_user(
            db.session, email="door@example.org", role=Role.STAFF, password="benchmark password 1"
        )
        events = []
        for n in (1, 2):
            event = Event(
                slug=f"bench-{n}",
                title=f"Benchmark {n}",
                starts_at=now,
                ends_at=now + timedelta(hours=8),
                status=EventStatus.PUBLISHED,
            )
            db.session.add(event)
            events.append(event)
        db.session.flush()
        for event in events:
            db.session.add(EventStaff(event_id=event.id, user_id=staff.id))
        api_token = create_token(db.session, user=staff)
        db.session.commit()

        result = {"api_token": api_token, "event_ids": [e.id for e in events], "tokens": [[], []]}
        for index, count in enumerate((tickets, crash_tickets)):
            if not count:
                continue
            volunteers = [
                {
                    "first_name": f"ผู้เข้าร่วม{index}-{n}",
                    "last_name": "ทดสอบ",
                    "organization": "หน่วยงาน",
                    "search_text": "",
                }
                for n in range(count)
            ]
            first_id = (db.session.scalar(select(db.func.max(Volunteer.id))) or 0) + 1
            db.session.execute(insert(Volunteer), volunteers)
            ids = db.session.scalars(
                select(Volunteer.id).where(Volunteer.id >= first_id).order_by(Volunteer.id)
            ).all()
            secrets = [new_ticket_secret() for _ in ids]
            db.session.execute(
                insert(Registration),
                [
                    {
                        "event_id": events[index].id,
                        "volunteer_id": volunteer_id,
                        "status": RegistrationStatus.CONFIRMED,
                        "ticket_secret": secret,
                    }
                    for volunteer_id, secret in zip(ids, secrets, strict=True)
                ],
            )
            result["tokens"][index] = [signer.token_for(secret) for secret in secrets]
        db.session.commit()
        db.engine.dispose()
    return result


class Scanner:
    """One door device: one connection (reopened when the server closes it), one scan at a time."""

    def __init__(self, port: int, api_token: str):
        self.port = port
        self.headers = {"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"}
        self.connection: http.client.HTTPConnection | None = None

    def post(self, body: dict) -> tuple[int, dict]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.connection.request("POST", "/api/v1/checkins", json.dumps(body), self.headers)
            response = self.connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            self.connection.close()
            self.connection = None
            raise


def run_scanners(
    port: int,
    api_token: str,
    event_id: int,
    tokens: list[str],
    *,
    retry: bool,
    progress=None,
    attempts: Counter | None = None,
):
    """Send every token once from SCANNERS threads; latencies and answers. ``progress()`` is
    called after each answer; ``attempts`` counts every try by status (0: no connection)."""
    latencies: list[float] = []
    answers: dict[str, str] = {}
    failures: list[str] = []
    lock = threading.Lock()
    queue = iter(list(enumerate(tokens)))

    def work() -> None:
        scanner = Scanner(port, api_token)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            _n, token = item
            body = {"event_id": event_id, "token": token, "client_id": str(uuid.uuid4())}
            give_up = time.monotonic() + 120
            while time.monotonic() < give_up:
                started = time.perf_counter()
                try:
                    status, answer = scanner.post(body)
                except (OSError, http.client.HTTPException, json.JSONDecodeError):
                    if attempts is not None:
                        with lock:
                            attempts[0] += 1
                    if not retry:
                        with lock:
                            failures.append("connection")
                        break
                    time.sleep(0.05)
                    continue
                if attempts is not None:
                    with lock:
                        attempts[status] += 1
                if status >= 500 and retry:
                    time.sleep(0.05)
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    answers[token] = answer.get("result") or answer.get("error", str(status))
                    if progress is not None:
                        progress()
                break

    threads = [threading.Thread(target=work) for _ in range(SCANNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, answers, failures


def count_check_ins(database_url: str, event_id: int) -> tuple[int, int]:
    """(check-ins, distinct registrations checked in) at ``event_id``."""
    from sqlalchemy import create_engine, text

    from eventsys.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT c.registration_id) FROM check_ins c "
                "JOIN registrations r ON r.id = c.registration_id WHERE r.event_id = :e"
            ),
            {"e": event_id},
        ).one()
    engine.dispose()
    return int(row[0]), int(row[1])


#: the scanner page's code, as the browser loads it (the HTML itself is ~3 KB more)
SCANNER_FILES = (
    "static/vendor/jsqr/jsQR.js",
    "static/js/checkin.js",
    "static/js/checkin-sw.js",
    "static/css/checkin.css",
    "static/css/app.css",
    "static/vendor/sarabun/sarabun.css",
)


def scanner_page_kb(port: int) -> float:
    """Gzip-compressed size of the scanner page's code fetched from the server, in KB."""
    import gzip
    import urllib.request

    total = 0
    for path in SCANNER_FILES:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=10) as response:
            total += len(gzip.compress(response.read(), compresslevel=6))
    return round(total / 1024, 1)


def first_camera_scan(base_url: str, event_id: int, token: str) -> float:
    """Seconds from the scanner page's load event to its green answer for ``token``, shown
    to the page by Chromium's fake camera (the recipe of tests/test_checkin_browser.py)."""
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.browser import PHONE, launch_with_camera, log_in, write_camera_video

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        video = Path(tmp) / "camera.y4m"
        write_camera_video(video, token)
        browser = launch_with_camera(playwright, video)
        try:
            context = browser.new_context(locale="th-TH", permissions=["camera"], **PHONE)
            context.set_default_timeout(15_000)
            page = context.new_page()
            log_in(page, base_url, "door@example.org", "benchmark password 1")
            page.goto(f"{base_url}/checkin/{event_id}/", wait_until="load")
            loaded = time.perf_counter()
            page.wait_for_selector("#result.result-ok")
            return round(time.perf_counter() - loaded, 2)
        finally:
            browser.close()


def main() -> None:
    args = arguments(__doc__).parse_args()
    tickets, crash_tickets = (2_000, 1_000) if args.quick else (20_000, 5_000)
    figures: dict = {"benchmark": "checkin_load", "db": args.db, "tickets": tickets, "scanners": SCANNERS}
    with served_app(db=args.db, workers=None) as server:  # production's gunicorn settings
        figures["scanner_page_kb_gzip"] = scanner_page_kb(server.port)
        seeded_at = time.perf_counter()
        data = seed(server.database_url, tickets + 1, crash_tickets)
        camera_token = data["tokens"][0].pop()  # one more ticket, shown to the camera
        figures["seed_s"] = round(time.perf_counter() - seeded_at, 1)
        load_event, crash_event = data["event_ids"]
        figures["first_scan_after_load_s"] = first_camera_scan(server.url, load_event, camera_token)

        started = time.perf_counter()
        latencies, answers, failures = run_scanners(
            server.port, data["api_token"], load_event, data["tokens"][0], retry=False
        )
        elapsed = time.perf_counter() - started
        checked = sum(1 for result in answers.values() if result == "checked_in")
        load_outcomes: dict[str, int] = {}
        for result in answers.values():
            load_outcomes[result] = load_outcomes.get(result, 0) + 1
        records, distinct = count_check_ins(server.database_url, load_event)
        figures.update(
            per_second=round(len(latencies) / elapsed, 1),
            p50_ms=round(percentile(latencies, 50) * 1000, 1),
            p99_ms=round(percentile(latencies, 99) * 1000, 1),
            max_ms=round(max(latencies) * 1000, 1),
            checked_in=checked,
            load_answers=load_outcomes,
            failures=len(failures),
            load_records=records,
            load_ok=checked == tickets and records == tickets + 1 == distinct,  # and the camera's
        )

        # --- crash half-way: kill -9, restart, clients retry until answered ----------------
        restart_s = [0.0]

        def crash_and_restart() -> None:
            down = time.perf_counter()
            server.kill_9()
            server.start()
            restart_s[0] = time.perf_counter() - down

        halfway = Milestones({crash_tickets // 2: crash_and_restart})
        _lat, crash_answers, _f = run_scanners(
            server.port, data["api_token"], crash_event, data["tokens"][1], retry=True, progress=halfway
        )
        halfway.join()
        records, distinct = count_check_ins(server.database_url, crash_event)
        outcomes: dict[str, int] = {}
        for result in crash_answers.values():
            outcomes[result] = outcomes.get(result, 0) + 1
        figures.update(
            crash_tickets=crash_tickets,
            crash_killed=bool(halfway.fired),
            crash_restart_s=round(restart_s[0], 1),
            crash_answers=outcomes,
            crash_records=records,
            crash_exactly_once=records == distinct == crash_tickets and len(crash_answers) == crash_tickets,
        )
    emit({**figures, **verdict(figures)})


def verdict(figures: dict) -> dict:
    """Every part against its stated target (see the module's docstring)."""
    target = 500 if figures["db"] == "postgresql" else 200
    return judged(
        {
            "every_ticket_checked_in_once": figures["load_ok"],
            f"at_least_{target}_per_second": figures["per_second"] >= target,
            "p99_at_most_50_ms": figures["p99_ms"] <= 50,
            "crash_killed_the_server": figures["crash_killed"],  # the fault did happen
            "crash_exactly_once": figures["crash_exactly_once"],
            "scanner_page_at_most_150_kb": figures["scanner_page_kb_gzip"] <= 150,
            "first_scan_within_1_5_s": figures["first_scan_after_load_s"] <= 1.5,
        }
    )


if __name__ == "__main__":
    main()
