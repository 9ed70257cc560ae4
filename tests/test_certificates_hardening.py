"""Issue 14: one organizer's serial pattern can no longer block another's certificates; SVG
uploads that would hang the renderer are refused; every PDF a request asks for renders in a
child process under a time limit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsys.certificates import services
from eventsys.certificates.models import Certificate
from eventsys.db import db
from eventsys.errors import Conflict
from eventsys.files import LocalStore, current_store


def design(event, actor, now, pattern: str):
    return services.save_design(
        db.session,
        event=event,
        actor=actor,
        now=now,
        title="เกียรติบัตร",
        body="ได้เข้าร่วม{event}",
        language="th",
        use_thai_digits=False,
        paper="A4-landscape",
        serial_pattern=pattern,
        eligibility={"kind": "event"},
        signatories=[],
    )


# --- serial numbering ---------------------------------------------------------------------------


def test_patterns_that_print_the_same_serials_share_one_counter(
    app, make_user, make_event, make_attendee, now
):
    """Two organizers, ``EV-{n:03}`` and ``EV-{n:03d}``; ``{n:04d}/2569`` twice and the default
    ``{n:04d}/{be_year}`` in 2569: every issue succeeds and no serial repeats (before: the
    second organizer's first issue was a 500 on the unique serial, every time)."""
    in_2569 = now.replace(year=2026)
    first, second = make_user(), make_user()
    plan = [
        (first, "EV-{n:03}", now),
        (second, "EV-{n:03d}", now),
        (first, "{n:04d}/2569", in_2569),
        (second, "{n:04d}/2569", in_2569),
        (second, "{n:04d}/{be_year}", in_2569),
    ]
    serials = []
    for organizer, pattern, when in plan:
        event = make_event(owner=organizer)
        design(event, organizer, now, pattern)
        make_attendee(event)
        make_attendee(event)
        db.session.commit()
        issued = services.issue_certificates(db.session, event=event, actor=organizer, now=when)
        db.session.commit()
        serials += [c.serial for c in issued]
    assert serials == [
        "EV-001",
        "EV-002",
        "EV-003",
        "EV-004",
        "0001/2569",
        "0002/2569",
        "0003/2569",
        "0004/2569",
        "0005/2569",
        "0006/2569",
    ]


def test_series_key_is_the_rendered_pattern():
    assert services.series_for("EV-{n:03}", be=2569) == services.series_for("EV-{n:03d}", be=2569)
    assert services.series_for("{n:04d}/2569", be=2569) == services.series_for("{n}/{be_year}", be=2569)
    assert services.series_for("{n}/{be_year}", be=2569) != services.series_for("{n}/{be_year}", be=2570)
    assert services.series_for("{n:04d}/{year}", be=2569) == "{n}/2026"
    assert services.series_for("EV-{n}", be=2569) == services.series_for("EV-{n}", be=2570)


def test_a_serial_already_printed_by_another_series_is_skipped(
    app, make_user, make_event, make_attendee, now
):
    """``X-1{n:02d}`` and ``X-{n:03d}`` are different series that meet at X-101 (and any
    certificate issued before the series were merged): the number is skipped, never printed
    twice and never an error."""
    organizer, rival = make_user(), make_user()
    theirs = make_event(owner=rival)
    design(theirs, rival, now, "X-1{n:02d}")
    make_attendee(theirs)
    (taken,) = services.issue_certificates(db.session, event=theirs, actor=rival, now=now)
    db.session.commit()
    assert taken.serial == "X-101"
    ours = make_event(owner=organizer)
    design(ours, organizer, now, "X-{n:03d}")
    counter = services._lock_counter(db.session, services.series_for("X-{n:03d}", be=2558))
    counter.last_number = 100
    db.session.commit()
    for _ in range(2):
        make_attendee(ours)
    issued = services.issue_certificates(db.session, event=ours, actor=organizer, now=now)
    db.session.commit()
    assert [(c.number, c.serial) for c in issued] == [(102, "X-102"), (103, "X-103")]


@pytest.fixture
def racing_serial(app, make_user, make_event, make_attendee, now, monkeypatch):
    """An event whose next serial another transaction printed after this one looked (the
    look-up is blinded, as when a concurrent issuer of another series commits it first)."""
    rival, organizer = make_user(), make_user()
    theirs = make_event(owner=rival)
    design(theirs, rival, now, "R-0{n:03d}")
    make_attendee(theirs)
    services.issue_certificates(db.session, event=theirs, actor=rival, now=now)  # R-0001
    ours = make_event(owner=organizer)
    design(ours, organizer, now, "R-{n:04d}")
    make_attendee(ours)
    db.session.commit()
    monkeypatch.setattr(services, "_taken_serials", lambda session, serials: set())
    return organizer, ours


def test_a_serial_taken_at_the_same_moment_is_a_conflict_not_a_500(racing_serial, now):
    organizer, event = racing_serial
    with pytest.raises(Conflict) as error:
        services.issue_certificates(db.session, event=event, actor=organizer, now=now)
    assert error.value.status == 409 and "R-0001" in str(error.value.message)
    db.session.rollback()
    assert db.session.scalar(select(Certificate).where(Certificate.serial == "R-0001")) is not None


@pytest.mark.parametrize(
    "lang, words",
    [("th", "เลขที่เกียรติบัตร R-0001"), ("en", "Serial number R-0001")],
)
def test_the_conflict_page_says_so_in_the_readers_language(racing_serial, client, login, lang, words):
    organizer, event = racing_serial
    login(organizer)
    response = client.post(f"/manage/events/{event.id}/certificates/issue?lang={lang}")
    assert response.status_code == 409
    assert words in response.get_data(as_text=True)


# --- SVG uploads ---------------------------------------------------------------------------------


def use_bomb(levels: int = 6, fan: int = 10) -> bytes:
    """A "billion laughs" of ``<use>``: each level is a group of ``fan`` uses of the level
    below; six levels of ten draw a million rectangles from 1.6 KB."""
    groups = ['<g id="l0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}" x="{i}"/>' for i in range(fan))
        groups.append(f'<g id="l{level}">{uses}</g>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        f'<defs>{"".join(groups)}</defs><use href="#l{levels}"/></svg>'
    ).encode()


def svg(inner: str, **root_attributes: str) -> bytes:
    attributes = "".join(f' {k.replace("_", ":")}="{v}"' for k, v in root_attributes.items())
    return f'<svg xmlns="http://www.w3.org/2000/svg"{attributes}>{inner}</svg>'.encode()


@pytest.mark.parametrize(
    "data, words",
    [
        (use_bomb(), "more than 50 <use>"),
        (use_bomb(levels=3, fan=3), "repeats a part that itself contains <use>"),
        (svg('<g id="a"><rect/></g><use href="#b"/><use id="b" href="#a"/>'), "itself contains <use>"),
        (svg('<rect id="r"/>' + '<use href="#r"/>' * 51), "more than 50 <use>"),
        (svg("<g>" + "<rect/>" * 5001 + "</g>"), "more than 5000 elements"),
        (svg(r"<style>@im\70ort 'http://evil.example/a.css';</style>"), "escape sequences"),
        (svg(r"<style>rect { fill: \75rl(http://evil.example/x) }</style>"), "escape sequences"),
        (svg(r'<rect style="fill: \75 rl(http://evil.example/x)"/>'), "escape sequences"),
        (svg(r"<style>@\69mport url(x.css);</style>"), "escape sequences"),
        (svg('<use href="#r"/><rect id="r"/>', xml_base="http://evil.example/"), "xml:base"),
        (svg('<g xml:base="file:///etc/"><use href="#r"/></g><rect id="r"/>'), "xml:base"),
    ],
    ids=[
        "use-bomb-6x10",
        "nested-use-3x3",
        "use-of-a-use",
        "51-uses",
        "5001-elements",
        "style-import-escape",
        "style-url-escape",
        "style-attribute-url-escape",
        "at-keyword-escape",
        "xml-base-root",
        "xml-base-group",
    ],
)
def test_svg_that_could_hang_the_renderer_or_hide_a_fetch_is_refused(tmp_path, data, words):
    """Before: all of these were accepted (the bomb's preview ran for minutes at 100 % CPU)."""
    from eventsys.certificates import uploads
    from eventsys.errors import RuleViolation

    with pytest.raises(RuleViolation) as error:
        uploads.store_image(data, files=LocalStore(tmp_path), field="logo")
    assert words in str(error.value.message) and error.value.fields.keys() == {"logo"}


def test_ordinary_svg_with_a_few_uses_is_kept(tmp_path):
    from eventsys.certificates import uploads

    logo = svg(
        '<defs><g id="leaf"><circle r="3"/><path d="M0 0 L5 5"/></g></defs>'
        + "".join(f'<use href="#leaf" x="{i * 10}"/>' for i in range(12))
        + '<style>circle { fill: #c00 }</style><rect style="fill: url(#g)"/>'
    )
    stored = (
        tmp_path / "uploads" / uploads.store_image(logo, files=LocalStore(tmp_path), field="logo")
    ).read_text()
    assert stored.count("<use") == 12 and "fill: #c00" in stored and "url(#g)" in stored


# --- PDF time limit --------------------------------------------------------------------------------


def test_a_render_that_takes_too_long_is_stopped_and_its_process_killed(tmp_path):
    """A use-bomb logo stored before the sanitizer refused it (written straight to disk):
    in-process it renders for minutes; under a 3 s limit it is stopped in about 3 s."""
    import os
    import time

    from eventsys.certificates import pdf

    (tmp_path / "bomb.svg").write_bytes(use_bomb())
    layout = pdf.CertificateLayout(
        title="เกียรติบัตร", agency="หน่วยงาน", given_line="ให้ไว้", logo_path=str(tmp_path / "bomb.svg")
    )
    normal = pdf.CertificateLayout(title="เกียรติบัตร", agency="หน่วยงาน", given_line="ให้ไว้")
    assert pdf.render_background(pdf.Renderer(time_limit=30), normal).startswith(b"%PDF")  # warm
    started = time.monotonic()
    with pytest.raises(pdf.RenderTimeout) as error:
        pdf.render_background(pdf.Renderer(allowed_dirs=(str(tmp_path),), time_limit=3), layout)
    elapsed = time.monotonic() - started
    assert 3 <= elapsed < 6 and error.value.status == 503
    killed = pdf.render_pool().last_killed
    assert killed and not os.path.exists(f"/proc/{killed}")
    assert pdf.render_background(pdf.Renderer(time_limit=30), normal).startswith(b"%PDF")  # a new child


@pytest.fixture
def app_config():
    return {"PDF_RENDER_TIMEOUT": 3.0}


@pytest.mark.parametrize("lang, words", [("th", "ใช้เวลาสร้างนานเกินไป"), ("en", "took too long to prepare")])
def test_a_preview_that_takes_too_long_answers_503_in_the_readers_language(
    app, client, login, make_user, make_event, now, lang, words
):
    import time

    organizer = make_user()
    plain, heavy = make_event(owner=organizer), make_event(owner=organizer)
    design(plain, organizer, now, "{n:04d}/{be_year}")
    current_store().put("uploads/certificates/old-bomb.svg", use_bomb())  # stored before uploads refused it
    design(heavy, organizer, now, "{n:04d}/{be_year}").logo_path = "certificates/old-bomb.svg"
    db.session.commit()
    login(organizer)
    normal = client.get(f"/manage/events/{plain.id}/certificates/preview.pdf")  # also warms a child
    assert normal.status_code == 200 and normal.data.startswith(b"%PDF")
    started = time.monotonic()
    response = client.get(f"/manage/events/{heavy.id}/certificates/preview.pdf?lang={lang}")
    assert time.monotonic() - started < 6
    assert response.status_code == 503 and words in response.get_data(as_text=True)
