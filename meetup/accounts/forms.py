"""Account forms: they check shape only; rules live in the services."""

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from meetup.accounts import industries
from meetup.accounts.models import EMAIL_MAX, INTRO_MAX, NAME_MAX
from meetup.accounts.services.credentials import PASSWORD_MAX, PASSWORD_MIN
from meetup.accounts.services.signups import READING_NOT_KANA, normalise_reading
from meetup.forms import Form, at_most
from meetup.i18n import lazy_gettext as _l
from meetup.mail.topics import TOPICS

LANGUAGES = [SelectChoice("en", "English"), SelectChoice("ja", "日本語")]


def language_choices():
    return [SelectChoice("", _l("Same as my browser")), *LANGUAGES]


def industry_choices():
    """Professions first (the heart of 士業 mixers), then industries, then other."""
    professions, trades = _l("Licensed professions"), _l("Industries")
    return [
        SelectChoice("", _l("Choose…")),
        *(SelectChoice(code, name, optgroup=professions) for code, name in industries.PROFESSIONS.items()),
        *(SelectChoice(code, name, optgroup=trades) for code, name in industries.INDUSTRIES.items()),
        SelectChoice(industries.OTHER, industries.CATALOGUE[industries.OTHER], optgroup=trades),
    ]


_password_length = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l("Passwords are %(min)d to %(max)d characters long.", min=PASSWORD_MIN, max=PASSWORD_MAX),
)


def _email_field(label, autocomplete="email"):
    return EmailField(
        label,
        render_kw={"autocomplete": autocomplete},
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX, message=_l("That email address is too long.")),
            Email(_l("Enter a valid email address."), check_deliverability=False),
        ],
    )


class ProfileFields(Form):
    display_name = StringField(
        _l("Display name"),
        render_kw={"autocomplete": "name"},
        validators=[
            DataRequired(_l("Enter the name other members will see.")),
            Length(max=NAME_MAX, message=_l("Names are at most %(max)d characters.", max=NAME_MAX)),
        ],
    )
    industry = SelectField(
        _l("Industry or profession"),
        choices=industry_choices,
        validators=[DataRequired(_l("Choose an industry or profession."))],
        validate_choice=True,
    )
    industry_other = StringField(
        _l("If other, which?"),
        validators=[
            at_most(NAME_MAX),
        ],
    )
    introduction = TextAreaField(
        _l("About you (one paragraph)"),
        validators=[
            at_most(INTRO_MAX),
        ],
    )
    language = SelectField(_l("Language"), choices=language_choices, default="")

    def validate_industry_other(self, field):
        if self.industry.data == industries.OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Tell us your industry or profession."))


def _new_password_field(label, required_message):
    return PasswordField(
        label, render_kw={"autocomplete": "new-password"}, validators=[DataRequired(required_message), _password_length]
    )


def _current_password_field(label, required_message):
    return PasswordField(
        label,
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(required_message), Length(max=PASSWORD_MAX)],
    )


class SignupForm(ProfileFields):
    email = _email_field(_l("Email"))
    password = _new_password_field(_l("Password"), _l("Choose a password."))


class LoginForm(Form):
    email = _email_field(_l("Email"))
    password = _current_password_field(_l("Password"), _l("Enter your password."))
    remember = BooleanField(_l("Keep me logged in on this device"))


class ProfileForm(ProfileFields):
    name_reading = StringField(
        _l("Reading of your name (フリガナ)"),
        description=_l(
            "Optional, in katakana or hiragana, e.g. ヤマダ エミ. Hosts see it and find you by it at the door."
        ),
        render_kw={"autocomplete": "off", "lang": "ja"},
        validators=[at_most(NAME_MAX)],
    )

    def validate_name_reading(self, field):
        if normalise_reading(field.data) is None:
            raise ValidationError(READING_NOT_KANA)


class ContactsForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[
            Optional(),
            Length(max=EMAIL_MAX),
            Email(_l("Enter a valid email address."), check_deliverability=False),
        ],
    )
    email_shared = BooleanField(_l("Show to my matches"))
    phone = TelField(_l("Phone"), validators=[at_most(40)])
    phone_shared = BooleanField(_l("Show to my matches"))
    line_id = StringField(_l("LINE ID"), validators=[at_most(60)])
    line_id_shared = BooleanField(_l("Show to my matches"))
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            at_most(300),
            URL(require_tld=True, message=_l("Enter a full web address starting with https://.")),
        ],
    )
    website_shared = BooleanField(_l("Show to my matches"))
    other = TextAreaField(_l("Anything else"), validators=[at_most(500)])
    other_shared = BooleanField(_l("Show to my matches"))


class PasswordForm(Form):
    current_password = _current_password_field(_l("Current password"), _l("Enter your current password."))
    new_password = _new_password_field(_l("New password"), _l("Choose a new password."))


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password to confirm.")), Length(max=PASSWORD_MAX)]
    )


class ForgotPasswordForm(Form):
    email = _email_field(_l("Email"))


class ResetPasswordForm(Form):
    password = _new_password_field(_l("New password"), _l("Choose a new password."))


class EmailChangeForm(Form):
    email = _email_field(_l("New email address"), autocomplete="off")
    password = _current_password_field(_l("Your password"), _l("Enter your password to confirm."))


class MailTopicsForm(Form):
    """One box per topic of optional mail (meetup.mail.topics): ticked, its mail comes."""


for _topic in TOPICS.values():
    setattr(MailTopicsForm, _topic.field, BooleanField(_topic.label, description=_topic.description))


class ButtonForm(Form):
    """A form that is only a button (and its CSRF token)."""


class LanguageForm(Form):
    language = SelectField(choices=LANGUAGES)
