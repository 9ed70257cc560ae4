"""Dates in the Buddhist Era, Thai digits, Bangkok time: pure functions, no database."""

from datetime import UTC, date, datetime

import pytest

from eventsys.i18n import arabic_digits, be_year, format_date, format_datetime, format_time, thai_digits

# 12 Nov 2015 10:00 in Bangkok is 03:00 UTC.
OPENING = datetime(2015, 11, 12, 3, 0, tzinfo=UTC)


def test_thai_date_in_buddhist_era():
    assert format_date(OPENING, locale="th") == "12 พฤศจิกายน 2558"


def test_thai_date_with_thai_digits():
    assert format_date(OPENING, locale="th", digits="thai") == "๑๒ พฤศจิกายน ๒๕๕๘"


def test_thai_time_official_style():
    assert format_time(OPENING, locale="th") == "10.00 น."
    assert format_time(OPENING, locale="th", digits="thai") == "๑๐.๐๐ น."


def test_english_date_is_gregorian():
    assert format_date(OPENING, locale="en") == "12 November 2015"
    assert format_time(OPENING, locale="en") == "10:00"
    assert format_datetime(OPENING, locale="en") == "12 November 2015, 10:00"


def test_thai_datetime_and_short_and_weekday():
    assert format_datetime(OPENING, locale="th") == "12 พฤศจิกายน 2558 เวลา 10.00 น."
    assert format_date(OPENING, locale="th", short=True) == "12 พ.ย. 2558"
    assert format_date(OPENING, locale="th", weekday=True) == "วันพฤหัสบดีที่ 12 พฤศจิกายน 2558"


def test_local_date_changes_across_midnight():
    late_utc = datetime(2015, 11, 11, 18, 30, tzinfo=UTC)  # 01:30 on the 12th in Bangkok
    assert format_date(late_utc, locale="th") == "12 พฤศจิกายน 2558"
    assert format_date(late_utc, locale="en", tz="UTC") == "11 November 2015"


def test_plain_dates_and_be_year():
    assert be_year(date(2026, 1, 1)) == 2569
    assert format_date(date(2015, 11, 12), locale="th") == "12 พฤศจิกายน 2558"
    assert format_date(None) == ""


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        format_date(datetime(2015, 11, 12, 10, 0))


def test_digit_conversion_round_trip():
    assert thai_digits("0123456789") == "๐๑๒๓๔๕๖๗๘๙"
    assert arabic_digits("๐๘๑-๒๓๔-๕๖๗๘") == "081-234-5678"
