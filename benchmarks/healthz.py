"""Smoke benchmark of the harness itself: GET /healthz from several threads. No speed target:
judged on every answer being 200 with a healthy database.

.venv/bin/python -m benchmarks.healthz --db postgresql --quick
"""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from benchmarks.harness import arguments, emit, judged, percentile, served_app


def main() -> None:
    args = arguments(__doc__).parse_args()
    requests = 300 if args.quick else 3000
    with served_app(db=args.db, workers=2) as server:

        def hit(_: int) -> tuple[float, bool]:
            started = time.perf_counter()
            with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
                healthy = response.status == 200 and json.loads(response.read()).get("database") == "ok"
            return time.perf_counter() - started, healthy

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(hit, range(requests)))
        elapsed = time.perf_counter() - started
    latencies = [seconds for seconds, _healthy in answers]
    emit(
        {
            "benchmark": "healthz",
            "db": args.db,
            "requests": requests,
            "per_second": round(requests / elapsed, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2),
            **judged({"every_answer_healthy": all(healthy for _s, healthy in answers)}),
        }
    )


if __name__ == "__main__":
    main()
