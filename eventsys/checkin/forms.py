"""The walk-in form: register a person at the door and check them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TelField
from wtforms.validators import DataRequired, Length, Optional

from eventsys.events.models import Event
from eventsys.forms import Form
from eventsys.registration.forms import QuestionFields, prefix_choices, province_choices, with_questions


class WalkInForm(QuestionFields, Form):
    """What the door asks: fewer details than the public form (staff see the ID card;
    province optional), the same title and province lists, and the event's questions
    (``walk_in_form_for``): required ones required, optional ones may be skipped."""

    prefix = SelectField(_l("Title"), validate_choice=False)
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=120)])
    national_id = StringField(_l("National ID number"), validators=[Optional(), Length(max=30)])
    phone = TelField(_l("Mobile phone"), validators=[DataRequired(), Length(max=30)])
    province = SelectField(_l("Province"), validators=[Optional()], validate_choice=False)
    organization = StringField(_l("Organization or agency"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Register and check in"))
    #: the record on file the staff member compared with the ID card (second step)
    confirm_volunteer = HiddenField()
    update_contact = BooleanField(
        _l("Replace the phone number on file with the one typed (the old number is told)")
    )


def walk_in_form_for(event: Event, locale: str, **kwargs) -> WalkInForm:
    """The walk-in form with the event's questions and the public form's lists.

    ``validate_choice`` stays off on the lists: a title or province typed by name (an older
    page, a script) is resolved by the volunteer service, which refuses unknown provinces.
    """
    form = with_questions(WalkInForm, event)(**kwargs)
    form.prefix.choices = prefix_choices(locale)
    form.province.choices = province_choices(locale)
    return form
