"""Language selection and the date, time and digit formats shown to readers.

Thai readers see Buddhist Era years (C.E. + 543), Thai month names and "10.00 น." times;
certificates may ask for Thai digits. English readers see the Gregorian calendar. The
formatting functions are pure (no Flask); ``init_app`` wires them into Jinja and Babel.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
BE_OFFSET = 543
_TO_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
DEFAULT_TIMEZONE = "Asia/Bangkok"


def thai_digits(text: object) -> str:
    """Write the Arabic digits of ``text`` as Thai digits (๐–๙)."""
    return str(text).translate(_TO_THAI_DIGITS)


def arabic_digits(text: str) -> str:
    """Write Thai digits as Arabic ones: do this before validating any typed number."""
    return text.translate(_TO_ARABIC_DIGITS)


def be_year(value: date | datetime) -> int:
    """The Buddhist Era year of a date."""
    return value.year + BE_OFFSET


def to_local(value: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """A stored UTC time as wall-clock time in ``tz`` (naive values are taken as UTC)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(ZoneInfo(tz))


def _localise(value: date | datetime, tz: str) -> date | datetime:
    return to_local(value, tz) if isinstance(value, datetime) else value


def format_date(
    value: date | datetime | None,
    *,
    locale: str = "th",
    digits: str = "arabic",
    short: bool = False,
    weekday: bool = False,
    tz: str = DEFAULT_TIMEZONE,
) -> str:
    """ "12 พฤศจิกายน 2558" (``locale='th'``), or "12 November 2015" (``'en'``).

    ``digits='thai'`` gives "๑๒ พฤศจิกายน ๒๕๕๘"; ``short`` uses "12 พ.ย. 2558".
    """
    if value is None:
        return ""
    local = _localise(value, tz)
    if locale == "th":
        months = THAI_MONTHS_SHORT if short else THAI_MONTHS
        text = f"{local.day} {months[local.month - 1]} {be_year(local)}"
        if weekday:
            text = f"วัน{THAI_WEEKDAYS[local.weekday()]}ที่ {text}"
    else:
        month = ENGLISH_MONTHS[local.month - 1]
        text = f"{local.day} {month[:3] if short else month} {local.year}"
        if weekday:
            text = f"{local.strftime('%A')}, {text}"
    return thai_digits(text) if digits == "thai" else text


def format_time(
    value: datetime | None,
    *,
    locale: str = "th",
    digits: str = "arabic",
    tz: str = DEFAULT_TIMEZONE,
) -> str:
    """ "10.00 น." in Thai (the official style), "10:00" in English."""
    if value is None:
        return ""
    local = to_local(value, tz)
    text = f"{local:%H.%M} น." if locale == "th" else f"{local:%H:%M}"
    return thai_digits(text) if digits == "thai" else text


def format_datetime(
    value: datetime | None,
    *,
    locale: str = "th",
    digits: str = "arabic",
    tz: str = DEFAULT_TIMEZONE,
) -> str:
    """Date and time together: "12 พฤศจิกายน 2558 เวลา 10.00 น." / "12 November 2015, 10:00"."""
    if value is None:
        return ""
    day = format_date(value, locale=locale, digits=digits, tz=tz)
    time = format_time(value, locale=locale, digits=digits, tz=tz)
    return f"{day} เวลา {time}" if locale == "th" else f"{day}, {time}"


# --- Flask wiring ---------------------------------------------------------------------------

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The reader's language: ``?lang=``, then the remembered choice, then the default."""
    from flask import current_app, has_request_context, request

    if not has_request_context():  # CLI commands, jobs, service tests
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in languages:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _labels() -> dict[str, object]:
    """Reader-facing names of stored enum values (roles, statuses, sources, methods)."""
    from flask_babel import lazy_gettext as _l

    return {
        "admin": _l("Administrator"),
        "organizer": _l("Organizer"),
        "staff": _l("Door staff"),
        "draft": _l("Draft"),
        "published": _l("Published"),
        "closed": _l("Closed"),
        "archived": _l("Archived"),
        "pending": _l("Awaiting approval"),
        "confirmed": _l("Confirmed"),
        "waitlisted": _l("Waitlisted"),
        "cancelled": _l("Cancelled"),
        "rejected": _l("Rejected"),
        # how a person was checked in (checkin.models.CheckInMethod)
        "camera": _l("Camera scan"),
        "scanner": _l("Barcode scanner"),
        "search": _l("Search by name"),
        "kiosk": _l("Kiosk"),
        "walk_in": _l("Walk-in"),
        "api": _l("Another system (API)"),
        # why a message was sent (registration.deliveries; the statuses above cover the rest)
        "promoted": _l("Moved up from the waiting list"),
        "approved": _l("Approved"),
        "code": _l("One-time code"),
        "contact_changed": _l("Contact details changed"),
        "link": _l("Manage link"),
        "review_rejected": _l("Identity check rejected"),
    }


def label(value: object) -> str:
    """The translated name of an enum value, or the value itself if it has none."""
    key = getattr(value, "value", value)
    return str(_labels().get(str(key), key))


def init_app(app) -> None:
    """Register the Jinja filters that every template uses for dates, times and digits."""
    from flask_babel import get_locale
    from markupsafe import Markup

    from eventsys.volunteers.models import network_label
    from eventsys.volunteers.thai import format_phone

    def _locale() -> str:
        return str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])

    def _tz() -> str:
        return app.config["BABEL_DEFAULT_TIMEZONE"]

    app.jinja_env.filters["date"] = lambda v, **kw: format_date(v, locale=_locale(), tz=_tz(), **kw)
    app.jinja_env.filters["time"] = lambda v, **kw: format_time(v, locale=_locale(), tz=_tz(), **kw)
    app.jinja_env.filters["datetime"] = lambda v, **kw: format_datetime(v, locale=_locale(), tz=_tz(), **kw)
    app.jinja_env.filters["thai_digits"] = thai_digits
    # "0834567803" → "083-456-7803", as people write and read it
    app.jinja_env.filters["phone"] = lambda v: format_phone(v) if v else ""
    app.jinja_env.globals["current_locale"] = _locale
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    # a command to type, in no language: set as code inside a translated sentence
    app.jinja_env.globals["command"] = lambda text: Markup("<code>{}</code>").format(text)
    app.jinja_env.globals["network_label"] = network_label
