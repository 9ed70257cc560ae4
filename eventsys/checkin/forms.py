"""The walk-in form: register a person at the door and check them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TelField
from wtforms.validators import DataRequired, Length, Optional


class WalkInForm(FlaskForm):
    prefix = StringField(_l("Title"), validators=[Optional(), Length(max=80)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=120)])
    national_id = StringField(_l("National ID number"), validators=[Optional(), Length(max=30)])
    phone = TelField(_l("Mobile phone"), validators=[DataRequired(), Length(max=30)])
    province = StringField(_l("Province"), validators=[Optional(), Length(max=80)])
    organization = StringField(_l("Organization or agency"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Register and check in"))
    #: the record on file the staff member compared with the ID card (second step)
    confirm_volunteer = HiddenField()
    update_contact = BooleanField(
        _l("Replace the phone number on file with the one typed (the old number is told)")
    )
