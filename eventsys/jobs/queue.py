"""The task queue: Huey, on SQLite by default (no extra service) and on Redis in production.

Huey needs its instance at import time (tasks register on it), so the storage is chosen
here from the environment: ``REDIS_URL`` set → Redis; otherwise a SQLite file in the
instance folder. Tests (and ``JOBS_IMMEDIATE=1``) run tasks synchronously in-process.
Run a worker with ``flask --app app jobs worker``.
"""

from __future__ import annotations

import os

from huey import RedisHuey, SqliteHuey
from huey.api import Huey


def _instance_path() -> str:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.environ.get("EVENTSYS_INSTANCE") or os.path.join(root, "instance")


def make_huey() -> Huey:
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("eventsys", url=redis_url, utc=True)
    instance = _instance_path()
    os.makedirs(instance, exist_ok=True)
    return SqliteHuey("eventsys", filename=os.path.join(instance, "jobs.sqlite"), utc=True)


huey = make_huey()
