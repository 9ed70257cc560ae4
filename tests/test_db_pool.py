"""Pooled PostgreSQL connections that died while idle (a restarted server) are replaced
before a request uses them; ones in steady use are not pinged (a round trip saved)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from eventsys import db as db_module
from eventsys.db import db


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_an_idle_connection_killed_by_the_server_is_replaced_before_use(app, client, monkeypatch):
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.commit()
        db.session.remove()  # back in the pool, idle
        server = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(server, autocommit=True) as other:  # the server drops it, as a restart would
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    monkeypatch.setattr(db_module, "POOL_PING_AFTER_IDLE_S", 0.0)
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_connection_in_steady_use_is_not_pinged(app, client, monkeypatch):
    pings: list[object] = []
    ping = db.engine.dialect.do_ping
    monkeypatch.setattr(
        db.engine.dialect, "do_ping", lambda connection: pings.append(connection) or ping(connection)
    )
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
    assert pings == []
    monkeypatch.setattr(db_module, "POOL_PING_AFTER_IDLE_S", 0.0)  # now every checkout is "idle"
    assert client.get("/healthz").status_code == 200 and len(pings) == 1
