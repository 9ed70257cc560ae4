"""Lost-ticket answers take the same time whether or not the person is registered.

A stranger must not tell from ``POST /api/v1/events/{id}/ticket-recovery`` whether someone is
registered: the body is always ``202 {"status": "sent_if_registered"}``, and the work is the
same (one look-up, one job row; the message itself goes out in the worker). This measures it
on gunicorn: N registered people, then one client asks for registered and unknown national
IDs, phones and e-mails in random order, and compares the two latency distributions.

.venv/bin/python -m benchmarks.lost_ticket --db postgresql [--quick]
"""

from __future__ import annotations

import http.client
import json
import random
import time

from benchmarks.harness import arguments, emit, judged, percentile, served_app
from benchmarks.registration_rush import _national_id, open_event, person


def main() -> None:
    args = arguments(__doc__).parse_args()
    people, asks = (100, 400) if args.quick else (300, 2000)
    env = {"REGISTRATION_RATE_LIMIT": "1000000/minute", "LOST_TICKET_RATE_LIMIT": "1000000/minute"}
    with served_app(db=args.db, workers=2, env=env) as server:
        event_id, _token = open_event(server, seats=None)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

        def post(path: str, body: dict) -> tuple[int, bytes, float]:
            started = time.perf_counter()
            conn.request(
                "POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            data = response.read()
            return response.status, data, time.perf_counter() - started

        for n in range(1, people + 1):
            body = {**person(n), "email": f"p{n}@bench.example"}
            status, data, _t = post(f"/api/v1/events/{event_id}/registrations", body)
            assert status == 201, (status, data)
        rng = random.Random(12)
        plan = []
        for i in range(asks):
            known = i % 2 == 0
            n = rng.randint(1, people) if known else people + 1000 + i
            kind = ("national_id", "phone", "email")[i % 3]
            value = {
                "national_id": _national_id(n),
                "phone": f"08{n:08d}",
                "email": f"p{n}@bench.example",
            }[kind]
            plan.append((known, {kind: value}))
        rng.shuffle(plan)
        for _known, body in plan[:50]:  # warm-up, untimed
            post(f"/api/v1/events/{event_id}/ticket-recovery", body)
        times: dict[bool, list[float]] = {True: [], False: []}
        bodies = set()
        for known, body in plan:
            status, data, elapsed = post(f"/api/v1/events/{event_id}/ticket-recovery", body)
            bodies.add((status, data))
            times[known].append(elapsed)
    figures = {}
    for known, label in ((True, "registered"), (False, "unknown")):
        values = times[known]
        figures[f"{label}_p50_ms"] = round(percentile(values, 50) * 1000, 2)
        figures[f"{label}_p90_ms"] = round(percentile(values, 90) * 1000, 2)
    difference = abs(figures["registered_p50_ms"] - figures["unknown_p50_ms"])
    emit(
        {
            "benchmark": "lost_ticket",
            "db": args.db,
            "people": people,
            "requests": asks,
            "distinct_answers": len(bodies),
            **figures,
            "p50_difference_ms": round(difference, 2),
            **judged(
                {
                    "always_the_same_answer": len(bodies) == 1,
                    # medians within 1 ms or 10 %
                    "medians_alike": difference <= max(1.0, 0.1 * figures["unknown_p50_ms"]),
                }
            ),
        }
    )


if __name__ == "__main__":
    main()
