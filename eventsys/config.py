"""Configuration defaults, and the one function that reads the environment.

Nothing here runs at import time: :func:`from_environ` is called by ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULTS: dict[str, object] = {
    "LANGUAGES": ("th", "en"),
    "BABEL_DEFAULT_LOCALE": "th",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_SENDER": "eventsys@localhost",
    #: "outbox" (files in instance/outbox/, the default) or "thaibulksms" (the HTTP gateway)
    "SMS_BACKEND": "outbox",
    "SMS_API_URL": "https://api-v2.thaibulksms.com/sms",
    "SMS_API_KEY": "",
    "SMS_API_SECRET": "",
    #: a sender name registered with the gateway; empty: the account's default
    "SMS_SENDER": "",
    #: seconds to wait for the gateway before the attempt fails (and the job retries)
    "SMS_TIMEOUT": 10.0,
    "REDIS_URL": "",
    # pooled connections idle for a while are pinged before use (db.ping_idle_connections)
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
    # A form left open on a slow phone must still submit: tie CSRF to the session, not the clock.
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    #: an oversize body up to this size is read and dropped so the client sees the 413 page
    "OVERSIZE_DRAIN_LIMIT": 64 * 1024 * 1024,
    "SEND_FILE_MAX_AGE_DEFAULT": timedelta(hours=1),
    "RATELIMIT_HEADERS_ENABLED": True,
    #: public registration and manage-link posts per client address (a venue's shared Wi-Fi
    #: is one address, so not too tight)
    "REGISTRATION_RATE_LIMIT": "60/minute",
    #: identity verifications (codes sent to a person on file) one address may start an hour
    "IDENTITY_CHECKS_PER_ADDRESS": 20,
    #: lost-ticket requests per client address (each sends a link to a contact on file)
    "LOST_TICKET_RATE_LIMIT": "5/minute;30/hour",
    # Redis down must not take the site down: count in memory until it is back.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    #: per client address (after ProxyFix); the account lock-out counts per account besides
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    #: per client address, for every /api/ route
    "API_RATE_LIMIT": "3000 per minute",  # a venue's scanners share one address
    #: how many proxies in front of the app set each X-Forwarded-* header (0: do not trust it)
    "PROXY_FIX_X_FOR": 0,
    "PROXY_FIX_X_PROTO": 0,
    "PROXY_FIX_X_HOST": 0,
    "PROXY_FIX_X_PORT": 0,
    "PROXY_FIX_X_PREFIX": 0,
    "HSTS_MAX_AGE": 365 * 24 * 3600,
    #: seconds a PDF a request asks for may take to lay out; the render is then stopped and the
    #: reader told (503). Well under gunicorn's timeout; a normal certificate takes < 0.5 s.
    "PDF_RENDER_TIMEOUT": 30.0,
    #: where stored files live (eventsys/files.py): "local" (the instance folder, one app
    #: host), "database" (the stored_files table) or "s3://bucket/prefix" (an S3-compatible
    #: store, reached with the S3_* settings); with the last two every app host sees them
    "FILE_STORE": "local",
    "S3_ENDPOINT_URL": "",
    "S3_REGION": "",
    "S3_ACCESS_KEY_ID": "",
    "S3_SECRET_ACCESS_KEY": "",
    #: days import uploads and reports, bulk outputs and kept messages are kept
    "FILE_RETENTION_DAYS": 30,
}

#: Environment variables read verbatim (string values).
_STRING_VARS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "BASE_URL",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_SENDER",
    "SMS_API_URL",
    "SMS_API_KEY",
    "SMS_API_SECRET",
    "SMS_SENDER",
    "REDIS_URL",
    "ID_ENCRYPTION_KEY",
    "REGISTRATION_RATE_LIMIT",
    "LOST_TICKET_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "API_RATE_LIMIT",
    "FILE_STORE",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
)
#: Environment variables read as whole numbers.
_INT_VARS = (
    "IDENTITY_CHECKS_PER_ADDRESS",
    "PROXY_FIX_X_FOR",
    "PROXY_FIX_X_PROTO",
    "PROXY_FIX_X_HOST",
    "PROXY_FIX_X_PORT",
    "PROXY_FIX_X_PREFIX",
    "HSTS_MAX_AGE",
    "MAX_CONTENT_LENGTH",
    "OVERSIZE_DRAIN_LIMIT",
    "FILE_RETENTION_DAYS",
)


def _instance_secret(instance_path: Path, name: str) -> str:
    """Return a secret kept in ``instance/<name>``, generating it on first use.

    A generated secret survives restarts (sessions stay valid, encrypted IDs stay readable)
    without ever being a literal in the code.
    """
    path = instance_path / name
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def from_environ(environ: dict[str, str], instance_path: str) -> dict[str, object]:
    """Build the configuration from ``environ`` over :data:`DEFAULTS`."""
    instance = Path(instance_path)
    config = dict(DEFAULTS)
    for name in _STRING_VARS:
        if environ.get(name):
            config[name] = environ[name]
    if environ.get("MAIL_PORT"):
        config["MAIL_PORT"] = int(environ["MAIL_PORT"])
    for name in _INT_VARS:
        if environ.get(name):
            config[name] = int(environ[name])
    if environ.get("MAIL_USE_TLS"):
        config["MAIL_USE_TLS"] = environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    if environ.get("SMS_BACKEND"):
        backend = environ["SMS_BACKEND"].strip().lower()
        if backend not in ("outbox", "thaibulksms"):
            raise ValueError(f"SMS_BACKEND must be outbox or thaibulksms, not {backend!r}")
        config["SMS_BACKEND"] = backend
    if environ.get("SMS_TIMEOUT"):
        config["SMS_TIMEOUT"] = float(environ["SMS_TIMEOUT"])
    if environ.get("PDF_RENDER_TIMEOUT"):
        config["PDF_RENDER_TIMEOUT"] = float(environ["PDF_RENDER_TIMEOUT"])
    if environ.get("DEFAULT_LANGUAGE") in ("th", "en"):
        config["BABEL_DEFAULT_LOCALE"] = environ["DEFAULT_LANGUAGE"]
    if environ.get("TIMEZONE"):
        config["BABEL_DEFAULT_TIMEZONE"] = environ["TIMEZONE"]
    if environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True

    database_url = str(config.pop("DATABASE_URL", "") or "")
    if not database_url:
        database_url = f"sqlite:///{instance / 'eventsys.sqlite'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
    config["RATELIMIT_STORAGE_URI"] = str(config.get("REDIS_URL") or "memory://")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(instance, "secret_key")
    if not config.get("ID_ENCRYPTION_KEY"):
        config["ID_ENCRYPTION_KEY"] = _instance_secret(instance, "id_encryption_key")
    return config


def normalise_database_url(url: str) -> str:
    """Point plain ``postgres://``/``postgresql://`` URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
