"""Forms of the certificate pages: the design, revoking, bulk downloads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventsys.forms import Form, SubForm


class SignatoryForm(SubForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=300)])
    signature = FileField(_l("Signature image (PNG, JPEG or SVG)"))
    remove_signature = BooleanField(_l("Remove the signature image"))


class DesignForm(Form):
    title = StringField(
        _l("Heading of the document (e.g. Certificate of Participation)"),
        validators=[DataRequired(), Length(max=200)],
    )
    body = TextAreaField(_l("Body text"), validators=[DataRequired(), Length(max=2000)])
    language = SelectField(
        _l("Language of the certificate"),
        choices=[SelectChoice("th", _l("Thai")), SelectChoice("en", _l("English"))],
    )
    use_thai_digits = BooleanField(_l("Write numbers with Thai digits (๑๒๓)"))
    paper = SelectField(
        _l("Paper"),
        choices=[
            SelectChoice("A4-landscape", _l("A4 landscape")),
            SelectChoice("A4-portrait", _l("A4 portrait")),
        ],
    )
    hours = IntegerField(_l("Hours"), validators=[Optional(), NumberRange(min=1, max=1000)])
    serial_pattern = StringField(_l("Serial number pattern"), validators=[DataRequired(), Length(max=100)])
    eligibility = RadioField(
        _l("Who receives a certificate"),
        choices=[
            SelectChoice("event", _l("Everyone checked in to the event")),
            SelectChoice("min_sessions", _l("People checked in to at least this many sessions")),
            SelectChoice("sessions", _l("People checked in to all of the sessions ticked below")),
        ],
        default="event",
    )
    min_sessions = IntegerField(_l("Minimum number of sessions"), validators=[Optional(), NumberRange(min=1)])
    session_ids = SelectMultipleField(
        _l("Sessions"), coerce=int, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    logo = FileField(_l("Logo (PNG, JPEG or SVG)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    background = FileField(_l("Background image (PNG, JPEG or SVG)"))
    remove_background = BooleanField(_l("Remove the background"))
    signatories = FieldList(FormField(SignatoryForm), min_entries=3, max_entries=3)


class IssueForm(Form):
    confirm_early = BooleanField(_l("Issue now anyway, before the event has ended"))


class RevokeForm(Form):
    reason = StringField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=500)])


class BulkForm(Form):
    output = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("zip", _l("ZIP of one PDF per person")),
            SelectChoice("pdf", _l("One PDF for printing")),
        ],
    )
