"""Reading QR codes back in tests, the way a scanner would: from images (zxing-cpp) and from
PDF pages rasterised by pdftoppm (poppler-utils)."""

from __future__ import annotations

import base64
import io
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps


def read_qr(image: Image.Image) -> list[str]:
    """The text of every QR code found in ``image``."""
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


def read_qr_png(data: bytes) -> list[str]:
    return read_qr(Image.open(io.BytesIO(data)))


def read_qr_data_uri(uri: str, *, scale: int = 8, border: int = 4) -> list[str]:
    """A code drawn one pixel per module without a quiet zone (as PDFs get it), scaled up
    and given its quiet zone first, as the printed page does."""
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    return read_qr(ImageOps.expand(image, border=border * scale, fill=255))


def pdf_pages(data: bytes, *, dpi: int = 150, first: int = 1, last: int | None = None) -> list[Image.Image]:
    """Pages of a PDF as pictures."""
    with tempfile.TemporaryDirectory() as tmp:
        command = ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        subprocess.run([*command, "-", f"{tmp}/page"], input=data, check=True, capture_output=True)
        pages = []
        for path in sorted(Path(tmp).glob("page*.png")):
            with Image.open(path) as page:
                pages.append(page.copy())
        return pages
