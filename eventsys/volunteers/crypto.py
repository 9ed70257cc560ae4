"""Encryption at rest for national IDs, and the keyed hash that finds them.

The ID is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, random IV) so equal IDs give
different ciphertexts; looking one up goes through an HMAC-SHA256 of the digits under a
separate sub-key. Both sub-keys derive from ``ID_ENCRYPTION_KEY``: losing it loses the IDs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class IdCipher:
    def __init__(self, secret: str):
        if not secret:
            raise ValueError("ID_ENCRYPTION_KEY is empty")
        root = hashlib.sha256(secret.encode()).digest()
        enc_key = hmac.new(root, b"eventsys national-id encryption", hashlib.sha256).digest()
        self._lookup_key = hmac.new(root, b"eventsys national-id lookup", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(enc_key))

    def encrypt(self, national_id: str) -> str:
        return self._fernet.encrypt(national_id.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise ValueError("cannot decrypt: wrong ID_ENCRYPTION_KEY?") from error

    def lookup_hash(self, national_id: str) -> str:
        return hmac.new(self._lookup_key, national_id.encode(), hashlib.sha256).hexdigest()


def init_app(app) -> None:
    app.extensions["eventsys.id_cipher"] = IdCipher(app.config["ID_ENCRYPTION_KEY"])


def cipher() -> IdCipher:
    """The application's cipher (for views, CLI commands and jobs to pass to services)."""
    from flask import current_app

    return current_app.extensions["eventsys.id_cipher"]
