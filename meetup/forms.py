"""The base of every form: besides each form's own checks, no text may carry
control characters or line and paragraph separators (PostgreSQL refuses NUL
outright; the others break mail headers, CSV exports and what people see), no
number may exceed what the columns hold, and a text field left out of a post
is empty text.

Forms forgive what Japanese keyboards type: spaces around a value (the
full-width U+3000 too) are trimmed from every text field but passwords, and
addresses and phone numbers typed in full-width letters and digits are made
plain (NFKC: ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ is taro@example.jp). Numbers need
nothing: Python reads ３０ as 30."""

import unicodedata

from flask_wtf import FlaskForm
from wtforms import EmailField, FieldList, FormField, PasswordField, StringField, TelField, TextAreaField, URLField
from wtforms.validators import Length

from meetup.database import INTEGER_MAX
from meetup.i18n import lazy_gettext as _l

# Space characters (Unicode's Zs: the ASCII and the full-width space among them)
# are trimmed; line breaks and other controls are not, so the rule below refuses them.
_SPACES = "".join(chr(c) for c in range(0x3001) if unicodedata.category(chr(c)) == "Zs")

# Fields that hold an address or a number written as text.
_PLAIN_WIDTH_FIELDS = (EmailField, URLField, TelField)

# Line breaks and tabs belong in a paragraph, not in a one-line field.
_PARAGRAPH_SPACE = frozenset("\t\n\r")
# Controls, and the Unicode line (U+2028) and paragraph (U+2029) separators:
# together every character str.splitlines() breaks a line at.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character or a line or paragraph
    separator, besides the tabs and newlines a paragraph (``multiline``) may hold."""
    return any(
        unicodedata.category(ch) in _REFUSED_CATEGORIES and not (multiline and ch in _PARAGRAPH_SPACE) for ch in text
    )


def at_most(limit: int) -> Length:
    """A text field's length limit, with the one message every form gives."""
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


def _fields(fields):
    for field in fields:
        if isinstance(field, FieldList):
            yield from _fields(field.entries)
        elif isinstance(field, FormField):
            yield from _fields(field.form)
        else:
            yield field


def _forgiven(field, text: str) -> str:
    """The value as the person meant it: trimmed, and plain width where it is an address."""
    if isinstance(field, _PLAIN_WIDTH_FIELDS):
        text = unicodedata.normalize("NFKC", text)
    return text.strip(_SPACES)


def _refusal(field):
    """Why the field's value cannot be stored, or None."""
    data = field.data
    # A password is only ever hashed, and one already chosen must keep working.
    is_text = isinstance(field, StringField) and not isinstance(field, PasswordField) and isinstance(data, str)
    if is_text and has_control_characters(data, multiline=isinstance(field, TextAreaField)):
        return _l("Remove the control characters (such as line breaks or invisible codes) from this text.")
    numbers = data if isinstance(data, list) else [data]
    if not field.errors and any(
        isinstance(n, int) and not isinstance(n, bool) and abs(n) > INTEGER_MAX for n in numbers
    ):  # a field's own range check says it better
        return _l("That number is too large.")
    return None


class Form(FlaskForm):
    """FlaskForm, refusing control characters and line separators in every
    text field and numbers beyond the columns' range in every field."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        # A browser always sends every text field, empty or not; one a broken
        # client leaves out is empty too (not None, nor the value of an object
        # attribute that is no text), so no view or service meets anything else.
        for field in _fields(self):
            if isinstance(field, StringField) and not isinstance(field.data, str):
                field.data = ""
            elif isinstance(field, StringField) and not isinstance(field, PasswordField):
                field.data = _forgiven(field, field.data)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in _fields(self):
            refusal = _refusal(field)
            if refusal is not None:
                field.errors = [refusal]
                valid = False
        return valid

    def first_error(self) -> str | None:
        """The first field's first error, for a form answered with a flash rather than re-shown."""
        return next((str(field.errors[0]) for field in _fields(self) if field.errors), None)
