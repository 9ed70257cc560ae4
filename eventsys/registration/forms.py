"""The public registration form (with the event's own questions) and the manage-link forms."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventsys.events.models import Event, Question, QuestionKind
from eventsys.forms import LANGUAGE_CHOICES, Form
from eventsys.privacy.forms import OptionalConsentFields
from eventsys.volunteers import thai
from eventsys.volunteers.models import NETWORK_TYPES


def province_choices(locale: str) -> list[tuple[str, str]]:
    provinces = sorted(thai.PROVINCES, key=lambda p: thai.collation_key(p.th) if locale == "th" else p.en)
    return [SelectChoice("", _l("Choose a province"))] + [
        SelectChoice(p.code, p.th if locale == "th" else p.en) for p in provinces
    ]


def prefix_choices(locale: str) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (p.code, p.th if locale == "th" else p.en) for p in thai.PREFIXES if p.code != "other"
    ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuestionFields:
    """An event's questions as fields of a form (added by ``with_questions``), shared by the
    public registration form and the walk-in form so both ask them the same way."""

    #: names of the question fields, in the event's order
    question_fields: list[tuple[str, Question]] = []

    def answers(self) -> dict:
        return {question.key: getattr(self, name).data for name, question in self.question_fields}

    def place_errors(self, fields: Mapping[str, object]) -> list[str]:
        """Put each message of a RuleViolation's ``fields`` on its field (``answers.<key>``
        on its question's field); returns the messages no field of this form can show, for
        the caller to flash, so no error is ever dropped."""
        names = {f"answers.{question.key}": name for name, question in self.question_fields}
        left: list[str] = []
        for key, message in fields.items():
            field = getattr(self, names.get(key, key), None)
            if field is not None and hasattr(field, "errors"):
                shown = field.errors if isinstance(field.errors, list) else []
                field.errors = [*shown, str(message)]
            else:
                left.append(str(message))
        return left


def with_questions(form_class: type, event: Event) -> type:
    """A subclass of ``form_class`` with one field per question of ``event``, in order.

    A required question is required here too (the service checks it again); optional ones
    may be left empty. YES_NO is a radio pair, so "required" means "choose yes or no".
    """

    class EventForm(form_class):
        pass

    fields = []
    for question in event.questions:
        name = f"q_{question.key}"
        validators = (
            [DataRequired()]
            if question.is_required and question.kind != QuestionKind.YES_NO
            else [Optional()]
        )
        if question.kind == QuestionKind.SHORT_TEXT:
            field = StringField(question.label, validators=[*validators, Length(max=300)])
        elif question.kind == QuestionKind.LONG_TEXT:
            field = TextAreaField(question.label, validators=[*validators, Length(max=3000)])
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            field = RadioField(
                question.label, choices=[SelectChoice(o, o) for o in question.options], validators=validators
            )
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            field = MultiCheckboxField(question.label, choices=[SelectChoice(o, o) for o in question.options])
        else:
            field = RadioField(
                question.label,
                choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                validators=[DataRequired()] if question.is_required else [Optional()],
            )
        setattr(EventForm, name, field)
        fields.append((name, question))
    EventForm.question_fields = fields
    return EventForm


class RegistrationForm(QuestionFields, OptionalConsentFields, Form):
    """The person's details, the event's questions, and the optional-consent boxes
    (``optional_consents()``)."""

    prefix = SelectField(_l("Title"), validate_choice=False)
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=120)])
    national_id = StringField(_l("National ID number"), validators=[Optional(), Length(max=30)])
    passport_no = StringField(
        _l("Passport number (if you have no Thai ID)"), validators=[Optional(), Length(max=30)]
    )
    phone = TelField(_l("Mobile phone"), validators=[DataRequired(), Length(max=30)])
    email = EmailField(_l("E-mail (for your ticket)"), validators=[Optional(), Length(max=254)])
    province = SelectField(_l("Province"), validators=[DataRequired()], validate_choice=False)
    organization = StringField(_l("Organization or agency"), validators=[Optional(), Length(max=300)])
    network_type = SelectField(_l("Network"), validate_choice=False)
    submit = SubmitField(_l("Register"))


def registration_form_for(event: Event, locale: str, **kwargs) -> RegistrationForm:
    """The registration form with one extra field per question of ``event``, in order."""
    form = with_questions(RegistrationForm, event)(**kwargs)
    form.prefix.choices = prefix_choices(locale)
    form.province.choices = province_choices(locale)
    form.network_type.choices = (
        [SelectChoice("", "—")]
        + [SelectChoice(code, label) for code, label in NETWORK_TYPES.items()]
        + [SelectChoice("other", _l("Other"))]
    )
    return form


class ContactForm(Form):
    phone = TelField(_l("Mobile phone"), validators=[DataRequired(), Length(max=30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    organization = StringField(_l("Organization or agency"), validators=[Optional(), Length(max=300)])
    language = SelectField(_l("Language for e-mail"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save my details"))


class CodeForm(Form):
    """The one-time code sent to a contact on file."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Confirm"))


class LostTicketForm(Form):
    """Ask for one's manage link again, by something already on file."""

    lookup = StringField(
        _l("National ID, mobile phone or e-mail"), validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField(_l("Send me my link"))
