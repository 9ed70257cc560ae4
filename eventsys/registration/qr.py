"""QR images of ticket tokens (always a full QR code: browser decoders cannot read Micro QR)."""

from __future__ import annotations

import io

import segno


def qr_png(token: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make_qr(token, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(token: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make_qr(token, error="m").save(out, kind="svg", scale=scale, border=4, xmldecl=False)
    return out.getvalue()
