"""Ticket tokens: what the QR code carries.

A token is ``<ticket_secret>.<signature>``: the signature (HMAC-SHA256 under a key derived
from ``SECRET_KEY``, 128 bits, base64url) is checked before any database look-up, so a
tampered, truncated or foreign token is refused at once. Rotating a registration's
``ticket_secret`` voids its old tickets. The fingerprint (a hash of the token) is what an
offline scanner list holds: it can tell valid from invalid without holding the tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_BYTES = 16


class TicketSigner:
    def __init__(self, secret_key: str):
        self._key = hmac.new(secret_key.encode(), b"eventsys ticket tokens v1", hashlib.sha256).digest()

    def _signature(self, ticket_secret: str) -> str:
        digest = hmac.new(self._key, ticket_secret.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def token_for(self, ticket_secret: str) -> str:
        return f"{ticket_secret}.{self._signature(ticket_secret)}"

    def verify(self, token: str) -> str | None:
        """The ticket secret inside a genuine token, or None (never raises)."""
        if not isinstance(token, str) or len(token) > 200:
            return None
        secret, dot, signature = token.strip().partition(".")
        if not dot or not secret or not signature:
            return None
        if not hmac.compare_digest(signature, self._signature(secret)):
            return None
        return secret

    def manage_token(self, registration_id: int, ticket_secret: str) -> str:
        """The personal manage-link token of a registration: ``<id>-<signature>``.

        The signature covers the ticket secret too, so rotating the ticket also voids the
        old link; it does not expire (people keep the e-mail for months).
        """
        payload = f"manage:{registration_id}:{ticket_secret}"
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
        return f"{registration_id}-{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"

    @staticmethod
    def manage_token_registration_id(token: str) -> int | None:
        """The registration id a manage token claims (verify with :meth:`check_manage_token`)."""
        head, dash, _signature = (token or "").partition("-")
        return int(head) if dash and head.isdigit() and len(head) < 12 else None

    def check_manage_token(self, token: str, registration_id: int, ticket_secret: str) -> bool:
        return hmac.compare_digest(token, self.manage_token(registration_id, ticket_secret))


def fingerprint(token: str) -> str:
    """A short one-way fingerprint of a token for offline ticket lists."""
    return hashlib.sha256(token.strip().encode()).hexdigest()[:20]


def init_app(app) -> None:
    app.extensions["eventsys.ticket_signer"] = TicketSigner(app.config["SECRET_KEY"])


def signer() -> TicketSigner:
    from flask import current_app

    return current_app.extensions["eventsys.ticket_signer"]
