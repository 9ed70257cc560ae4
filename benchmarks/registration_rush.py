"""Registration rush: N people register at once for a 500-seat event with a waitlist.

Full run: 2,000 people, 500 seats, 50 at a time, through POST /api/v1/events/{id}/registrations
on gunicorn. Checks exactly 500 confirmed, the rest waitlisted in arrival order (everyone
confirmed registered before everyone waitlisted), zero errors, the event page and form each
≤ 50 KB compressed. Targets on PostgreSQL: ≥ 150 registrations/s, p99 ≤ 300 ms; none is
stated for SQLite, so there its speed is reported but not judged (status ``unjudged``).

Before the clock starts, each of the 50 clients opens the event's page and registers one
person for another event, untimed: a server that has just started opens its database
connections and loads its translations on its first requests, which a server taking a
rush has long done. The figures are the rush's alone.

.venv/bin/python -m benchmarks.registration_rush --db postgresql [--quick]
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from benchmarks.harness import arguments, emit, judged, page_weight_kb, percentile, served_app

#: the stated speed targets, on PostgreSQL
TARGET_PER_SECOND, TARGET_P99_MS = 150, 300


def _national_id(n: int) -> str:
    first12 = f"3{n:011d}"
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def person(n: int) -> dict:
    """The registration body of the n-th person (n ≥ 1): a valid national ID, phone 08 + n."""
    return {
        "prefix": "นาย", "first_name": f"ทดสอบ{n}", "last_name": "รีบลงทะเบียน",
        "national_id": _national_id(n), "phone": f"08{n:08d}", "province": "เชียงใหม่", "consent": True,
    }  # fmt: skip


def open_event(server, *, seats: int | None, waitlist: bool = True) -> tuple[int, str]:
    """A new organizer and their published event, open for registration now (capacity
    ``seats``, None for no limit): (event id, the organizer's API token)."""
    email = f"org{uuid.uuid4().hex[:8]}@bench.example"
    server.flask("create-user", email, "--role", "organizer", "--password", "bench-password-1",
                 stdout=subprocess.DEVNULL)  # fmt: skip
    token = server.flask("create-token", email, capture_output=True, text=True).stdout.split()[-1]
    status, event = _post(
        server.url + "/api/v1/events",
        {
            "title": "Rush benchmark",
            "starts_at": "2030-01-15T09:00:00+07:00",
            "ends_at": "2030-01-15T16:00:00+07:00",
            "capacity": seats,
            "waitlist": waitlist,
            "requires_approval": False,
            "status": "published",
        },  # fmt: skip
        token,
    )
    if status != 201:
        raise RuntimeError(f"could not create the event: {status} {event}")
    return event["id"], token


def _post(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main() -> None:
    args = arguments(__doc__).parse_args()
    people, seats, concurrency = (400, 100, 50) if args.quick else (2000, 500, 50)
    env = {"REGISTRATION_RATE_LIMIT": "1000000/minute"}
    with served_app(db=args.db, workers=None, env=env) as server:  # production's gunicorn settings
        event_id, token = open_event(server, seats=seats)
        url = f"{server.url}/api/v1/events/{event_id}/registrations"
        path = urlsplit(url).path
        connections = threading.local()  # one kept-alive connection per client thread, like a browser

        def post(body: dict, path: str = path) -> tuple[int, dict]:
            for attempt in range(2):
                if getattr(connections, "conn", None) is None:
                    connections.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                try:
                    connections.conn.request(
                        "POST",
                        path,
                        body=json.dumps(body).encode(),
                        headers={"Content-Type": "application/json"},
                    )
                    response = connections.conn.getresponse()
                    return response.status, json.loads(response.read() or b"{}")
                except (http.client.HTTPException, ConnectionError):
                    connections.conn.close()
                    connections.conn = None
                    if attempt:
                        raise
            raise AssertionError("unreachable")

        def register(n: int) -> tuple[int, float, int, str]:
            started = time.perf_counter()
            code, answer = post(person(n))
            return (
                code,
                time.perf_counter() - started,
                answer.get("registration_id", 0),
                answer.get("status", ""),
            )

        request = urllib.request.Request(f"{server.url}/api/v1/events/{event_id}")
        request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            public_page = urlsplit(json.loads(response.read())["url"]).path
        warm_id, _token = open_event(server, seats=None)
        warm_path = f"/api/v1/events/{warm_id}/registrations"

        def warm_up(n: int) -> int:
            connections.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connections.conn.request("GET", public_page)
            connections.conn.getresponse().read()
            return post(person(people + n), warm_path)[0]

        with ThreadPoolExecutor(concurrency) as pool:
            warm_errors = sum(1 for code in pool.map(warm_up, range(1, concurrency + 1)) if code != 201)
            started = time.perf_counter()
            results = list(pool.map(register, range(1, people + 1)))
            elapsed = time.perf_counter() - started

        errors = sum(1 for code, *_ in results if code != 201)
        confirmed = sorted(rid for code, _t, rid, status in results if status == "confirmed")
        waitlisted = sorted(rid for code, _t, rid, status in results if status == "waitlisted")
        in_order = bool(confirmed) and (not waitlisted or max(confirmed) < min(waitlisted))
        # the server's own view: the API list agrees with the answers
        request = urllib.request.Request(f"{url}?status=confirmed&per_page=1")
        request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            stored_confirmed = json.loads(response.read())["total"]
        latencies = [t for _c, t, _r, _s in results]
        page_kb = {
            "event_page_kb_gzip": page_weight_kb(server.url, public_page),
            "form_page_kb_gzip": page_weight_kb(server.url, public_page + "/register"),
        }
    figures = {
        "benchmark": "registration_rush",
        "db": args.db,
        "people": people,
        "seats": seats,
        "concurrency": concurrency,
        "confirmed": len(confirmed),
        "stored_confirmed": stored_confirmed,
        "waitlisted": len(waitlisted),
        "waitlist_in_arrival_order": in_order,
        "errors": errors,
        "warm_up_errors": warm_errors,
        "per_second": round(people / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        **page_kb,
    }
    emit({**figures, **verdict(figures)})


def verdict(figures: dict) -> dict:
    """Correct counts and order, page weights, and on PostgreSQL the speed targets."""
    checks = {
        "no_errors": figures["errors"] == figures["warm_up_errors"] == 0,
        "exactly_the_seats_confirmed": figures["confirmed"]
        == figures["seats"]
        == figures["stored_confirmed"],
        "waitlist_in_arrival_order": figures["waitlist_in_arrival_order"],
        "pages_at_most_50_kb": max(figures["event_page_kb_gzip"], figures["form_page_kb_gzip"]) <= 50,
    }
    unjudged = []
    if figures["db"] == "postgresql":
        checks["at_least_150_per_second"] = figures["per_second"] >= TARGET_PER_SECOND
        checks["p99_at_most_300_ms"] = figures["p99_ms"] <= TARGET_P99_MS
    else:
        unjudged.append("speed: targets are stated for PostgreSQL only")
    return judged(checks, unjudged=unjudged)


if __name__ == "__main__":
    main()
