"""Masked phone numbers and e-mail addresses, for pages and logs that must say who without
showing it whole (a failed delivery, a support note).

Plain functions with no imports from the app, so any layer may use them.
"""

from __future__ import annotations

MASK = "•••"


def _thai_digits(number: str) -> str:
    """The digits of ``number`` in the national form (``+66 81 234 5678`` → ``0812345678``)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


def mask_phone(number: str) -> str:
    """Keep the first two digits and the last four: ``0812345678`` → ``08x-xxx-5678``; a
    9-digit landline ``021234567`` → ``02-xxx-4567``. Too short to mask leaves only ``•••``."""
    digits = _thai_digits(number)
    if len(digits) == 10:
        return f"{digits[:2]}x-xxx-{digits[-4:]}"
    if len(digits) == 9:
        return f"{digits[:2]}-xxx-{digits[-4:]}"
    if len(digits) < 7:
        return MASK
    return f"{digits[:2]}{'x' * (len(digits) - 6)}{digits[-4:]}"


def mask_email(address: str) -> str:
    """Keep the first character of the local part and the whole domain:
    ``somchai@example.org`` → ``s•••@example.org``."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return MASK
    return f"{local[:1]}{MASK}@{domain}"
