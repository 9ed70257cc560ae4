"""The PDF pipeline itself: Thai text really printed (pdftotext), Sarabun embedded (pdffonts),
HTML in names printed as text, the fetcher refusing files outside the app, no WeasyPrint
warning at all."""

from __future__ import annotations

import io
import logging
import re
import subprocess
from dataclasses import replace

import pikepdf
import pytest

from eventsys.certificates import pdf


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_weasyprint_warnings():
    """Fail the test on any WeasyPrint warning (a missing glyph, a refused image, a bad rule)."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records if not getattr(handler, "expected", False)] == []


def pdf_text(data: bytes) -> str:
    """The PDF's text layer, with ำ put back together (pdf.decompose_sara_am splits it)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text.decode())


def pdf_fonts(data: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()


LAYOUT = pdf.CertificateLayout(
    title="เกียรติบัตร",
    agency="กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
    given_line="ให้ไว้ ณ วันที่ ๑๒ พฤศจิกายน พ.ศ. ๒๕๕๘",
    logo_path=str(pdf.STATIC / "img" / "certificate-emblem.svg"),
    intro="เกียรติบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า",
    serial_label="เลขที่",
    verify_label="ตรวจสอบ",
    signatories=(pdf.Signatory("นายสมชาย ใจกว้าง", "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),),
)


def person(name="นางสาวสมศรี ใจดี", n=1):
    return pdf.CertificatePerson(
        name=name,
        body="ได้เข้าร่วมการประชุมเชิงปฏิบัติการ",
        serial=f"พม. ๐๐๐{n}/๒๕๕๘",
        verify_url=f"http://localhost/verify/CODE{n}",
        verification_code=f"CODE{n}",
    )


def test_certificate_prints_thai_text_with_embedded_sarabun():
    (data,) = pdf.render_certificates(pdf.Renderer(), LAYOUT, [person()])
    text = pdf_text(data)
    for expected in ("นางสาวสมศรี ใจดี", "พ.ศ. ๒๕๕๘", "๑๒ พฤศจิกายน", "พม. ๐๐๐1/๒๕๕๘", "ปลัดกระทรวง", "CODE1"):
        assert expected in text
    fonts = pdf_fonts(data)
    assert "+Sarabun" in fonts and "Identity-H" in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, unicode map
    assert len(data) <= 60 * 1024


def raw_text(data: bytes) -> str:
    """The text a reader copies, as poppler extracts it, with nothing put back together."""
    command = ["pdftotext", "-raw", "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


def page_image(data: bytes, folder) -> bytes:
    """The first page in grey at 72 dpi."""
    (folder / "page.pdf").write_bytes(data)
    command = ["pdftoppm", "-r", "72", "-gray", "-singlefile", str(folder / "page.pdf"), str(folder / "page")]
    subprocess.run(command, capture_output=True, check=True)
    return (folder / "page.pgm").read_bytes()


def test_sara_am_copies_and_searches_as_written(monkeypatch, tmp_path):
    """Ctrl-F "ทองคำ" finds the name (issue 13): ำ, with and without a tone mark, is one
    character in the text layer; า stays า; a nikhahit alone stays itself; nothing drawn moves."""
    layout = replace(LAYOUT, body="ประจำปีงบประมาณ กากา สํ")
    name = "นายทองคำ น้ำใจ ค่ำคืน"
    (data,) = pdf.render_certificates(pdf.Renderer(), layout, [replace(person(name=name), body="")])
    text = " ".join(raw_text(data).split())
    assert name in text and "ประจำปีงบประมาณ กากา สํ" in text
    assert "\u0e4d\u0e32" not in text and "กำ" not in text

    mark = pdf.mark_sara_am
    monkeypatch.setattr(pdf, "mark_sara_am", lambda data: data)
    unmarked = pdf.render_people(pdf.Renderer(), layout, [person(name=name)])
    marked = mark(unmarked)
    assert name in " ".join(raw_text(marked).split()) and "ทองคำ" not in raw_text(unmarked)
    image = page_image(marked, tmp_path)
    assert len(image) > 100_000 and image == page_image(unmarked, tmp_path)
    monkeypatch.undo()
    plain = pdf.render_people(pdf.Renderer(), LAYOUT, [person(name="นายกากา")])
    assert "\u0e4d" not in raw_text(plain) and pdf.mark_sara_am(plain) is plain  # nothing to mark


def test_html_in_a_name_is_printed_as_text():
    (data,) = pdf.render_certificates(pdf.Renderer(), LAYOUT, [person(name='<b>สมศรี</b> <img src="x">')])
    assert '<b>สมศรี</b> <img src="x">' in pdf_text(data)


def test_fetcher_refuses_files_outside_the_app_and_the_network(no_weasyprint_warnings, tmp_path):
    renderer = pdf.Renderer(allowed_dirs=(str(tmp_path),))
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", f"file://{tmp_path}/../secret.png"):
        with pytest.raises(ValueError):
            renderer.fetcher.fetch(url)
    (tmp_path / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>')
    assert renderer.fetcher.fetch((tmp_path / "ok.svg").as_uri()).read().startswith(b"<svg")


def test_many_people_split_and_merged_with_shared_images(tmp_path):
    from dataclasses import replace

    from PIL import Image

    Image.new("RGB", (120, 40), (0, 0, 120)).save(tmp_path / "signature.png")
    signed = (pdf.Signatory("นายสมชาย ใจกว้าง", "ปลัดกระทรวง", str(tmp_path / "signature.png")),)
    layout = replace(LAYOUT, signatories=signed)
    renderer = pdf.Renderer(allowed_dirs=(str(tmp_path),))
    people = [person(n=i) for i in range(1, 8)]
    background = pdf.render_background(renderer, layout)
    pages = pdf.render_people(renderer, layout, people)
    each = pdf.stack_each(background, pages)
    assert len(each) == 7 and all(len(d) < 60 * 1024 for d in each)
    assert "CODE3" in pdf_text(each[2]) and "CODE4" not in pdf_text(each[2])
    merged = pdf.stack_merged(background, [pages])
    with pikepdf.open(io.BytesIO(merged)) as document:
        assert len(document.pages) == 7
        images = [
            o for o in document.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
        # 7 QR codes and the signature once (the SVG logo is drawn as vectors)
        assert len(images) == 8


@pytest.mark.parametrize("with_thread", [False, True], ids=["fork", "spawn"])
def test_parallel_rendering_keeps_order(monkeypatch, with_thread):
    """Worker processes (forked from a single-threaded caller, spawned otherwise) return the
    chunks in order."""
    import threading

    monkeypatch.setattr(pdf, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pdf, "CHUNK", 2)
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)
    if with_thread:
        helper.start()
    try:
        seen = []
        chunks = list(
            pdf.render_in_chunks(
                LAYOUT, [person(n=i) for i in range(1, 6)], allowed_dirs=(), processes=2,
                progress=lambda done, total: seen.append((done, total)),
            )
        )  # fmt: skip
    finally:
        stop.set()
    files = [data for chunk in chunks for data in chunk.documents]
    assert [f"CODE{i}" in pdf_text(data) for i, data in enumerate(files, start=1)] == [True] * 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
