"""Shared fixtures: an app per test on SQLite and on PostgreSQL, factories, a logged-in client.

Each test gets a fresh database: a new SQLite file, or (PostgreSQL) a schema created once per
test session and emptied after every test. PostgreSQL is reached at TEST_POSTGRES_URL or
127.0.0.1:5432; if it does not answer, its half of the suite fails under CI=true and is
skipped, with the reason printed, elsewhere.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from eventsys import create_app
from eventsys.db import begin_write, db

#: each feature's factories live in tests/fixtures/<feature>.py and load automatically
pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)

PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_SECRETS = {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "ID_ENCRYPTION_KEY": "test-id-encryption-key",
}
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin_connect() -> psycopg.Connection:
    return psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)


def _with_database(server_url: str, name: str) -> str:
    base, _sep, _db = server_url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server URL, or a loud failure (CI) / visible skip (elsewhere)."""
    try:
        with _pg_admin_connect():
            pass
    except psycopg.OperationalError as error:
        message = f"PostgreSQL not reachable at {PG_SERVER}: {error}".strip()
        if IN_CI:
            pytest.fail(message + " (CI=true: the PostgreSQL half must run)")
        pytest.skip(message + " — PostgreSQL tests skipped")
    return PG_SERVER


@pytest.fixture(scope="session")
def make_pg_database(pg_server: str) -> Iterator[Callable[[], str]]:
    """Create uniquely named, empty PostgreSQL databases, dropped at the end of the session."""
    created: list[str] = []

    def make() -> str:
        name = f"eventsys_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return _with_database(pg_server, name)

    yield make
    with _pg_admin_connect() as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_test_database(make_pg_database) -> str:
    """One PostgreSQL database with the schema, shared by the tests and emptied after each."""
    url = make_pg_database()
    app = create_app({"TESTING": True, "DATABASE_URL": url, **TEST_SECRETS})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for the ``app`` fixture; override in a test module if needed."""
    return {}


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, request, tmp_path, monkeypatch, app_config):
    monkeypatch.setenv("EVENTSYS_INSTANCE", str(tmp_path / "instance"))
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        url = request.getfixturevalue("pg_test_database")
    config = {
        "TESTING": True,
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,  # tests of rate limits turn it on through app_config
        **TEST_SECRETS,
        **app_config,
    }
    app = create_app(config)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        yield app
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context (own ``g``, own database session), as in
    production, even though the test itself holds an app context for its factories."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now() -> datetime:
    return datetime(2015, 11, 1, 3, 0, tzinfo=UTC)


# --- factories ----------------------------------------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    from eventsys.accounts.models import Role
    from eventsys.accounts.services import create_user

    counter = iter(range(1, 10_000))

    def make(role: str = "organizer", email: str | None = None, password: str = PASSWORD, **kw):
        # a write, like any unit of work: on SQLite a read snapshot taken before another
        # connection wrote (a request logging out, say) could not write any more
        begin_write(db.session)
        user = create_user(
            db.session,
            email=email or f"{role}{next(counter)}@example.org",
            role=Role(role),
            password=password,
            **kw,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_event(app, now):
    from eventsys.events.models import AgendaSession, Event, EventStatus

    counter = iter(range(1, 10_000))

    def make(owner=None, status: str = "published", sessions: int = 0, **kw):
        n = next(counter)
        starts = kw.pop("starts_at", now + timedelta(days=11, hours=7))
        event = Event(
            slug=kw.pop("slug", f"event-{n}"),
            title=kw.pop("title", f"การประชุม {n}"),
            starts_at=starts,
            ends_at=kw.pop("ends_at", starts + timedelta(hours=6)),
            status=EventStatus(status),
            owner=owner,
            **kw,
        )
        for i in range(sessions):
            event.sessions.append(
                AgendaSession(
                    title=f"ช่วงที่ {i + 1}",
                    starts_at=starts + timedelta(hours=i),
                    ends_at=starts + timedelta(hours=i + 1),
                )
            )
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def login(client):
    """Log ``user`` in through the real log-in form."""

    def do(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


# --- real browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    from tests.browser import launch

    browser = launch(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def live_server(app):
    from tests.browser import LiveServer

    with LiveServer(app) as server:
        yield server


@pytest.fixture
def phone_page(browser):
    from tests.browser import PHONE

    context = browser.new_context(locale="th-TH", **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def in_threads(app) -> Callable[..., list[BaseException]]:
    """Run each of ``works`` at once in a thread of its own, as concurrent requests do: each
    gets its own session (its own database connection) in a write transaction, committed
    after the work. Returns what the works raised; the test's session then sees their commits."""

    def run(*works: Callable[[Session], object]) -> list[BaseException]:
        errors: list[BaseException] = []
        barrier = threading.Barrier(len(works))

        def target(work) -> None:
            with app.app_context(), Session(db.engine) as session:
                try:
                    barrier.wait()
                    begin_write(session)
                    work(session)
                    session.commit()
                except BaseException as error:  # noqa: BLE001 - returned to the test
                    errors.append(error)

        threads = [threading.Thread(target=target, args=(work,)) for work in works]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        db.session.rollback()
        return errors

    return run
