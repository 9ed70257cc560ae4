"""The SQLAlchemy base, the ``db`` object, UTC time, and SQLite connection settings."""

from __future__ import annotations

import enum
import functools
import hashlib
import logging
import random
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, Table, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
log = logging.getLogger(__name__)


#: a pooled connection idle longer than this is pinged before use; a database restart
#: takes longer, and a connection in steady use needs no ping
POOL_PING_AFTER_IDLE_S = 1.0


def ping_idle_connections(engine: Engine) -> None:
    """``pool_pre_ping``, but only for a connection that has sat idle in the pool.

    The plain pre-ping costs a round trip on every request, a sixth of a door scan's time
    at 09:30. A connection that died with a restarted database has been idle at least as
    long as the restart took: it is pinged, found dead and replaced before use (raising
    DisconnectionError makes the pool try a new connection). One in use moments ago is
    taken as it is; if the database went away in between, the statement fails, the pool is
    emptied, and that one request answers 503.
    """

    @event.listens_for(engine.pool, "checkin")
    def _idle_from(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < POOL_PING_AFTER_IDLE_S:
            return  # new, or in steady use
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: the connection is not usable
            raise DisconnectionError(f"idle connection failed its ping: {error}") from error


def remove_session(exception: BaseException | None = None) -> None:
    """End the app context's session (registered as a teardown, it runs before
    Flask-SQLAlchemy's own, which then finds nothing left to do).

    If the database went away after the request's last query (PostgreSQL shut down), the
    ROLLBACK that ends the session fails; raised from the teardown, that error would turn
    the answer already made into a bare 500 from the server. The session is dropped
    instead: its connection died with the database, and the pool replaces it (the failed
    statement emptied the pool; an idle connection is pinged before reuse).
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("database gone before the request's session was closed: %s", error.orig)
        db.session.registry.clear()


ModelT = TypeVar("ModelT", bound=Base)


def insert_object(session, model: type[ModelT], **values: Any) -> ModelT:
    """INSERT one ``model`` row with a single Core statement and attach it to ``session``:
    no unit of work. For work done while others wait on a lock (a rush for an event's
    seats), where the ORM's flush of one object costs several times its INSERT.

    ``values`` are column names. Pending changes are flushed first. Column defaults apply
    in the database; the object reads them on first use (one SELECT).
    """
    session.flush()
    new_id = session.connection().execute(_insert_returning_id(model.__table__), values).scalar_one()
    return attach_row(session, model, id=new_id, **values)


@functools.cache
def _insert_returning_id(table: Table):
    return table.insert().returning(table.c.id)


_ATTACHED = "eventsys.attached_rows"


def attach_row(session, model: type[ModelT], **values: Any) -> ModelT:
    """The object for a row a Core statement has just inserted (``values`` include its id),
    attached to ``session`` as persistent without reading the row back. Attributes not
    given are loaded on first use. Like an object the ORM inserted, it leaves the session
    if its transaction is rolled back."""
    if isinstance(session, scoped_session):
        session = session()
    instance = model(**values)
    make_transient_to_detached(instance)
    session.add(instance)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_ATTACHED, []).append((transaction, instance))
    return instance


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_rows(session, previous_transaction) -> None:
    """Expunge the attached objects whose rows the rollback (of a transaction or a
    savepoint) took away: otherwise they linger and the next row given the same id clashes."""
    attached = session.info.get(_ATTACHED)
    if not attached:
        return
    kept = []
    for transaction, instance in attached:
        inside = transaction
        while inside is not None and inside is not previous_transaction:
            inside = inside.parent
        if inside is None:
            kept.append((transaction, instance))
        elif instance in session:
            session.expunge(instance)
    session.info[_ATTACHED] = kept


@event.listens_for(Session, "after_commit")
def _keep_committed_rows(session) -> None:
    """A committed savepoint hands its rows to the enclosing transaction; a committed
    transaction keeps them for good (nothing left to track)."""
    attached = session.info.get(_ATTACHED)
    if not attached:
        return
    kept = []
    for transaction, instance in attached:
        while transaction is not None and not transaction.is_active:
            transaction = transaction.parent
        if transaction is not None:
            kept.append((transaction, instance))
    session.info[_ATTACHED] = kept


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (pass the function, not its result, as a default)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored as UTC and always read back timezone-aware.

    SQLite keeps no zone, PostgreSQL keeps one: this makes both behave like PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column storing the values ("admin"), checked by a named constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL journal, a busy timeout; and let SQLAlchemy issue BEGIN itself."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None  # pysqlite's own BEGIN handling is disabled
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


#: how long a statement waits for another connection's write lock before "database is locked"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _begin_immediate(conn) -> None:
    """``BEGIN IMMEDIATE``, retried every millisecond or so until the write lock is ours.

    SQLite's own busy handler sleeps 1, 2, 5, 10 … then 100 ms between tries, so under a
    queue of writers (the door at 09:30) an unlucky one waits a second for a lock that is
    held a millisecond at a time. Polling briefly keeps every writer's wait near the queue's
    real length; the overall limit stays the busy timeout.
    """
    cursor = conn.connection.dbapi_connection.cursor()
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    cursor.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(random.uniform(0.0002, 0.0015))
    finally:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    """Start SQLite transactions with ``BEGIN IMMEDIATE`` when asked (``sqlite_immediate``).

    A deferred transaction that reads and then writes fails with "database is locked" when
    another writer got there first; an immediate one waits its turn (busy timeout) instead.
    Capacity and numbering rules ask for it through :func:`lock_for_write`.
    """
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get("sqlite_immediate"):
        _begin_immediate(conn)
    else:
        conn.exec_driver_sql("BEGIN")


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_name(session, name: str) -> None:
    """Hold a lock on ``name`` until the transaction ends: for a rule about rows that may not
    exist yet ("is this person already on file?"), where there is no row to lock.

    PostgreSQL: a transaction-level advisory lock on a 64-bit hash of the name. SQLite: the
    write transaction (``begin_write``) already admits one writer at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    session.execute(_ADVISORY_LOCK, {"key": key})


def begin_write(session) -> None:
    """Open the session's transaction as a write transaction, before anything is read.

    On SQLite this is ``BEGIN IMMEDIATE`` (writers queue on the busy timeout instead of
    failing); on PostgreSQL it changes nothing, since rules lock the rows they need with
    ``SELECT … FOR UPDATE``. Call it at the start of a unit of work that will write: a
    request that changes state, a CLI command, a job.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        if session.get_bind().dialect.name != "sqlite":
            return
        if session.connection().get_execution_options().get("sqlite_immediate"):
            return  # already a write transaction
        if session.new or session.dirty or session.deleted:
            return  # unflushed work would be lost; the caller began writing already
        # A transaction that began with a read (e.g. loading the logged-in user) cannot
        # safely become a writer under load: end it, then start an immediate one.
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
