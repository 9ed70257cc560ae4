"""``flask --app app backup FILE`` taken while the app writes, restored and compared row by row."""

import os
import shutil
import sqlite3
import stat
import subprocess
import threading
import time

import pytest
from sqlalchemy import create_engine, insert, select

from eventsys.audit import AuditLog
from eventsys.db import db, utcnow


def _rows(engine, table):
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]


class LiveWriter:
    """Keeps committing audit lines from another thread, as a busy app would."""

    def __init__(self, engine):
        self.engine, self.stop, self.count = engine, threading.Event(), 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            with self.engine.begin() as conn:
                conn.execute(
                    insert(AuditLog.__table__).values(
                        action="live.write", target_type="", target_id="", details={}, created_at=utcnow()
                    )
                )
            self.count += 1
            time.sleep(0.002)

    def __enter__(self):
        self.thread.start()
        while self.count < 20:  # the writes are really going on when the backup starts
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)


def _assert_same_data(source, copy, live_table="audit_log"):
    """Every table equal; the table written during the backup holds a consistent prefix."""
    compared = 0
    for table in db.metadata.sorted_tables:
        original, restored = _rows(source, table), _rows(copy, table)
        if table.name == live_table:
            assert len(restored) >= 20 and restored == original[: len(restored)]
        else:
            assert restored == original, table.name
        compared += len(restored)
    return compared


def _populate(runner):
    result = runner.invoke(args=["seed-demo", "--volunteers", "25"])
    assert result.exit_code == 0, result.output


def test_backup_of_a_live_database_restores_to_the_same_rows(app, runner, backend, tmp_path, request):
    _populate(runner)
    target = tmp_path / "eventsys.backup"
    with LiveWriter(db.engine) as writer:
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        assert "ID_ENCRYPTION_KEY" in result.output
    assert writer.count > 20
    assert not list(tmp_path.glob("*.part"))

    if backend == "sqlite":
        with sqlite3.connect(target) as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored_url = f"sqlite:///{target}"
    else:
        restored_url = request.getfixturevalue("make_pg_database")()
        restored = subprocess.run(
            [shutil.which("pg_restore"), "--no-owner", "--dbname", restored_url, str(target)],
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr
        restored_url = restored_url.replace("postgresql://", "postgresql+psycopg://")
    copy = create_engine(restored_url)
    try:
        assert _assert_same_data(db.engine, copy) > 100
    finally:
        copy.dispose()


def test_backup_refuses_to_overwrite_unless_forced(app, runner, tmp_path, make_user):
    make_user("admin")
    target = tmp_path / "copy.backup"
    target.write_text("an older backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "--force" in result.output
    assert target.read_text() == "an older backup"
    assert runner.invoke(args=["backup", str(target), "--force"]).exit_code == 0
    assert target.stat().st_size > 1000


def test_backup_file_is_readable_by_its_owner_only(app, runner, tmp_path, make_user):
    """Issue 14: backups were written 0644 (every local user could read every national ID)."""
    make_user("admin")
    target = tmp_path / "copy.backup"
    target.write_text("an older, world-readable backup")
    target.chmod(0o644)
    previous = os.umask(0o022)
    try:
        assert runner.invoke(args=["backup", str(target), "--force"]).exit_code == 0
        fresh = tmp_path / "fresh.backup"
        assert runner.invoke(args=["backup", str(fresh)]).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_backup_of_a_missing_sqlite_file_fails_cleanly(tmp_path):
    from sqlalchemy.engine import make_url

    from eventsys.backup import BackupFailed, backup_database

    with pytest.raises(BackupFailed, match="not found"):
        backup_database(make_url(f"sqlite:///{tmp_path / 'nothing.sqlite'}"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_backup_with_the_local_store_carries_the_stored_files(app, runner, tmp_path, make_user):
    """FILE_STORE=local: the files (certificate images, reports, outbox …) go to FILE.files.tar,
    owner-only, and unpack into an empty instance folder byte for byte."""
    import tarfile

    from eventsys.files import LocalStore, current_store

    make_user()
    store = current_store()
    assert isinstance(store, LocalStore)
    files = {
        "uploads/certificates/abc.png": b"\x89PNG signature",
        "volunteer_imports/job-3-report.json": b"[]",
        "outbox/v1-" + "c" * 32 + ".eml": b"To: x@example.org\n\nhi",
    }
    for key, data in files.items():
        store.put(key, data)
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    archive = tmp_path / "backup.db.files.tar"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    restored = tmp_path / "restored-instance"
    with tarfile.open(archive) as tar:
        tar.extractall(restored, filter="data")
    assert {key: LocalStore(restored).get(key) for key in files} == files
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # both exist: --force needed
