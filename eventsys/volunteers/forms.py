"""Forms of the volunteer pages: shape only; the registry's rules live in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventsys.forms import LANGUAGE_CHOICES, Form
from eventsys.volunteers import thai


def province_choices() -> list[tuple[str, str]]:
    from flask_babel import get_locale

    english = str(get_locale()) == "en"
    provinces = sorted(thai.PROVINCES, key=lambda p: p.en if english else thai.collation_key(p.th))
    return [SelectChoice("", _l("— choose —"))] + [
        SelectChoice(p.code, p.en if english else p.th) for p in provinces
    ]


class VolunteerForm(Form):
    prefix = StringField(_l("Title"), validators=[Length(max=80)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Last name"), validators=[Length(max=120)])
    first_name_en = StringField(_l("First name (English)"), validators=[Length(max=120)])
    last_name_en = StringField(_l("Last name (English)"), validators=[Length(max=120)])
    national_id = StringField(_l("National ID"), validators=[Length(max=40)])
    passport_no = StringField(_l("Passport number (people without a Thai ID)"), validators=[Length(max=40)])
    phone = StringField(_l("Phone"), validators=[Length(max=30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    province = SelectField(_l("Province"), choices=[], validate_choice=False)
    district = StringField(_l("District"), validators=[Length(max=120)])
    organization = StringField(_l("Organization"), validators=[Length(max=300)])
    position = StringField(_l("Position or status (e.g. OSM volunteer)"), validators=[Length(max=200)])
    network_type = StringField(_l("Network type"), validators=[Length(max=60)])
    language = SelectField(_l("Language for e-mail"), choices=LANGUAGE_CHOICES)
    consent = BooleanField(_l("The person has been given the privacy notice"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = province_choices()


class ImportForm(Form):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired()])
    submit = SubmitField(_l("Preview"))


class ImportStartForm(Form):
    token = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[Length(max=200)])
    submit = SubmitField(_l("Import"))


class MergeForm(Form):
    keep = HiddenField(validators=[DataRequired()])
    drop = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Merge"))
