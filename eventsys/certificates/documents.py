"""Other printed documents of an event, through the same PDF pipeline: name badges, the
paper sign-in sheet (ใบลงทะเบียน) and the attendance report. Plain functions; no Flask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from math import floor

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys import qr
from eventsys.certificates import pdf
from eventsys.certificates.models import Certificate
from eventsys.checkin.models import CheckIn
from eventsys.errors import NotFound
from eventsys.events.models import AgendaSession, Event
from eventsys.i18n import THAI_MONTHS, THAI_WEEKDAYS, be_year, format_date, format_time, to_local
from eventsys.registration.models import Registration, RegistrationStatus
from eventsys.volunteers.models import Volunteer
from eventsys.volunteers.thai import format_phone, province_name


@dataclass(frozen=True)
class LabelSize:
    """A badge size: on A4 sheets (columns × rows) or one badge per page (``single``)."""

    label: str  #: in the reader's language (a lazy string)
    width_mm: float
    height_mm: float
    columns: int = 1
    rows: int = 1
    single: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


#: common label stock (Avery/A-One sizes on A4) and a single CR80 card-sized badge
LABEL_SIZES = {
    "a4-8": LabelSize(_l("A4, 8 per sheet (105 × 74 mm)"), 105, 74.25, 2, 4),
    "a4-10": LabelSize(_l("A4, 10 per sheet (90 × 55 mm, business card)"), 90, 55, 2, 5),
    "a4-14": LabelSize(_l("A4, 14 per sheet (99.1 × 38.1 mm)"), 99.1, 38.1, 2, 7),
    "single": LabelSize(_l("One badge per page (86 × 54 mm card)"), 86, 54, single=True),
}
#: blank rows at the end of a sign-in sheet for walk-ins
WALK_IN_ROWS = 5


def confirmed_registrations(session, *, event: Event) -> list[Registration]:
    """Confirmed registrations in Thai name order (first name, then last name)."""
    return list(
        session.scalars(
            select(Registration)
            .join(Volunteer, Volunteer.id == Registration.volunteer_id)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Volunteer.sort_key, Volunteer.first_name, Volunteer.last_name, Registration.id)
        )
    )


def _person_row(volunteer: Volunteer) -> dict[str, str]:
    """What paper may show of a person: never the national ID."""
    organization = volunteer.organization
    if volunteer.network_type and volunteer.network_type not in organization:
        organization = (
            f"{organization} / {volunteer.network_type}" if organization else volunteer.network_type
        )
    return {
        "name": volunteer.full_name,
        "organization": organization,
        "position": volunteer.position,
        "province": province_name(volunteer.province_code) if volunteer.province_code else "",
    }


def badges_pdf(
    session,
    *,
    event: Event,
    size: str,
    token_for: Callable[[str], str],
    upload_dir: str,
    time_limit: float | None = None,
) -> bytes:
    """Name badges with the ticket QR (``token_for(ticket_secret)`` is what the scanner reads)."""
    label = LABEL_SIZES.get(size) or LABEL_SIZES["a4-8"]
    badges = [
        {**_person_row(r.volunteer), "qr": qr.png_data_uri(token_for(r.ticket_secret))}
        for r in confirmed_registrations(session, event=event)
    ]
    pages = [badges[i : i + label.per_page] for i in range(0, len(badges), label.per_page)] or [[]]
    paper = f"{label.width_mm}mm {label.height_mm}mm" if label.single else "A4-portrait"
    margin_x = 0 if label.single else (210 - label.columns * label.width_mm) / 2
    margin_y = 0 if label.single else (297 - label.rows * label.height_mm) / 2
    return pdf.Renderer(allowed_dirs=(upload_dir,), time_limit=time_limit).write_pdf(
        "badges.html",
        paper=paper,
        event=event,
        label=label,
        pages=pages,
        margin_x=margin_x,
        margin_y=margin_y,
        qr_mm=min(label.height_mm - 9, 30),
    )


def _event_header(event: Event) -> dict[str, str]:
    start = event.starts_at
    return {
        "title": event.title,
        "unit": event.organizer_unit,
        "venue": event.venue,
        "date": format_date(start, locale="th", weekday=True),
        "time": f"{format_time(event.starts_at)} – {format_time(event.ends_at)}",
    }


#: the sign-in sheet's page: portrait A4; the left margin leaves room for the finance
#: office's hole punch. The template's @page rule uses these numbers.
SIGNIN_MARGINS_MM = {"top": 12.0, "right": 10.0, "bottom": 15.0, "left": 15.0}
SIGNIN_CONTENT_WIDTH_MM = 210.0 - SIGNIN_MARGINS_MM["left"] - SIGNIN_MARGINS_MM["right"]
#: noon and the end of the lunch hour, Bangkok time: an event (or day) that starts before
#: NOON and ends after AFTERNOON has a morning and an afternoon signature column
NOON = time(12, 0)
AFTERNOON = time(13, 0)


@dataclass(frozen=True)
class SigninColumn:
    key: str
    heading: str
    width_mm: float


def is_full_day(starts_at: datetime, ends_at: datetime) -> bool:
    """Morning and afternoon: starts before 12.00 and ends after 13.00 (Bangkok time) on its
    first day, or lasts into a later day. A morning that runs late into lunch is not a full day."""
    start, end = to_local(starts_at), to_local(ends_at)
    if end.date() > start.date():
        return True
    return start.time() < NOON and end.time() > AFTERNOON


def signin_columns(*, phone: bool, full_day: bool) -> list[SigninColumn]:
    """The columns the finance office files, sized to fill the printable width exactly:
    fixed widths for number, phone, signatures and remarks; the text columns share the rest."""
    fixed = [SigninColumn("num", "ลำดับ", 11.0)]
    signatures = (
        [SigninColumn("sign_morning", "เช้า", 25.0), SigninColumn("sign_afternoon", "บ่าย", 25.0)]
        if full_day
        else [SigninColumn("sign", "ลายมือชื่อ", 34.0)]
    )
    tail = [*([SigninColumn("phone", "โทรศัพท์", 24.0)] if phone else []), *signatures]
    tail.append(SigninColumn("remark", "หมายเหตุ", 17.0))
    # (key, heading, least width in mm, share of what is left after every least width)
    flexible = (
        ("name", "ชื่อ–สกุล", 24, 30), ("position", "ตำแหน่ง", 15, 7),
        ("organization", "หน่วยงาน/เครือข่าย", 22, 33), ("province", "จังหวัด", 16, 30),
    )  # fmt: skip
    spare = SIGNIN_CONTENT_WIDTH_MM - sum(c.width_mm for c in (*fixed, *tail)) - sum(f[2] for f in flexible)
    shares = sum(f[3] for f in flexible)
    # rounded down, so the columns never add up to more than the page holds
    shared = [
        SigninColumn(key, text, round(least + floor(spare * share / shares * 100) / 100, 2))
        for key, text, least, share in flexible
    ]
    return [*fixed, *shared, *tail]


def _thai_date(value: datetime, *, weekday: bool) -> str:
    """ "วันพฤหัสบดีที่ 12 พฤศจิกายน พ.ศ. 2558": day, full month, B.E. year with its era."""
    local = to_local(value)
    text = f"{local.day} {THAI_MONTHS[local.month - 1]} พ.ศ. {be_year(local)}"
    return f"วัน{THAI_WEEKDAYS[local.weekday()]}ที่ {text}" if weekday else text


def thai_date_span(starts_at: datetime, ends_at: datetime) -> str:
    """One day with its weekday, or "ระหว่างวันที่ 12 – 13 พฤศจิกายน พ.ศ. 2558" for several."""
    start, end = to_local(starts_at), to_local(ends_at)
    if start.date() == end.date():
        return _thai_date(starts_at, weekday=True)
    if (start.year, start.month) == (end.year, end.month):
        return f"ระหว่างวันที่ {start.day} – {_thai_date(ends_at, weekday=False)}"
    if start.year == end.year:
        return f"ระหว่างวันที่ {start.day} {THAI_MONTHS[start.month - 1]} – {_thai_date(ends_at, weekday=False)}"
    return f"ระหว่างวันที่ {_thai_date(starts_at, weekday=False)} – {_thai_date(ends_at, weekday=False)}"


def _time_span(starts_at: datetime, ends_at: datetime) -> str:
    """ "09.00 – 16.00 น." """
    return f"{to_local(starts_at):%H.%M} – {format_time(ends_at)}"


def signin_sheet_pdf(
    session, *, event: Event, session_id: int | None, upload_dir: str, time_limit: float | None = None
) -> bytes:
    """The sign-in sheet (ใบลงทะเบียน) of the whole event or of one agenda session, on portrait
    A4: the heading (event, B.E. date, venue, organizing unit) and the column headings on every
    page, "หน้า 1/3" at the foot. Morning and afternoon signature columns for a full-day event,
    one for an agenda session; a phone column only when the event asks for it. NotFound for a
    session of another event."""
    agenda_session = None
    if session_id is not None:
        agenda_session = session.get(AgendaSession, session_id)
        if agenda_session is None or agenda_session.event_id != event.id:
            raise NotFound("No such session.")
    when = agenda_session or event
    columns = signin_columns(
        phone=event.signin_shows_phone,
        full_day=agenda_session is None and is_full_day(event.starts_at, event.ends_at),
    )
    rows = [
        {**_person_row(r.volunteer), "phone": format_phone(r.volunteer.phone or "")}
        for r in confirmed_registrations(session, event=event)
    ]
    header = {
        "title": event.title,
        "session": agenda_session.title if agenda_session else "",
        "date": thai_date_span(when.starts_at, when.ends_at),
        "time": _time_span(when.starts_at, when.ends_at),
        "venue": event.venue,
        "room": agenda_session.room if agenda_session else "",
        "unit": event.organizer_unit,
    }
    return pdf.Renderer(allowed_dirs=(upload_dir,), time_limit=time_limit).write_pdf(
        "signin.html",
        paper="A4-portrait",
        header=header,
        columns=columns,
        rows=rows,
        blank_rows=WALK_IN_ROWS,
        margins=SIGNIN_MARGINS_MM,
    )


def attendance(session, *, event: Event) -> dict:
    """Counts and the list of attendees, for the event's file."""
    registrations = confirmed_registrations(session, event=event)
    ids = [r.id for r in registrations]
    check_ins: dict[int, list[CheckIn]] = {}
    if ids:
        for check_in in session.scalars(select(CheckIn).where(CheckIn.registration_id.in_(ids))):
            check_ins.setdefault(check_in.registration_id, []).append(check_in)
    per_session = {
        s.id: session.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.session_id == s.id)) or 0
        for s in event.sessions
    }
    certificates = {
        c.registration_id: c
        for c in session.scalars(select(Certificate).where(Certificate.registration_id.in_(ids or [-1])))
    }
    people = []
    for registration in registrations:
        scans = check_ins.get(registration.id, [])
        arrived = [c.checked_in_at for c in scans if c.session_id is None]
        certificate = certificates.get(registration.id)
        people.append(
            {
                **_person_row(registration.volunteer),
                "arrived": format_time(arrived[0]) if arrived else "",
                "sessions": sum(1 for c in scans if c.session_id is not None),
                "certificate": certificate.serial if certificate and certificate.is_valid else "",
            }
        )
    return {
        "confirmed": len(registrations),
        "checked_in": sum(1 for p in people if p["arrived"]),
        "sessions": [(s.title, per_session[s.id]) for s in event.sessions],
        "certificates": sum(1 for c in certificates.values() if c.is_valid),
        "people": people,
    }


def attendance_pdf(
    session, *, event: Event, upload_dir: str, now: datetime, time_limit: float | None = None
) -> bytes:
    return pdf.Renderer(allowed_dirs=(upload_dir,), time_limit=time_limit).write_pdf(
        "attendance.html",
        paper="A4-portrait",
        header=_event_header(event),
        report=attendance(session, event=event),
        printed=format_date(now, locale="th"),
    )
