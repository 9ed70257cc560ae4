"""The optional-consent boxes (on the registration form and the manage page) and the admins'
form for a new version of the privacy notice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventsys.forms import Form
from eventsys.privacy.models import PURPOSES


class OptionalConsentFields:
    """One unticked box per optional use; mixed into a Form."""

    consent_photos = BooleanField(
        _l("Photos of me taken at the event may be published (website, Facebook page, reports).")
    )
    consent_news_email = BooleanField(_l("Send me news of future workshops and activities by e-mail."))
    consent_news_line = BooleanField(_l("Send me news of future workshops and activities by LINE."))

    def optional_consents(self) -> set[str]:
        """The purposes whose box is ticked."""
        return {purpose for purpose in PURPOSES if getattr(self, f"consent_{purpose}").data}


class ConsentForm(OptionalConsentFields, Form):
    """The manage page's boxes: exactly the consents the person keeps."""

    submit = SubmitField(_l("Save my choices"))


def consent_form_for(purposes: set[str], **kwargs) -> ConsentForm:
    """The manage page's form with the boxes of ``purposes`` ticked."""
    return ConsentForm(**{f"consent_{purpose}": purpose in purposes for purpose in PURPOSES}, **kwargs)


class NoticeForm(Form):
    version = StringField(
        _l("Version"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("e.g. 2026-12-v2; it cannot be changed later."),
    )
    data_controller = StringField(_l("Data controller"), validators=[DataRequired(), Length(max=300)])
    dpo_contact = StringField(
        _l("Data protection officer's contact"), validators=[DataRequired(), Length(max=500)]
    )
    retention = StringField(_l("Retention period"), validators=[DataRequired(), Length(max=500)])
    body_th = TextAreaField(
        _l("Notice in Thai"), validators=[DataRequired(), Length(max=20000)], render_kw={"lang": "th"}
    )
    body_en = TextAreaField(
        _l("Notice in English"), validators=[Optional(), Length(max=20000)], render_kw={"lang": "en"}
    )
    submit = SubmitField(_l("Publish this version"))
