"""Fault injection against the real app (gunicorn on loopback), each scenario bounded in time.

    .venv/bin/python -m benchmarks.faults --quick --db postgresql
    .venv/bin/python -m benchmarks.faults --only redis_down,soak
    .venv/bin/python -m benchmarks.faults --only pg_restart --pg-target system   # the shared server!

Scenarios:
- ``pg_restart``: PostgreSQL stopped for a few seconds under traffic, then started again:
  every answer meanwhile is a clean 503 (JSON under /api/ and /healthz, the friendly page
  elsewhere), never a 500 or a dropped connection; the app recovers by itself; each write
  answered 200 is in the database and none answered 503 is (a failed log-in writes an audit
  line: the write probe until registration exists). By default on a private PostgreSQL
  cluster started for the run (``--pg-target private``), so other users of the machine's
  server are not disturbed; ``--pg-target system`` restarts the machine's cluster with
  ``pg_ctlcluster`` and always leaves it running.
- ``redis_down``: a private ``redis-server`` holds jobs and rate limits; it is killed under
  traffic: pages, log-in and the API still answer; a job that cannot be queued runs
  in-process; when Redis is back, rate limits are counted there again.
- ``soak``: steady mixed traffic (≤ 3 min, ``--quick`` 15 s); RSS of each gunicorn worker
  sampled: it must level off after warm-up.
- ``oversize_upload``: a body over MAX_CONTENT_LENGTH gets 413, not a reset or a 500.

Add a scenario with ``@scenario("name")`` on a function ``(args) -> dict`` whose dict has
``ok``. Figures of every scenario are printed last as one JSON line.
"""

from __future__ import annotations

import glob
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from benchmarks import harness
from benchmarks.harness import arguments, emit, free_port, percentile, served_app

SCENARIOS: dict[str, Callable[..., dict]] = {}
#: rate limits high enough for benchmark traffic from one address
BENCH_ENV = {"LOGIN_RATE_LIMIT": "100000 per minute", "API_RATE_LIMIT": "100000 per minute"}
FRIENDLY_PAGE = "ระบบขัดข้องชั่วคราว"  # "temporarily unavailable", on the page and its fallback


def scenario(name: str):
    def register(function):
        SCENARIOS[name] = function
        return function

    return register


# --- HTTP -------------------------------------------------------------------------------------


class Answer:
    def __init__(self, status: int, content_type: str = "", body: bytes = b"", error: str = ""):
        self.status, self.content_type, self.body, self.error = status, content_type, body, error

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def clean_503(self, path: str) -> bool:
        """A refusal the way the app promises it: JSON for the API and /healthz, a page otherwise."""
        if self.status != 503:
            return False
        if path.startswith(("/api/", "/healthz")):
            is_json = self.content_type.startswith("application/json")
            return is_json and ('"error"' in self.text or '"status"' in self.text)
        return self.content_type.startswith("text/html") and FRIENDLY_PAGE in self.text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


_PLAIN = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10, opener=None
) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or _PLAIN).open(request, timeout=timeout) as response:
            return Answer(response.status, response.headers.get("Content-Type", ""), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers.get("Content-Type", ""), error.read())
    except OSError as error:  # refused, reset, timed out: the kind of failure we must not give
        return Answer(0, error=type(error).__name__)


class FormSession:
    """Posts forms like a browser: keeps its cookies and sends the CSRF token of its session."""

    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        page = fetch(base + "/login", opener=self.opener).text
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if not match:
            raise RuntimeError("no CSRF token on /login")
        self.token = match.group(1)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return fetch(self.base + path, data=body, headers=headers, opener=self.opener, timeout=30)


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.2) -> float | None:
    """Seconds until ``predicate()`` held, or None if it never did within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return round(time.monotonic() - started, 2)
        time.sleep(step)
    return None


class Traffic:
    """Threads requesting ``paths`` in a loop until stopped; every answer kept with its time."""

    def __init__(self, base: str, paths: list[str], threads: int = 4):
        self.base, self.paths, self.threads = base, paths, threads
        self.stop = threading.Event()
        self.answers: list[tuple[float, str, Answer]] = []
        self.lock = threading.Lock()
        self.workers = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)]

    def run(self, offset: int) -> None:
        i = offset
        while not self.stop.is_set():
            path = self.paths[i % len(self.paths)]
            answer = fetch(self.base + path, timeout=15)
            with self.lock:
                self.answers.append((time.monotonic(), path, answer))
            i += 1
            time.sleep(0.01)

    def __enter__(self) -> Traffic:
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=20)

    def between(self, start: float, end: float) -> list[tuple[str, Answer]]:
        with self.lock:
            return [(path, answer) for t, path, answer in self.answers if start <= t <= end]


# --- PostgreSQL restart --------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql")
    return found[-1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivateCluster:
    """A throw-away PostgreSQL cluster on a free loopback port (initdb, pg_ctl)."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="eventsys-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "30", *args]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> PrivateCluster:
        subprocess.run(
            _as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg_ctl("start", "-l", str(self.directory / "postgres.log"))
        return self

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def start(self) -> None:
        self.pg_ctl("start", "-l", str(self.directory / "postgres.log"))

    def __exit__(self, *exc) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


class SystemCluster:
    """The machine's own cluster, restarted through pg_ctlcluster; always left running."""

    def __init__(self):
        versions = sorted(os.listdir("/etc/postgresql"))
        self.version = versions[-1]
        self.url = harness.PG_SERVER

    def ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.ctl("stop")

    def start(self) -> None:
        self.ctl("start")

    def running(self) -> bool:
        return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0

    def __enter__(self) -> SystemCluster:
        return self

    def __exit__(self, *exc) -> None:
        deadline = time.monotonic() + 60
        while not self.running() and time.monotonic() < deadline:
            try:
                self.start()
            except subprocess.CalledProcessError:
                time.sleep(1)
        if not self.running():
            raise RuntimeError("PostgreSQL is NOT running after the fault test: start it by hand")


@contextmanager
def postgres_server(url: str) -> Iterator[None]:
    """Point the harness (fresh databases) at another PostgreSQL server for a while."""
    saved = harness.PG_SERVER
    harness.PG_SERVER = url
    try:
        yield
    finally:
        harness.PG_SERVER = saved


PROBE_USERS = 40
#: accounts whose failed log-ins are the write probe (5 each before the lock-out)
CREATE_PROBE_USERS = f"""
from eventsys import create_app
from eventsys.accounts.models import Role, User
from eventsys.accounts.services import hash_password
from eventsys.db import db

app = create_app()
with app.app_context():
    password_hash = hash_password("probe password 1")
    for n in range({PROBE_USERS}):
        db.session.add(User(email=f"probe{{n}}@example.org", role=Role.STAFF, password_hash=password_hash))
    db.session.commit()
"""


def _app_python(server, code: str) -> str:
    """Run ``code`` with the app's Python and the server's environment; its standard output."""
    completed = subprocess.run(
        [str(harness.VENV_BIN / "python"), "-c", code],
        cwd=harness.ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-800:])
    return completed.stdout


def _count_failed_logins(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return conn.execute("SELECT count(*) FROM audit_log WHERE action = 'user.login_failed'").fetchone()[0]


@scenario("pg_restart")
def pg_restart(args) -> dict:
    if args.db != "postgresql":
        return {"ok": True, "skipped": "needs --db postgresql"}
    down_for = 3 if args.quick else 10
    settle = 2 if args.quick else 4  # seconds of traffic before the stop and after recovery
    cluster = PrivateCluster() if args.pg_target == "private" else SystemCluster()
    with (
        cluster,
        postgres_server(cluster.url),
        served_app(db="postgresql", workers=2, env=BENCH_ENV) as server,
    ):
        server.flask("seed-demo", "--volunteers", "20", stdout=subprocess.DEVNULL)
        _app_python(server, CREATE_PROBE_USERS)
        paths = ["/healthz", "/", "/login", "/e/osm-network-workshop-2558", "/api/v1/openapi.json"]
        writes: list[Answer] = []
        stop_writing = threading.Event()

        form_session = FormSession(server.url)

        def write_probe() -> None:  # one failed log-in = one audit line, committed or not at all
            n = 0
            while not stop_writing.is_set():
                form = {"email": f"probe{n % PROBE_USERS}@example.org", "password": "wrong password"}
                writes.append(form_session.post("/login", form))
                n += 1
                time.sleep(0.02)

        writer = threading.Thread(target=write_probe, daemon=True)
        with Traffic(server.url, paths, threads=4) as traffic:
            writer.start()
            time.sleep(settle)
            stopped_at = time.monotonic()
            cluster.stop()
            time.sleep(down_for)
            cluster.start()
            started_at = time.monotonic()
            recovered = wait_until(lambda: fetch(server.url + "/healthz").status == 200, 60)
            time.sleep(settle)
            stop_writing.set()
            writer.join(timeout=30)
        during = traffic.between(stopped_at + 0.5, started_at)
        after = traffic.between(started_at + (recovered or 60) + 0.5, time.monotonic())
        everything = traffic.between(0, time.monotonic())
        unclean = [(p, a.status, a.error) for p, a in during if a.status != 200 and not a.clean_503(p)]
        statuses = Counter(a.status for _p, a in everything)
        write_statuses = Counter(a.status for a in writes)
        # a wrong password is 200 (and one audit line) until the account's lock-out, then 403
        committed = _count_failed_logins(server.database_url)
        figures = {
            "target": args.pg_target,
            "down_seconds": down_for,
            "requests": len(everything),
            "statuses": dict(sorted(statuses.items())),
            "answers_while_down": len(during),
            "clean_503_while_down": sum(1 for p, a in during if a.clean_503(p)),
            "unclean_while_down": unclean[:5],
            "recovered_after_start_seconds": recovered,
            "non_200_after_recovery": sum(1 for _p, a in after if a.status != 200),
            "writes": dict(sorted(write_statuses.items())),
            "audit_lines": committed,
        }
    figures["ok"] = bool(
        recovered is not None
        and not unclean
        and figures["clean_503_while_down"] > 0
        and figures["non_200_after_recovery"] == 0
        and 500 not in statuses
        and 0 not in statuses
        and committed == write_statuses.get(200, 0)
    )
    return figures


# --- Redis down ----------------------------------------------------------------------------------


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = tempfile.mkdtemp(prefix="eventsys-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
        )
        if wait_until(lambda: self.cli("PING") == "PONG", 10, 0.05) is None:
            raise RuntimeError("redis-server did not start")

    def kill_9(self) -> None:
        if self.process:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def cli(self, *command: str) -> str:
        completed = subprocess.run(
            ["redis-cli", "-p", str(self.port), *command], capture_output=True, text=True, timeout=5
        )
        return completed.stdout.strip()

    def limit_keys(self) -> int:
        return len([k for k in self.cli("--scan", "--pattern", "LIMITS*").splitlines() if k])

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.kill_9()
        shutil.rmtree(self.directory, ignore_errors=True)


#: run by the app's own Python with the server's environment: a job while the queue is gone
ENQUEUE_PROBE = """
import json
from eventsys import create_app
from eventsys.db import db
from eventsys.jobs.models import Job
from eventsys.jobs.services import create_job
from eventsys.jobs.tasks import job_task

@job_task("fault_probe")
def probe(job, session, progress):
    return {"answer": 42}

app = create_app()
with app.app_context():
    job = create_job(db.session, kind="fault_probe", params={})
    db.session.commit()
    thread = probe.enqueue(job)
    if thread is not None:
        thread.join(30)
    db.session.rollback()
    job = db.session.get(Job, job.id)
    print(json.dumps({"in_process": thread is not None, "status": str(job.status), "result": job.result}))
"""


@scenario("redis_down")
def redis_down(args) -> dict:
    with PrivateRedis() as redis:
        env = {**BENCH_ENV, "REDIS_URL": redis.url, "API_RATE_LIMIT": "100000 per minute"}
        with served_app(db=args.db, workers=2, env=env) as server:
            server.flask(
                "create-user", "probe@example.org", "--role", "staff", "--password", "probe password 1"
            )
            paths = ["/", "/login", "/api/v1/openapi.json", "/healthz"]
            before = [fetch(server.url + p) for p in paths * 3]
            keys_with_redis = redis.limit_keys()
            redis.kill_9()
            down_started = time.monotonic()
            while_down = [fetch(server.url + p) for p in paths * 5]
            login = FormSession(server.url).post(
                "/login", {"email": "probe@example.org", "password": "probe password 1"}
            )
            job = subprocess.run(
                [str(harness.VENV_BIN / "python"), "-c", ENQUEUE_PROBE],
                cwd=harness.ROOT,
                env=server.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            job_result = (
                json.loads(job.stdout.strip().splitlines()[-1]) if job.returncode == 0 else job.stderr[-500:]
            )
            down_seconds = round(time.monotonic() - down_started, 1)
            redis.start()  # same port, empty
            back = wait_until(
                lambda: fetch(server.url + "/api/v1/openapi.json").status == 200 and redis.limit_keys() > 0,
                45,
                0.5,
            )
    figures = {
        "statuses_with_redis": dict(Counter(a.status for a in before)),
        "rate_limit_keys_in_redis": keys_with_redis,
        "statuses_redis_down": dict(Counter(a.status for a in while_down)),
        "login_redis_down": login.status,
        "job_redis_down": job_result,
        "redis_down_seconds": down_seconds,
        "limits_back_in_redis_after_seconds": back,
    }
    figures["ok"] = bool(
        all(a.status == 200 for a in before)
        and keys_with_redis > 0
        and all(a.status == 200 for a in while_down)
        and login.status == 302
        and isinstance(job_result, dict)
        and job_result.get("in_process")
        and job_result.get("status") == "done"
        and back is not None
    )
    return figures


# --- soak -----------------------------------------------------------------------------------------


def _workers_of(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else None


@scenario("soak")
def soak(args) -> dict:
    duration = 15 if args.quick else 170
    with served_app(db=args.db, workers=2, env=BENCH_ENV) as server:
        server.flask("seed-demo", "--volunteers", "50", stdout=subprocess.DEVNULL)
        token = server.flask(
            "create-token", "organizer@eventsys.example", capture_output=True, text=True
        ).stdout
        bearer = {"Authorization": "Bearer " + token.strip()}
        form_session = FormSession(server.url)
        workers = _workers_of(server.process.pid)
        paths = ["/", "/login", "/e/osm-network-workshop-2558", "/healthz", "/api/v1/openapi.json", "/nope"]
        samples: dict[int, list[tuple[float, float]]] = {pid: [] for pid in workers}
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors: Counter = Counter()  # connection failures by kind (status 0)
        started = time.monotonic()
        stop = threading.Event()

        def hit(i: int) -> None:
            while not stop.is_set():
                t0 = time.perf_counter()
                if i % 7 == 0:
                    answer = fetch(server.url + "/api/v1/me", headers=bearer, timeout=30)
                elif i % 97 == 0:  # a log-in check (argon2id, 64 MiB while it runs) now and then
                    answer = form_session.post(
                        "/login", {"email": "nobody@example.org", "password": "x" * 12}
                    )
                else:
                    answer = fetch(server.url + paths[i % len(paths)], timeout=30)
                latencies.append(time.perf_counter() - t0)
                statuses[answer.status] += 1
                if answer.error:
                    errors[answer.error] += 1
                i += 6

        with ThreadPoolExecutor(6) as pool:
            for n in range(6):
                pool.submit(hit, n)
            while time.monotonic() - started < duration:
                for pid in workers:
                    rss = _rss_mb(pid)
                    if rss is not None:
                        samples[pid].append((time.monotonic() - started, rss))
                time.sleep(1)
            stop.set()
        still_same_workers = sorted(_workers_of(server.process.pid)) == sorted(workers)
    per_worker = {}
    stable = True
    for pid, series in samples.items():
        warm = [rss for t, rss in series if t >= duration * 0.3]
        early = [rss for t, rss in series if duration * 0.3 <= t < duration * 0.55]
        late = [rss for t, rss in series if t >= duration * 0.75]
        # peaks follow concurrent argon2 checks (64 MiB each); the floor between them shows a leak
        peak_growth = round(max(late) - max(early), 1) if early and late else None
        floor_growth = round(min(late) - min(early), 1) if early and late else None
        per_worker[str(pid)] = {
            "rss_start_mb": series[0][1] if series else None,
            "rss_after_warmup_mb": warm[0] if warm else None,
            "rss_end_mb": series[-1][1] if series else None,
            "rss_max_mb": max(rss for _t, rss in series) if series else None,
            "peak_growth_after_warmup_mb": peak_growth,
            "floor_growth_after_warmup_mb": floor_growth,
        }
        # stable: from the first to the last part after warm-up, neither the floor nor the peak
        # grows by more than 10 % (or 8 MB)
        for growth, base in ((floor_growth, min(early or [0])), (peak_growth, max(early or [0]))):
            if growth is None or growth > max(8.0, 0.10 * base):
                stable = False
    requests = sum(statuses.values())
    judged = duration >= 60  # a quick run is too short to tell a leak from noise
    return {
        "ok": (stable or not judged)
        and still_same_workers
        and statuses.get(500, 0) == 0
        and statuses.get(0, 0) == 0,
        "memory_judged": judged,
        "memory_stable": stable,
        "seconds": duration,
        "requests": requests,
        "per_second": round(requests / duration, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "statuses": dict(sorted(statuses.items())),
        "workers": per_worker,
        "workers_unchanged": still_same_workers,
        "connection_errors": dict(errors),
    }


# --- upload limit ----------------------------------------------------------------------------------


@scenario("oversize_upload")
def oversize_upload(args) -> dict:
    import http.client

    size = 25 * 1024 * 1024
    with served_app(db=args.db, workers=1, env=BENCH_ENV) as server:
        results = {}
        for name, content_type, body in (
            ("multipart", "multipart/form-data; boundary=b", b"--b\r\n" + b"x" * size),
            ("json_api", "application/json", b"[" + b" " * size + b"]"),
        ):
            path = "/api/v1/me" if name == "json_api" else "/login"
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
            try:
                connection.request("POST", path, body=body, headers={"Content-Type": content_type})
                response = connection.getresponse()
                results[name] = {"status": response.status, "type": response.getheader("Content-Type")}
            except OSError as error:
                results[name] = {"status": 0, "error": type(error).__name__}
            finally:
                connection.close()
        healthy = fetch(server.url + "/healthz").status
    return {
        "ok": all(r["status"] == 413 for r in results.values()) and healthy == 200,
        "body_mb": 25,
        **results,
        "healthz_after": healthy,
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--only", default="", help="comma-separated scenarios: " + ", ".join(SCENARIOS))
    parser.add_argument("--pg-target", choices=["private", "system"], default="private")
    args = parser.parse_args()
    chosen = [name for name in (args.only.split(",") if args.only else SCENARIOS) if name]
    results = {}
    for name in chosen:
        started = time.monotonic()
        try:
            results[name] = SCENARIOS[name](args)
        except Exception as error:  # noqa: BLE001 - report the scenario as failed, go on with the rest
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        results[name]["elapsed_seconds"] = round(time.monotonic() - started, 1)
        print(f"{name}: {'ok' if results[name]['ok'] else 'FAILED'}", flush=True)
    emit(
        {
            "benchmark": "faults",
            "db": args.db,
            "quick": args.quick,
            "ok": all(r["ok"] for r in results.values()),
            "scenarios": results,
        }
    )


if __name__ == "__main__":
    main()
