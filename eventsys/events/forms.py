"""Organizer forms: event settings, agenda items, questions, staff."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from eventsys.events.models import QuestionKind
from eventsys.forms import Form
from eventsys.i18n import BE_OFFSET, arabic_digits

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
#: a typed year from this one on is a Buddhist-era year (2400 B.E. = 1857 C.E.)
BE_YEARS_FROM = 2400
_YEAR = re.compile(r"^\s*(\d{4,})(-.*)$")


def gregorian_text(text: str) -> str:
    """A typed date-time with Thai digits made Arabic and a Buddhist-era year (>= 2400)
    made Gregorian, before parsing: Thai organizers type 2570 for 2027. Converting the text
    (not the parsed date) keeps 29 February of a B.E. leap year."""
    text = arabic_digits(text)
    match = _YEAR.match(text)
    if match and int(match.group(1)) >= BE_YEARS_FROM:
        return f"{int(match.group(1)) - BE_OFFSET:04d}{match.group(2)}"
    return text.strip()


class LocalDateTimeField(DateTimeLocalField):
    """A ``datetime-local`` input that also takes a Buddhist-era year and Thai digits.

    Whether the date is plausible (not before 2000, not years ahead, the end after the start)
    is the service's rule (``events.services``), so the API and the forms say the same.
    """

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata([gregorian_text(value) for value in valuelist])


def local_to_utc(value: datetime | None, tz: str) -> datetime | None:
    """A wall-clock time typed in the event's timezone, as an aware datetime."""
    return value.replace(tzinfo=ZoneInfo(tz)) if value else None


def utc_to_local(value: datetime | None, tz: str) -> datetime | None:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None) if value else None


class EventForm(Form):
    title = StringField(_l("Event title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    starts_at = LocalDateTimeField(_l("Starts at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends_at = LocalDateTimeField(_l("Ends at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    map_url = StringField(_l("Map link"), validators=[Optional(), Length(max=500)])
    organizer_unit = StringField(_l("Organizing unit"), validators=[Optional(), Length(max=300)])
    capacity = IntegerField(_l("Capacity (seats)"), validators=[Optional(), NumberRange(min=0, max=100000)])
    registration_opens_at = LocalDateTimeField(
        _l("Registration opens"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    registration_closes_at = LocalDateTimeField(
        _l("Registration closes"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    waitlist_enabled = BooleanField(_l("Waiting list when full"), default=True)
    requires_approval = BooleanField(_l("Registrations need my approval"))
    signin_shows_phone = BooleanField(_l("Phone number column on the printed sign-in sheet"))
    submit = SubmitField(_l("Save"))


class SessionForm(Form):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=300)])
    starts_at = LocalDateTimeField(_l("Starts at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends_at = LocalDateTimeField(_l("Ends at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=200)])
    speakers = StringField(_l("Speakers"), validators=[Optional(), Length(max=500)])
    capacity = IntegerField(_l("Capacity (seats)"), validators=[Optional(), NumberRange(min=0, max=100000)])
    submit = SubmitField(_l("Add to the agenda"))


QUESTION_KINDS = [
    SelectChoice(QuestionKind.SHORT_TEXT.value, _l("Short text")),
    SelectChoice(QuestionKind.LONG_TEXT.value, _l("Long text")),
    SelectChoice(QuestionKind.SINGLE_CHOICE.value, _l("Single choice")),
    SelectChoice(QuestionKind.MULTIPLE_CHOICE.value, _l("Multiple choice")),
    SelectChoice(QuestionKind.YES_NO.value, _l("Yes / no")),
]


class QuestionForm(Form):
    label = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    kind = SelectField(_l("Kind of answer"), choices=QUESTION_KINDS)
    options = TextAreaField(
        _l("Options (one per line, for choices)"), validators=[Optional(), Length(max=5000)]
    )
    is_required = BooleanField(_l("An answer is required"))
    submit = SubmitField(_l("Add the question"))


class DeleteEventForm(Form):
    confirm = BooleanField(
        _l("Yes, delete this draft and its agenda and questions"), validators=[DataRequired()]
    )
    submit = SubmitField(_l("Delete the draft"))


class StaffForm(Form):
    email = EmailField(_l("Staff e-mail"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Assign"))
