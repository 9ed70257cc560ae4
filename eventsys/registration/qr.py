"""The ticket picture: the QR of a ticket token (drawn by :mod:`eventsys.qr`) with words under it."""

from __future__ import annotations

import io

from eventsys import qr


def ticket_card_png(token: str, *, lines: list[str], scale: int = 8) -> bytes:
    """The ticket a person saves to their phone's gallery: the QR with their name, the
    event, its date and its venue written under it (Thai shaped by Raqm with Sarabun), so
    the picture says what it is months later."""
    from PIL import Image, ImageDraw, ImageFont

    from eventsys.certificates.pdf import FONT_DIR

    code = Image.open(io.BytesIO(qr.png(token, scale=scale))).convert("RGB")
    width = max(code.width, 640)
    bold = ImageFont.truetype(str(FONT_DIR / "Sarabun-Bold.ttf"), 30, layout_engine=ImageFont.Layout.RAQM)
    regular = ImageFont.truetype(
        str(FONT_DIR / "Sarabun-Regular.ttf"), 24, layout_engine=ImageFont.Layout.RAQM
    )
    wrapped: list[tuple[str, ImageFont.FreeTypeFont]] = []
    for index, line in enumerate(line for line in lines if line):
        font = bold if index == 0 else regular
        wrapped += [(part, font) for part in _wrap(line, font, width - 48)]
    line_height = {bold: 46, regular: 36}
    height = code.height + 16 + sum(line_height[font] for _text, font in wrapped) + 24
    card = Image.new("RGB", (width, height), "white")
    card.paste(code, ((width - code.width) // 2, 0))
    draw = ImageDraw.Draw(card)
    y = code.height + 8
    for text, font in wrapped:
        draw.text((width // 2, y), text, font=font, fill="#1a1f2b", anchor="ma")
        y += line_height[font]
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(text: str, font, width: int) -> list[str]:
    """Break ``text`` at spaces to fit ``width`` pixels (Thai has no spaces between words:
    a long Thai run is cut where it overflows)."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while font.getlength(current) > width:  # one word longer than the line
            cut = len(current)
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines
