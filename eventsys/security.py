"""What every response carries for safety, and the app's place behind a reverse proxy.

- Security headers on every response (pages, API, static files, error pages): a strict
  Content-Security-Policy (no inline scripts or styles, nothing from another origin, no
  framing), HSTS only when the request came over HTTPS, a same-origin referrer policy,
  ``nosniff``, and a Permissions-Policy that lets only this site use the camera (the
  check-in scanner).
- Cookies get ``Secure`` whenever the request came over HTTPS (directly, or through a proxy
  trusted by ``PROXY_FIX_X_PROTO``), so a laptop on a venue LAN over plain HTTP still works.
- ProxyFix from ``PROXY_FIX_X_FOR`` / ``_X_PROTO`` / ``_X_HOST`` / ``_X_PORT`` / ``_X_PREFIX``:
  the number of proxies in front of the app that set each header (0 = ignore the header).
- Rate limits (Flask-Limiter, in Redis when ``REDIS_URL`` is set): ``LOGIN_RATE_LIMIT`` on
  log-in attempts and ``API_RATE_LIMIT`` on every ``/api/`` route, per client address.
- A body larger than ``MAX_CONTENT_LENGTH`` is refused with 413 before anything reads it.

Sessions are signed cookies (nothing kept in a process), so any worker on any host can
serve any request.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'self'",  # the certificate preview is framed by its own page
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: pages that show one person's data to someone who need not be logged in (the manage link,
#: the code step, the lost-ticket form, the person's certificate): never stored by a browser
#: or a proxy. Logged-in pages get the same below. Ticket QR images keep their own
#: ``private, max-age=300`` so a phone can show the ticket again without a network.
PERSONAL_ENDPOINTS = frozenset(
    {
        "registration.register",
        "registration.verify",
        "registration.resend_code",
        "registration.ask_review",
        "registration.identity_held",
        "registration.lost_ticket",
        "registration.manage",
        "registration.update_contact",
        "registration.cancel",
        "registration.reissue",
        "certificates.verify",
        "certificates.manage_download",
        "privacy.update_consents",
    }
)
PROXY_FIX_SETTINGS = {
    "x_for": "PROXY_FIX_X_FOR",
    "x_proto": "PROXY_FIX_X_PROTO",
    "x_host": "PROXY_FIX_X_HOST",
    "x_port": "PROXY_FIX_X_PORT",
    "x_prefix": "PROXY_FIX_X_PREFIX",
}


def init_app(app: Flask) -> None:
    from eventsys import api
    from eventsys.extensions import limiter

    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    apply_proxy_fix(app)  # outside, so the cookie rewriting sees the scheme the proxy reported
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversize_body)
    app.after_request(add_security_headers)
    # The same function objects each time, so a second app does not add the limit twice.
    limiter.limit(api_rate_limit, error_message=api_limited_message, exempt_when=is_known_api_caller)(api.bp)


def apply_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* headers only as far as configured (each setting = proxy count)."""
    settings = {arg: int(app.config.get(name) or 0) for arg, name in PROXY_FIX_SETTINGS.items()}
    if any(settings.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **settings)


def refuse_oversize_body() -> None:
    """413 for a declared body over MAX_CONTENT_LENGTH, before CSRF or a view reads it.

    A client (browser, curl, Python) sends its whole body before it reads the answer; if the
    server answered and closed first, it would see a reset instead of the 413 page. So a body
    up to OVERSIZE_DRAIN_LIMIT is read and thrown away first (what nginx's lingering close
    does); anything bigger is cut off.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit and length is not None and length > limit:
        if length <= int(current_app.config.get("OVERSIZE_DRAIN_LIMIT") or 0):
            stream = request.environ["wsgi.input"]
            remaining = length
            while remaining > 0:
                chunk = stream.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                remaining -= len(chunk)
        raise RequestEntityTooLarge()


def add_security_headers(response):
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        max_age = int(current_app.config.get("HSTS_MAX_AGE") or 0)
        if max_age:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    if request.endpoint in PERSONAL_ENDPOINTS or (request.endpoint != "static" and "_user_id" in session):
        # personal data: keep it out of shared and browser caches
        response.headers["Cache-Control"] = "private, no-store"
    return response


class SecureCookiesOverHttps:
    """WSGI middleware: every cookie set on an HTTPS request gets ``Secure``.

    It works on the final headers, so it covers the session cookie (written after the
    ``after_request`` functions), Flask-Login's remember cookie and the language cookie.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def start_secure(status, headers, exc_info=None):
            headers = [
                (name, _with_secure(value) if name.lower() == "set-cookie" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_secure)


def _with_secure(cookie: str) -> str:
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else cookie + "; Secure"


# --- rate limits (callables, so the configuration is read per app) -------------------------------


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_limited_message() -> str:
    return _("Too many log-in attempts from your connection. Please wait a few minutes and try again.")


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def is_known_api_caller() -> bool:
    """Is the caller a user with a valid token (or a logged-in session)?

    The per-address API limit is for anonymous traffic and wrong tokens: a venue's scanners
    share one address, and each known caller is accountable (its token can be revoked).
    """
    from eventsys.web import ApiError, api_user

    try:
        return api_user() is not None
    except ApiError:
        return False


def api_limited_message() -> str:
    return _("Too many requests. Please wait a moment and try again.")
