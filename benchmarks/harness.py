"""Serve the real app for a benchmark: a fresh database, migrations, gunicorn on loopback.

    with served_app(db="postgresql", workers=4) as server:
        ... requests to server.url ...
        server.kill_9()   # fault injection: SIGKILL the whole server
        server.start()    # and start it again on the same port and database
        server.kill_worker()  # or SIGKILL one gunicorn worker: the master starts another

Only 127.0.0.1 is ever used. ``emit(figures)`` prints the one JSON line a benchmark ends with;
``Milestones`` fires a fault when a run has given a number of answers.

Judging: a benchmark (or each scenario of one) states its verdict with ``judged(checks)``,
``skipped(reason)`` or ``judged(checks, unjudged=[reasons])``: a ``status`` of ``ok``,
``failed``, ``skipped`` or ``unjudged`` with its ``reason``. ``ok`` is true for ``ok`` alone:
a scenario that did not run, or ran without its promise being judged, is not a pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def arguments(description: str) -> argparse.ArgumentParser:
    """The flags every benchmark takes: --quick and --db."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="reduced run, under a minute")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    return parser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


#: the verdicts a benchmark or scenario can reach; only OK is a pass
OK, FAILED, SKIPPED, UNJUDGED = "ok", "failed", "skipped", "unjudged"


def judged(checks: Mapping[str, bool], *, unjudged: Sequence[str] = ()) -> dict:
    """The verdict of a run from its named checks (its correctness and its stated targets):
    ``failed`` naming every check that did not hold; else ``unjudged`` if part of what it
    promises could not be judged (``unjudged`` says what and why); else ``ok``.

    A run with no checks at all has judged nothing, so it is ``unjudged`` too."""
    failed = [name for name, held in checks.items() if not held]
    checks = {name: bool(held) for name, held in checks.items()}
    if failed:
        reason = "failed: " + ", ".join(failed)
        if unjudged:
            reason += "; not judged: " + "; ".join(unjudged)
        return {"status": FAILED, "reason": reason, "checks": checks, "ok": False}
    if unjudged or not checks:
        reason = "; ".join(unjudged) or "nothing was checked"
        return {"status": UNJUDGED, "reason": "not judged: " + reason, "checks": checks, "ok": False}
    return {"status": OK, "reason": "every check held", "checks": checks, "ok": True}


def skipped(reason: str) -> dict:
    """The verdict of a scenario that did not run: not a pass."""
    return {"status": SKIPPED, "reason": reason, "checks": {}, "ok": False}


def crashed(error: BaseException) -> dict:
    """The verdict of a scenario that raised before it could judge itself."""
    return {"status": FAILED, "reason": f"raised {type(error).__name__}: {error}", "checks": {}, "ok": False}


def overall(verdicts: Iterable[Mapping]) -> dict:
    """Status and ``ok`` of a benchmark made of scenarios: ``ok`` only if every scenario was
    run, judged and passed (and there was at least one); else the worst status found."""
    statuses = [verdict.get("status") for verdict in verdicts]
    if statuses and all(status == OK for status in statuses):
        return {"status": OK, "ok": True}
    for status in (FAILED, UNJUDGED, SKIPPED):
        if status in statuses:
            return {"status": status, "ok": False}
    return {"status": UNJUDGED, "ok": False}  # no scenario, or one without a verdict


def emit(figures: dict) -> None:
    """Print the benchmark's figures as the last line, one JSON object. Its ``ok`` is derived
    from its ``status`` (or its scenarios'), never taken as given."""
    if "scenarios" in figures:
        for verdict in figures["scenarios"].values():
            verdict["ok"] = verdict.get("status") == OK
        figures.update(overall(figures["scenarios"].values()))
        not_ok = [f"{name}: {v.get('status')}" for name, v in figures["scenarios"].items() if not v["ok"]]
        figures["reason"] = "; ".join(not_ok) or "every scenario passed"
    else:
        figures["ok"] = figures.get("status") == OK
        figures.setdefault("status", UNJUDGED)
        figures.setdefault("reason", "not judged: no verdict given")
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True), flush=True)


def page_weight_kb(base_url: str, path: str) -> float:
    """A page as a browser fetches it: its HTML and the stylesheets and scripts it links,
    each gzip-compressed (what goes over the wire), in KB."""
    import gzip
    import re

    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()

    html = fetch(base_url + path)
    total = len(gzip.compress(html, compresslevel=6))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        total += len(gzip.compress(fetch(base_url + asset.decode()), compresslevel=6))
    return round(total / 1024, 1)


class Milestones:
    """A progress callback: at the n-th call, run ``actions[n]`` in a thread of its own (so the
    client that gave the n-th answer goes on at once). ``fired`` lists the marks reached."""

    def __init__(self, actions: dict[int, Callable[[], None]]):
        self.actions = actions
        self.count = 0
        self.fired: list[int] = []
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            self.count += 1
            action = self.actions.get(self.count)
            if action is None:
                return
            self.fired.append(self.count)
            thread = threading.Thread(target=action)
            self.threads.append(thread)
        thread.start()

    def join(self) -> None:
        for thread in list(self.threads):
            thread.join()


class Server:
    def __init__(
        self, database_url: str, instance: Path, workers: int, extra_env: dict[str, str], threads: int = 4
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.instance = instance
        self.workers = workers
        self.threads = threads
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "EVENTSYS_INSTANCE": str(instance),
            "BASE_URL": self.url,
            "SECRET_KEY": "benchmark-secret-key",
            "ID_ENCRYPTION_KEY": "benchmark-id-key",
            # a benchmark's clients all come from 127.0.0.1: measure throughput, not limits
            "API_RATE_LIMIT": "1000000 per minute",
            "REGISTRATION_RATE_LIMIT": "1000000 per minute",
            **extra_env,
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """Run ``flask --app app ARGS`` against this server's database."""
        return subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=self.env, check=True, **kwargs
        )

    def start(self, timeout: float = 30) -> None:
        log = open(self.instance / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--bind", f"127.0.0.1:{self.port}",
                "app:app",
            ],
            # the settings of gunicorn.conf.py (production's), with this many workers and threads
            cwd=ROOT,
            env={**self.env, "GUNICORN_WORKERS": str(self.workers), "GUNICORN_THREADS": str(self.threads)},
            stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start; see {self.instance / 'gunicorn.log'}")

    def kill_9(self) -> None:
        """SIGKILL gunicorn's master and workers at once (a crash, not a shutdown)."""
        if self.process:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def worker_pids(self, master: int | None = None) -> list[int]:
        """gunicorn's workers: the child processes of its master (this server's, or ``master``)."""
        master = master or (self.process.pid if self.process else 0)
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:  # no such master (any more)
            return []

    def kill_worker(self) -> int:
        """SIGKILL one worker, not the master (which starts a new one); the pid killed."""
        pid = random.choice(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_respawn(self, killed: int, master: int, timeout: float = 60) -> float | None:
        """Seconds until ``master`` has its full number of workers again without ``killed``;
        None if it did not within ``timeout`` (or the master itself is gone)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            pids = self.worker_pids(master)
            if not pids and not Path(f"/proc/{master}").exists():
                return None
            if len(pids) == self.workers and killed not in pids:
                return round(time.monotonic() - started, 2)
            time.sleep(0.05)
        return None

    def stop(self) -> None:
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill_9()
            self.process = None


@contextmanager
def fresh_database(db: str, directory: Path) -> Iterator[str]:
    if db == "sqlite":
        yield f"sqlite:///{directory / 'bench.sqlite'}"
        return
    import psycopg

    name = f"eventsys_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_SERVER.rpartition("/")[0] + "/" + name
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def served_app(
    db: str = "sqlite", workers: int | None = 2, env: dict[str, str] | None = None, threads: int = 4
) -> Iterator[Server]:
    """A migrated fresh database and gunicorn serving the app on it; all removed afterwards.

    gunicorn runs with production's settings (gunicorn.conf.py) and ``workers`` processes
    of ``threads`` threads; ``workers=None`` is production's (gunicorn.conf.py: 2 × cores + 1).
    """
    workers = workers or runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    with tempfile.TemporaryDirectory(prefix="eventsys-bench-") as tmp, fresh_database(db, Path(tmp)) as url:
        server = Server(url, Path(tmp), workers, env or {}, threads)
        server.flask("db", "upgrade", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.start()
        try:
            yield server
        finally:
            server.stop()
