"""Registration rules (capacity, waitlist, approval, tickets)."""

from __future__ import annotations

import secrets

#: pretix's ticket alphabet: no o/0/1/i/l to misread when typed by hand
TICKET_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TICKET_LENGTH = 32  # 32 × log2(31) ≈ 158 bits


def new_ticket_secret() -> str:
    """A random, unguessable ticket secret (≥128 bits), never derived from personal data."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))
