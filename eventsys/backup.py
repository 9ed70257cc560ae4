"""``flask --app app backup FILE``: a consistent copy of the database, taken while the app runs.

- SQLite: sqlite3's online backup API copies one consistent snapshot (in WAL mode writers go
  on meanwhile), then the copy's ``PRAGMA integrity_check`` must say ``ok``.
- PostgreSQL: ``pg_dump --format=custom`` (one snapshot as well); restore with ``pg_restore``.

The copy is written next to FILE and renamed into place only when complete, so a failed
backup never leaves a half-written FILE. Restoring is described in docs/deploy.md. National
IDs in the copy are encrypted: keep ``ID_ENCRYPTION_KEY`` (and ``SECRET_KEY``) with it.

Stored files (certificate images, import uploads and reports, bulk outputs, the outbox):
with ``FILE_STORE=database`` they are rows of the database, so in the copy; with the
``local`` store (the default) or an S3 store they are also written to ``FILE.files.tar``
(0600): unpacked into the instance folder (local) or uploaded back (S3) on restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from sqlalchemy.engine import URL

#: owner read/write only, whatever the umask
BACKUP_MODE = 0o600


class BackupFailed(Exception):
    pass


def backup_database(url: URL, target: Path) -> str:
    """Write a backup of the database at ``url`` to ``target``; return what was done."""
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    # the copy holds every person's data: readable by its owner only, from its first byte
    # (sqlite3 and pg_dump write into the file made here and keep its mode)
    partial.touch(mode=BACKUP_MODE, exist_ok=False)
    try:
        if url.get_backend_name() == "sqlite":
            backup_sqlite(Path(url.database or ""), partial)
            kind = "SQLite copy"
        elif url.get_backend_name() == "postgresql":
            backup_postgresql(url, partial)
            kind = "PostgreSQL pg_dump custom-format archive (restore with pg_restore)"
        else:
            raise BackupFailed(f"no backup method for {url.get_backend_name()}")
        os.chmod(partial, BACKUP_MODE)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return f"{kind}: {target} ({target.stat().st_size} bytes)"


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy ``database`` to ``target`` with the online backup API and check the copy."""
    if not database.is_file():
        raise BackupFailed(f"SQLite database not found: {database}")
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if result != "ok":
        raise BackupFailed(f"integrity check of the copy failed: {result}")


def backup_postgresql(url: URL, target: Path) -> None:
    """``pg_dump`` the database into a custom-format archive (password through PGPASSWORD)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump not found; install postgresql-client")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq_url = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    completed = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(target), libpq_url],
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {completed.stderr.strip()}")


def files_archive_path(file: Path) -> Path:
    """Where ``flask backup FILE`` puts the local store's files: ``FILE.files.tar``."""
    return file.with_name(file.name + ".files.tar")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup_command(file: Path, force: bool) -> None:
    """Back up the database to FILE while the app keeps running."""
    from flask import current_app

    from eventsys.db import db
    from eventsys.files import current_store, write_archive

    archive = files_archive_path(file)
    setting = current_app.config.get("FILE_STORE", "local")
    local_files = setting != "database"  # files outside the database: archived beside it
    for existing in (file, archive) if local_files else (file,):
        if existing.exists() and not force:
            raise click.ClickException(f"{existing} exists; use --force to replace it")
    try:
        summary = backup_database(db.engine.url, file)
    except BackupFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary)
    if local_files:
        partial = archive.with_name(archive.name + ".part")
        try:
            count = write_archive(current_store(), partial)
            os.replace(partial, archive)
        finally:
            partial.unlink(missing_ok=True)
        click.echo(
            f"Stored files (FILE_STORE={setting}): {archive} ({count} files; restore: see docs/deploy.md)"
        )
    else:
        click.echo("Stored files (FILE_STORE=database) are in the database copy.")
    click.echo("Keep SECRET_KEY and ID_ENCRYPTION_KEY with it: stored national IDs need the key.")
