"""Contact details shown masked: enough for a person to recognise their own, too little
for anyone else to learn them."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """``0812345678`` → ``08x-xxx-5678``; a 9-digit landline ``021234567`` → ``02-xxx-4567``."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if len(digits) == 10:
        return f"{digits[:2]}x-xxx-{digits[-4:]}"
    if len(digits) == 9:
        return f"{digits[:2]}-xxx-{digits[-4:]}"
    return "x" * max(len(digits) - 4, 0) + digits[-4:]


def mask_email(email: str) -> str:
    """``somchai@example.org`` → ``s•••@example.org``."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return ""
    return f"{local[:1]}•••@{domain}"
