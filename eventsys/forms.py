"""The base of every form: WTForms' own messages in the reader's language, naming the field.

WTForms ships no Thai, and its messages ("This field is required.") never say which field is
meant, which on a long form leaves the reader hunting. Each field gets a translations object
that knows its label (``FieldMessagesMeta.bind_field``), so a built-in message becomes
"กรุณากรอกชื่อ" or "ชื่อ: ยาวได้ไม่เกิน 120 ตัวอักษร" through our Flask-Babel catalog, with no
``message=`` on any validator. A message not in the table falls back to WTForms' own; a test
renders every form in Thai and fails on any English left.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from flask_wtf.form import _Auto as _AUTO  # Flask-WTF's "read the form data from the request"
from wtforms import BooleanField
from wtforms import Form as PlainForm
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.meta import DefaultMeta

#: WTForms' message → (ours for a typed field, ours for a field one chooses, is formatted after)
#: "formatted" messages go through ``%`` (or ``.format``) in WTForms once returned, so the label
#: put into them is escaped for it.
#: the languages e-mail can be written in, each named in itself and marked as such (screen
#: readers, and the page-language test, then read "ไทย" as Thai on an English page)
LANGUAGE_CHOICES = [
    SelectChoice("th", "ไทย", render_kw={"lang": "th"}),
    SelectChoice("en", "English", render_kw={"lang": "en"}),
]

_REQUIRED = (_l("Please fill in %(field)s."), _l("Please choose %(field)s."), False)
_TOO_LONG = _l("%(field)s: at most %(max)d characters.")
_TOO_SHORT = _l("%(field)s: at least %(min)d characters.")
_NOT_A_CHOICE = _l("%(field)s: choose one of the options.")
_AT_LEAST = _l("%(field)s: at least %(min)s.")
_AT_MOST = _l("%(field)s: at most %(max)s.")
_BETWEEN = _l("%(field)s: from %(min)s to %(max)s.")
_NUMBER = _l("%(field)s: enter a number.")
_MESSAGES: dict[str, tuple[Any, Any, bool]] = {
    "This field is required.": _REQUIRED,
    "Field cannot be longer than %(max)d character.": (_TOO_LONG, _TOO_LONG, True),
    "Field must be at least %(min)d character long.": (_TOO_SHORT, _TOO_SHORT, True),
    "Field must be exactly %(max)d character long.": (_l("%(field)s: exactly %(max)d characters."),) * 2
    + (True,),
    "Field must be between %(min)d and %(max)d characters long.": (
        _l("%(field)s: from %(min)d to %(max)d characters."),
    )
    * 2
    + (True,),
    "Number must be at least %(min)s.": (_AT_LEAST, _AT_LEAST, True),
    "Number must be at most %(max)s.": (_AT_MOST, _AT_MOST, True),
    "Number must be between %(min)s and %(max)s.": (_BETWEEN, _BETWEEN, True),
    "Date must be at least %(min)s.": (_AT_LEAST, _AT_LEAST, True),
    "Date must be at most %(max)s.": (_AT_MOST, _AT_MOST, True),
    "Date must be between %(min)s and %(max)s.": (_BETWEEN, _BETWEEN, True),
    "Field must be equal to %(other_name)s.": (_l("%(field)s: must be the same as %(other_name)s."),) * 2
    + (True,),
    "Invalid input.": (_l("%(field)s: not in the expected form."),) * 2 + (False,),
    "Invalid email address.": (_l("%(field)s: not a valid e-mail address."),) * 2 + (False,),
    "Invalid URL.": (_l("%(field)s: not a valid web address."),) * 2 + (False,),
    "Not a valid choice.": (_NOT_A_CHOICE, _NOT_A_CHOICE, False),
    "Invalid Choice: could not coerce.": (_NOT_A_CHOICE, _NOT_A_CHOICE, False),
    "Invalid choice(s): one or more data inputs could not be coerced.": (_NOT_A_CHOICE, _NOT_A_CHOICE, False),
    "'%(value)s' is not a valid choice for this field.": (
        _l("%(field)s: “%(value)s” is not one of the options."),
    )
    * 2
    + (True,),
    "Not a valid datetime value.": (_l("%(field)s: not a valid date and time."),) * 2 + (False,),
    "Not a valid date value.": (_l("%(field)s: not a valid date."),) * 2 + (False,),
    "Not a valid time value.": (_l("%(field)s: not a valid time."),) * 2 + (False,),
    "Not a valid integer value.": (_l("%(field)s: enter a whole number."),) * 2 + (False,),
    "Not a valid decimal value.": (_NUMBER, _NUMBER, False),
    "Not a valid float value.": (_NUMBER, _NUMBER, False),
    "File does not have an approved extension.": (_l("%(field)s: this kind of file is not accepted."),) * 2
    + (False,),
    "File does not have an approved extension: {extensions}": (
        _l("%(field)s: this kind of file is not accepted (only {extensions})."),
    )
    * 2
    + (True,),
}
#: fields one chooses rather than types: "please choose …", not "please fill in …"
_CHOSEN = (SelectFieldBase, BooleanField, FileField, MultipleFileField)


class FieldMessages:
    """WTForms' translations interface for one field: our message naming ``label``, or the
    ``fallback``'s translation of WTForms' message when we have none."""

    def __init__(self, label: object, *, chosen: bool, fallback: Any) -> None:
        self.label = label
        self.chosen = chosen
        self.fallback = fallback

    def _ours(self, string: str) -> str | None:
        found = _MESSAGES.get(string)
        if found is None:
            return None
        typed, chosen, formatted = found
        label = str(self.label) if self.label is not None else str(_l("This field"))
        if formatted:  # WTForms formats the result: the label must come through unchanged
            label = label.replace("%", "%%").replace("{", "{{").replace("}", "}}")
        return str(chosen if self.chosen else typed).replace("%(field)s", label)

    def gettext(self, string: str) -> str:
        ours = self._ours(string)
        return ours if ours is not None else self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = self._ours(singular)
        return ours if ours is not None else self.fallback.ngettext(singular, plural, n)


class FieldMessagesMeta:
    """Meta mixin giving every bound field its ``FieldMessages``."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        label = unbound_field.args[0] if unbound_field.args else unbound_field.kwargs.get("label")
        options["translations"] = FieldMessages(
            label,
            chosen=issubclass(unbound_field.field_class, _CHOSEN),
            fallback=options.get("translations") or self.get_translations(form),
        )
        return super().bind_field(form, unbound_field, options)


class Form(FlaskForm):
    """Every page form derives from this (tests/test_codebase_rules.py checks it)."""

    class Meta(FieldMessagesMeta, FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """A page form reads a web form, never JSON: Flask-WTF would turn a JSON body into
            form data and fail with a 500 on a list or a number (and accept nested values a
            form cannot hold). The JSON API has its own routes; a JSON body here is a 415."""
            from flask import request
            from werkzeug.exceptions import UnsupportedMediaType

            if formdata is _AUTO and request.is_json:
                raise UnsupportedMediaType(_l("Send this form as a web form, not as JSON."))
            return super().wrap_formdata(form, formdata)


class SubForm(PlainForm):
    """A form nested in another (``FormField``/``FieldList``): same messages, no CSRF token."""

    class Meta(FieldMessagesMeta, DefaultMeta):
        pass
