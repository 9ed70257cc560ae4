"""How benchmarks judge themselves: a run that skipped or could not judge part of what it
promises is never ``ok``, and stated targets count. Pure functions, no server."""

from __future__ import annotations

import json
from argparse import Namespace
from collections import Counter

from benchmarks import checkin_load, faults, harness, registration_rush


def test_a_failed_check_is_named_and_fails_the_run():
    verdict = harness.judged({"no_errors": True, "p99_at_most_300_ms": False})
    assert verdict["status"] == "failed" and verdict["ok"] is False
    assert "p99_at_most_300_ms" in verdict["reason"] and "no_errors" not in verdict["reason"]
    assert verdict["checks"] == {"no_errors": True, "p99_at_most_300_ms": False}


def test_unjudged_and_empty_runs_are_not_ok():
    unjudged = harness.judged({"no_500": True}, unjudged=["memory: too short"])
    assert unjudged["status"] == "unjudged" and not unjudged["ok"]
    assert "memory: too short" in unjudged["reason"]
    nothing = harness.judged({})
    assert nothing["status"] == "unjudged" and not nothing["ok"]
    assert harness.judged({"a": True})["status"] == "ok"
    # a failure outranks what was not judged, and both are said
    both = harness.judged({"a": False}, unjudged=["speed"])
    assert both["status"] == "failed" and "speed" in both["reason"]


def test_overall_ok_only_when_every_scenario_passed():
    ok, skip = harness.judged({"a": True}), harness.skipped("needs PostgreSQL")
    assert harness.overall([ok, ok]) == {"status": "ok", "ok": True}
    assert harness.overall([ok, skip]) == {"status": "skipped", "ok": False}
    assert harness.overall([ok, harness.judged({}, unjudged=["x"]), skip])["status"] == "unjudged"
    assert harness.overall([skip, harness.crashed(RuntimeError("boom"))])["status"] == "failed"
    assert harness.overall([]) == {"status": "unjudged", "ok": False}


def test_emit_derives_ok_from_status_and_never_trusts_a_given_one(capsys):
    harness.emit({"benchmark": "x", "ok": True})  # no verdict at all
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["ok"] is False and printed["status"] == "unjudged"
    scenarios = {"a": {**harness.judged({"a": True})}, "b": {**harness.skipped("why"), "ok": True}}
    harness.emit({"benchmark": "faults", "scenarios": scenarios})
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["ok"] is False and printed["status"] == "skipped"
    assert printed["reason"] == "b: skipped"
    assert printed["scenarios"]["b"]["ok"] is False and printed["scenarios"]["b"]["reason"] == "why"


def test_pg_restart_on_sqlite_is_skipped_not_ok():
    verdict = faults.pg_restart(Namespace(db="sqlite", quick=True, pg_target="private"))
    assert verdict["status"] == "skipped" and verdict["ok"] is False and "postgresql" in verdict["reason"]


def test_a_quick_soak_does_not_pass_on_memory_it_did_not_judge():
    clean = Counter({200: 1000})
    quick = faults.soak_verdict(seconds=15, memory_stable=True, workers_unchanged=True, statuses=clean)
    assert quick["status"] == "unjudged" and not quick["ok"] and "memory" in quick["reason"]
    full = faults.soak_verdict(seconds=170, memory_stable=True, workers_unchanged=True, statuses=clean)
    assert full["status"] == "ok"
    leaking = faults.soak_verdict(seconds=170, memory_stable=False, workers_unchanged=True, statuses=clean)
    assert leaking["status"] == "failed" and "memory_levels_off" in leaking["reason"]


RUSH = {
    "db": "postgresql", "seats": 100, "confirmed": 100, "stored_confirmed": 100, "errors": 0,
    "warm_up_errors": 0, "waitlist_in_arrival_order": True, "per_second": 280.0, "p99_ms": 209.0,
    "event_page_kb_gzip": 3.6, "form_page_kb_gzip": 5.8,
}  # fmt: skip


def test_registration_rush_judges_its_own_speed_targets():
    assert registration_rush.verdict(RUSH)["status"] == "ok"
    slow = registration_rush.verdict({**RUSH, "per_second": 149.9})
    assert slow["status"] == "failed" and "at_least_150_per_second" in slow["reason"]
    late = registration_rush.verdict({**RUSH, "p99_ms": 301.0})
    assert late["status"] == "failed" and "p99_at_most_300_ms" in late["reason"]
    # SQLite has no stated speed target: the counts are judged, the speed is not
    sqlite = registration_rush.verdict({**RUSH, "db": "sqlite", "p99_ms": 470.0})
    assert sqlite["status"] == "unjudged" and not sqlite["ok"]
    assert registration_rush.verdict({**RUSH, "db": "sqlite", "confirmed": 101})["status"] == "failed"


def test_checkin_load_needs_the_crash_to_have_happened():
    figures = {
        "db": "sqlite", "load_ok": True, "per_second": 800.0, "p99_ms": 30.0, "crash_killed": True,
        "crash_exactly_once": True, "scanner_page_kb_gzip": 64.4, "first_scan_after_load_s": 0.4,
    }  # fmt: skip
    assert checkin_load.verdict(figures)["status"] == "ok"
    assert checkin_load.verdict({**figures, "crash_killed": False})["status"] == "failed"
    assert checkin_load.verdict({**figures, "db": "postgresql"})["checks"]["at_least_500_per_second"]
    assert not checkin_load.verdict({**figures, "db": "postgresql", "per_second": 499.0})["ok"]
