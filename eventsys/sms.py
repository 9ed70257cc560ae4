"""Interim SMS outbox (replaced by the SMS channel branch)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def deliver_sms(to: str, text: str, *, config: dict, outbox: Path) -> str:
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.sms.txt"
    temporary = outbox / (name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"To: {to}\n\n{text}\n")
    temporary.rename(outbox / name)
    return name
