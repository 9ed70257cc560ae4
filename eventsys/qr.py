"""QR codes, drawn in one place with python-qrcode (the stack the project was specified with):
PNG for tickets and e-mail, a PNG data URI for PDFs; the SVG of the manage page by segno
(see :func:`svg` for the measured reason).

Every code is a full QR code (browser decoders cannot read Micro QR) at error correction
level M. ``scale`` is pixels per module and ``border`` the quiet zone in modules (4 is the
standard's). Choosing the mask pattern means drawing the code eight times and scoring each:
most of the cost. Tickets keep the best mask (door cameras read it more surely);
PDFs, which draw hundreds of codes, use a fixed mask (3–4× cheaper, still decodable).
"""

from __future__ import annotations

import base64
import io

import qrcode
import segno
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

#: the quiet zone around a code, in modules, as the QR standard asks
BORDER = 4
#: the mask of codes drawn where speed matters (PDFs); None lets qrcode pick the best one
FAST_MASK = 0


def _code(content: str, *, border: int, scale: int = 1, mask: int | None = None) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, box_size=scale, mask_pattern=mask)
    code.add_data(content)
    code.make(fit=True)
    return code


def _image(content: str, *, scale: int, border: int, mask: int | None) -> Image.Image:
    """One bit per pixel: a grey image of the module matrix (quiet zone included), scaled
    up without smoothing. Built with Pillow from qrcode's matrix: drawing module by module
    through qrcode's own PIL factory costs as much again."""
    matrix = _code(content, border=border, mask=mask).get_matrix()
    side = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (side, side), pixels)
    if scale != 1:
        image = image.resize((side * scale, side * scale), Image.Resampling.NEAREST)
    return image.convert("1", dither=Image.Dither.NONE)


def png(content: str, *, scale: int = 8, border: int = BORDER, mask: int | None = None) -> bytes:
    """The code as a black-and-white PNG (tickets, e-mail attachments)."""
    out = io.BytesIO()
    _image(content, scale=scale, border=border, mask=mask).save(out, format="PNG", optimize=True)
    return out.getvalue()


def svg(content: str, *, scale: int = 8, border: int = BORDER) -> bytes:
    """The code as a standalone SVG document (the manage page): one path, sharp at any size.

    Drawn by segno, the one place it is kept: a ticket on a phone keeps the best mask (at
    the edge of what a camera reads it decodes more often than mask 0), and python-qrcode's
    mask choice alone costs what segno's whole SVG does; measured in README, "QR codes"."""
    out = io.BytesIO()
    segno.make_qr(content, error="m").save(out, kind="svg", scale=scale, border=border, xmldecl=False)
    return out.getvalue()


def png_data_uri(content: str, *, mask: int | None = FAST_MASK) -> str:
    """The code as a PNG data URI, one pixel per module and no quiet zone (PDFs: drawn with
    ``image-rendering: pixelated``, so it stays sharp at any size; the layout leaves the
    white around it). The fixed mask by default: PDFs draw hundreds of codes."""
    return "data:image/png;base64," + base64.b64encode(png(content, scale=1, border=0, mask=mask)).decode()
