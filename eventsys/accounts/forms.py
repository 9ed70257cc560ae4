"""Forms for logging in and out, passwords, and managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from eventsys.accounts.models import Role
from eventsys.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class SubmitOnlyForm(Form):
    """A form with only a CSRF token and a button: every state-changing button is a POST."""

    submit = SubmitField()


class ChangePasswordForm(Form):
    """A user's own new password; the current one proves it is them."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


def _role_choices() -> list[tuple[str, str]]:
    from eventsys.i18n import label

    return [(role.value, label(role)) for role in Role]


class NewUserForm(Form):
    """An admin adds an account; a one-time password is made for it."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    submit = SubmitField(_l("Add account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class RoleForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    submit = SubmitField(_l("Change role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()
