"""Stored files: certificate images, import uploads and reports, bulk outputs, the outbox.

Every file the app writes goes through one :class:`FileStore`, chosen by ``FILE_STORE``:

- ``local`` (the default, one app host): files under the instance folder, in the folders of
  :data:`FOLDERS`, written 0600 in folders 0700. A second app host does not see them.
- ``database``: bytes in the ``stored_files`` table of the app's own database, so every app
  host on that database sees the same files, and the database backup holds them. A write
  takes effect with the caller's commit (like any other row).
- ``s3://bucket/prefix``: objects in an S3-compatible store (AWS S3, MinIO, Ceph …),
  reached at ``S3_ENDPOINT_URL`` (empty: AWS) with ``S3_REGION``, ``S3_ACCESS_KEY_ID`` and
  ``S3_SECRET_ACCESS_KEY`` (empty: boto3's usual sources). Every app host sees the files;
  a write takes effect at once, as on disk.

A key is a path such as ``outbox/v12-3f2a….eml``: its first part names the folder (and so
how long it is kept, :data:`EXPIRING`). A file that should be there and is not raises
:class:`FileMissing`; nobody gets half a document without being told.

Files of the expiring folders older than ``FILE_RETENTION_DAYS`` (default 30) are removed by
:func:`purge_expired`: ``flask files purge`` from cron, or daily by ``flask jobs worker``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.db import UTCDateTime, begin_write, db, utcnow
from eventsys.errors import NotFound

#: the folders (first part of a key) files may be stored in
FOLDERS = ("uploads", "exports", "volunteer_imports", "outbox")
#: folders whose files are removed after ``FILE_RETENTION_DAYS``: import uploads and
#: reports, bulk outputs, kept messages. Certificate images (``uploads``) live as long as
#: the designs that use them.
EXPIRING = ("exports", "volunteer_imports", "outbox")
DEFAULT_RETENTION_DAYS = 30
STORES = ("local", "database", "s3://bucket/prefix")
_KEY = re.compile(r"^[a-z_]+(/[A-Za-z0-9][A-Za-z0-9._-]*)+$")
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def outbox_owner_prefix(volunteer_id: int) -> str:
    """Kept messages to volunteer ``volunteer_id`` (``mail.outbox_key``): erasing them
    deletes these."""
    return f"outbox/v{volunteer_id}-"


def export_prefix(event_id: int) -> str:
    """Bulk outputs of an event (an erasure deletes them all: they hold every name)."""
    return f"exports/event-{event_id}-"


class FileMissing(NotFound):
    """A stored file that should exist does not (deleted, expired, or on another host's disk)."""

    code = "file_missing"

    def __init__(self, key: str):
        super().__init__(_l("A stored file is missing: %(key)s", key=key))
        self.key = key


class StoredFile(db.Model):
    """A file's bytes, for ``FILE_STORE=database``."""

    __tablename__ = "stored_files"

    #: the file's key, e.g. "exports/certificates-12.zip"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@dataclass(frozen=True)
class FileInfo:
    key: str
    size: int
    modified_at: datetime


def check_key(key: str) -> str:
    """``key`` if it is a well-formed key in one of :data:`FOLDERS`; ValueError otherwise
    (no ``..``, no absolute path, no hidden name)."""
    if not _KEY.match(key) or ".." in key or key.split("/", 1)[0] not in FOLDERS:
        raise ValueError(f"not a stored-file key: {key!r}")
    return key


class FileStore(Protocol):
    def put(self, key: str, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def delete_prefix(self, prefix: str) -> int: ...
    def list(self, prefix: str) -> list[FileInfo]: ...
    def local_copy(self, key: str) -> contextlib.AbstractContextManager[Path]: ...


class LocalStore:
    """Files under ``root`` (the instance folder), owner-only."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> str:
        """Write ``data`` whole (a reader never sees half a file), mode 0600."""
        target = self.path(key)
        self._make_folders(target.parent)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, target)
        return key

    def _make_folders(self, folder: Path) -> None:
        """``folder`` and any missing parents below the root, each 0700 (the root itself,
        the instance folder, is made if missing but keeps the mode it has)."""
        self.root.mkdir(parents=True, exist_ok=True)
        missing = []
        while not folder.exists() and folder != self.root:
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir(mode=FOLDER_MODE, exist_ok=True)
            os.chmod(made, FOLDER_MODE)

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise FileMissing(key) from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        found = self.list(prefix)
        for info in found:
            self.delete(info.key)
        return len(found)

    def list(self, prefix: str) -> list[FileInfo]:
        """Files whose key starts with ``prefix`` (which starts with a folder name)."""
        folder = prefix.split("/", 1)[0]
        if folder not in FOLDERS or not (self.root / folder).is_dir():
            return []
        found = []
        for path in (self.root / folder).rglob("*"):
            if not path.is_file() or path.name.startswith(".") or path.name.endswith(".tmp"):
                continue
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                stat = path.stat()
                found.append(FileInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)))
        return found

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise FileMissing(key)
        yield path


class DatabaseStore:
    """Files as rows of ``stored_files`` in ``session``'s database; the caller commits."""

    def __init__(self, session):
        self.session = session

    def put(self, key: str, data: bytes) -> str:
        check_key(key)
        begin_write(self.session)
        row = self.session.get(StoredFile, key)
        if row is None:
            self.session.add(StoredFile(key=key, data=data, size=len(data), created_at=utcnow()))
        else:
            row.data, row.size, row.created_at = data, len(data), utcnow()
        self.session.flush()
        return key

    def get(self, key: str) -> bytes:
        data = self.session.scalar(select(StoredFile.data).where(StoredFile.key == check_key(key)))
        if data is None:
            raise FileMissing(key)
        return bytes(data)

    def exists(self, key: str) -> bool:
        return self.session.scalar(select(StoredFile.key).where(StoredFile.key == check_key(key))) is not None

    def delete(self, key: str) -> None:
        self.session.execute(delete(StoredFile).where(StoredFile.key == check_key(key)))

    def delete_prefix(self, prefix: str) -> int:
        result = self.session.execute(
            delete(StoredFile).where(StoredFile.key.startswith(prefix, autoescape=True))
        )
        return result.rowcount or 0

    def list(self, prefix: str) -> list[FileInfo]:
        rows = self.session.execute(
            select(StoredFile.key, StoredFile.size, StoredFile.created_at).where(
                StoredFile.key.startswith(prefix, autoescape=True)
            )
        )
        return [FileInfo(key, size, created_at) for key, size, created_at in rows]

    def local_copy(self, key: str) -> contextlib.AbstractContextManager[Path]:
        return _temporary_copy(key, self.get(key))


@contextlib.contextmanager
def _temporary_copy(key: str, data: bytes) -> Iterator[Path]:
    """A private temporary file with ``data`` (for readers that need a path), removed after."""
    with tempfile.TemporaryDirectory(prefix="eventsys-") as folder:
        path = Path(folder) / Path(key).name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        yield path


class S3Store:
    """Files as objects of ``bucket`` under ``prefix`` in an S3-compatible store."""

    def __init__(self, bucket: str, prefix: str, *, client):
        self.bucket, self.prefix, self.client = bucket, prefix, client

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)
        return key

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise FileMissing(key) from None
            raise
        return answer["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def delete_prefix(self, prefix: str) -> int:
        found = self.list(prefix)
        for start in range(0, len(found), 1000):  # at most 1000 keys a request
            batch = [{"Key": self.prefix + info.key} for info in found[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        return len(found)

    def list(self, prefix: str) -> list[FileInfo]:
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        ):
            for item in page.get("Contents", []):
                found.append(FileInfo(item["Key"][len(self.prefix) :], item["Size"], item["LastModified"]))
        return found

    def local_copy(self, key: str) -> contextlib.AbstractContextManager[Path]:
        return _temporary_copy(key, self.get(key))


def _parse_s3(value: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ("bucket", "some/prefix/")."""
    bucket, _slash, prefix = value.strip()[len("s3://") :].partition("/")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket):
        raise ValueError(f"FILE_STORE: not an S3 bucket name in {value!r}")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def parse_store_setting(value: str) -> str:
    """The ``FILE_STORE`` setting checked: ``local``, ``database`` or ``s3://bucket/prefix``
    (ValueError otherwise)."""
    raw = (value or "local").strip()
    if raw.lower().startswith("s3://"):
        bucket, prefix = _parse_s3(raw)
        return f"s3://{bucket}/{prefix}"
    choice = raw.lower()
    if choice not in STORES:
        raise ValueError(f"FILE_STORE must be one of {', '.join(STORES)}, not {value!r}")
    return choice


def s3_client(config):
    """A boto3 S3 client from the ``S3_*`` settings (empty ones: boto3's own sources)."""
    import boto3
    from botocore.config import Config

    options = {
        "endpoint_url": config.get("S3_ENDPOINT_URL") or None,
        "region_name": config.get("S3_REGION") or None,
        "aws_access_key_id": config.get("S3_ACCESS_KEY_ID") or None,
        "aws_secret_access_key": config.get("S3_SECRET_ACCESS_KEY") or None,
    }
    retries = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60)
    return boto3.client("s3", config=retries, **{k: v for k, v in options.items() if v})


def store_for(config, instance_path: str | Path, session=None, s3=None) -> FileStore:
    """The store ``config["FILE_STORE"]`` names (``session``: the database store's session;
    ``s3``: a client for the S3 store, made from the settings if not given)."""
    setting = parse_store_setting(str(config.get("FILE_STORE") or "local"))
    if setting == "database":
        return DatabaseStore(session if session is not None else db.session)
    if setting.startswith("s3://"):
        bucket, prefix = _parse_s3(setting)
        return S3Store(bucket, prefix, client=s3 or s3_client(config))
    return LocalStore(instance_path)


def current_store() -> FileStore:
    """The current app's store (views, tasks, CLI); one S3 client per app (thread-safe)."""
    from flask import current_app

    s3 = None
    if str(current_app.config.get("FILE_STORE", "")).startswith("s3://"):
        s3 = current_app.extensions.get("eventsys.s3")
        if s3 is None:
            s3 = current_app.extensions["eventsys.s3"] = s3_client(current_app.config)
    return store_for(current_app.config, current_app.instance_path, s3=s3)


def retention(config) -> timedelta:
    days = config.get("FILE_RETENTION_DAYS")
    return timedelta(days=int(DEFAULT_RETENTION_DAYS if days in (None, "") else days))


def purge_expired(store: FileStore, *, older_than: timedelta, now: datetime) -> int:
    """Remove the files of :data:`EXPIRING` folders stored before ``now - older_than``;
    returns how many. Import reports, uploads, bulk outputs and kept messages go; the
    records that pointed to them say the file has expired."""
    cutoff = now - older_than
    removed = 0
    for folder in EXPIRING:
        for info in store.list(f"{folder}/"):
            if info.modified_at < cutoff:
                store.delete(info.key)
                removed += 1
    return removed


def purge_current(*, now: datetime | None = None, days: int | None = None) -> int:
    """:func:`purge_expired` on the current app's store, and the lists of people in the
    results of jobs as old (an import's first rows), committed (``flask files purge``, the
    worker's daily run)."""
    from flask import current_app

    from eventsys.jobs.services import forget_expired_results

    older_than = timedelta(days=days) if days is not None else retention(current_app.config)
    now = now or utcnow()
    begin_write(db.session)
    removed = purge_expired(current_store(), older_than=older_than, now=now)
    forget_expired_results(db.session, before=now - older_than)  # names listed with a report
    db.session.commit()
    return removed


def write_archive(store: FileStore, target: Path) -> int:
    """A tar of every stored file (for ``flask backup`` with the local store), written 0600;
    returns how many files it holds. Restore: ``tar -xf TARGET -C <instance folder>``."""
    count = 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as archive:
        for folder in FOLDERS:
            for info in sorted(store.list(f"{folder}/"), key=lambda i: i.key):
                data = store.get(info.key)
                member = tarfile.TarInfo(info.key)
                member.size = len(data)
                member.mode = FILE_MODE
                member.mtime = int(info.modified_at.timestamp())
                archive.addfile(member, io.BytesIO(data))
                count += 1
    os.chmod(target, FILE_MODE)
    return count


def read_archive(store: FileStore, source: Path) -> int:
    """Put every file of a :func:`write_archive` tar into ``store`` (restoring a backup into
    an S3 or database store, or moving files from one store to another); returns how many.
    Members that are not plain files with a valid key are refused (ValueError)."""
    count = 0
    with tarfile.open(source) as archive:
        for member in archive:
            if not member.isfile():
                raise ValueError(f"not a stored file: {member.name!r}")
            check_key(member.name)
            handle = archive.extractfile(member)
            store.put(member.name, handle.read() if handle else b"")
            count += 1
    return count
