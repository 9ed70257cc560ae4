"""QR codes as drawn by eventsys.qr (python-qrcode; segno for the page's SVG), read back
with a real decoder: the PNG of a ticket, the SVG of the manage page, the data URI of PDFs,
the saved ticket picture, and the codes printed on certificates."""

from __future__ import annotations

import base64
import io

from PIL import Image

from eventsys import qr
from tests.qr_reader import pdf_pages, read_qr, read_qr_data_uri, read_qr_png

#: as long as a signed ticket token (secret.signature)
TOKEN = "Q7XKPN4RB2TZM8WDVHC3FJ6YGS5UELA9.Kd83Hs-_x2bZ0qpWm1NvaT"


def _modules(image: Image.Image, scale: int) -> int:
    return image.width // scale


def test_png_decodes_with_its_quiet_zone_and_scale():
    data = qr.png(TOKEN)
    assert data.startswith(b"\x89PNG") and read_qr_png(data) == [TOKEN]
    image = Image.open(io.BytesIO(data)).convert("L")
    side = _modules(image, 8)
    assert image.width == image.height == side * 8
    # the quiet zone: 4 white modules on every side, and a dark finder pattern just inside
    assert image.crop((0, 0, image.width, 32)).getextrema() == (255, 255)
    assert image.crop((0, 0, 32, image.height)).getextrema() == (255, 255)
    assert image.getpixel((32, 32)) == 0
    small = Image.open(io.BytesIO(qr.png(TOKEN, scale=6, border=2))).convert("L")
    assert small.width == (side - 4) * 6 and read_qr(small.resize((small.width * 2,) * 2)) == [TOKEN]


def test_svg_is_one_path_sized_in_pixels_and_decodes_when_drawn():
    from weasyprint import HTML

    data = qr.svg(TOKEN)
    text = data.decode()
    assert text.startswith("<svg") and text.count("<path") == 1
    side = _modules(Image.open(io.BytesIO(qr.png(TOKEN))), 8)  # quiet zone included
    assert f'width="{side * 8}"' in text and f'height="{side * 8}"' in text
    # drawn as a browser would show it in an <img>, then read back from the picture
    uri = "data:image/svg+xml;base64," + base64.b64encode(data).decode()
    page = HTML(string=f'<img src="{uri}">').write_pdf()
    assert read_qr(pdf_pages(page, dpi=150)[0]) == [TOKEN]


def test_data_uri_for_pdfs_is_one_pixel_per_module_without_border():
    uri = qr.png_data_uri("http://localhost/verify/CODE1")
    assert read_qr_data_uri(uri) == ["http://localhost/verify/CODE1"]
    # the best mask, as the benchmark's naive way draws it, reads as well
    assert read_qr_data_uri(qr.png_data_uri("http://localhost/verify/CODE1", mask=None)) == [
        "http://localhost/verify/CODE1"
    ]


def test_a_fixed_mask_is_used_where_speed_matters():
    """Mask 0 by default for PDFs; the best of the eight for tickets."""
    assert qr.FAST_MASK == 0
    fixed, auto = qr.png(TOKEN, mask=0), qr.png(TOKEN)
    assert read_qr_png(fixed) == read_qr_png(auto) == [TOKEN]
    assert qr.png_data_uri(TOKEN) == qr.png_data_uri(TOKEN, mask=0) != qr.png_data_uri(TOKEN, mask=None)


def test_the_saved_ticket_picture_still_decodes():
    from eventsys.registration.qr import ticket_card_png

    card = ticket_card_png(TOKEN, lines=["นางสาวสมศรี ใจดี", "การประชุมเชิงปฏิบัติการ", "12 พ.ย. 2568", "โรงแรม"])
    assert read_qr_png(card) == [TOKEN]


def test_the_code_printed_on_a_certificate_reads_as_its_verification_url():
    from eventsys.certificates import pdf
    from tests.test_certificates_pdf import LAYOUT, person

    (data,) = pdf.render_certificates(pdf.Renderer(), LAYOUT, [person(n=7)])
    assert read_qr(pdf_pages(data, dpi=200)[0]) == ["http://localhost/verify/CODE7"]
