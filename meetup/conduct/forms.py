"""Conduct forms: shapes only (present, one of the choices, not too long);
who may report, block or moderate is decided by the services."""

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from meetup.conduct.models import NOTE_MAX
from meetup.conduct.services.code import CODE_MAX
from meetup.conduct.services.reports import DESCRIPTION_MAX
from meetup.forms import Form, at_most
from meetup.i18n import lazy_gettext as _l

CATEGORIES = {
    "selling": _l("Selling or soliciting"),
    "mlm": _l("MLM (multi-level marketing)"),
    "recruiting": _l("Religious or political recruiting"),
    "contact-pressure": _l("Pressing for contact details"),
    "harassment": _l("Harassment"),
    "other": _l("Something else"),
}


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in CATEGORIES.items()]


def _optional_number(value):
    """ "" is "not sure"; anything but a whole number stays text and so matches no choice."""
    if value in (None, ""):
        return None
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else text


class MessageReportForm(Form):
    """A report about a message a host wrote: what kind of breach, and what happened."""

    category = RadioField(
        _l("What kind of breach was it?"),
        choices=category_choices,
        validators=[InputRequired(_l("Choose what kind of breach it was."))],
    )
    description = TextAreaField(
        _l("What happened?"), validators=[DataRequired(_l("Please describe what happened.")), at_most(DESCRIPTION_MAX)]
    )


class ReportForm(MessageReportForm):
    """A report about someone met at the tables: also where it happened."""

    round = SelectField(_l("Round (optional)"), coerce=_optional_number, choices=[])
    table_no = SelectField(_l("Table (optional)"), coerce=_optional_number, choices=[])

    def offer(self, rounds: int, table_names: list[str]) -> "ReportForm":
        """Fill in the rounds and tables this event had."""
        self.round.choices = [SelectChoice("", _l("Not sure"))] + [
            SelectChoice(str(r), _l("Round %(n)d", n=r + 1)) for r in range(rounds)
        ]
        self.table_no.choices = [SelectChoice("", _l("Not sure"))] + [
            SelectChoice(str(t), _l("Table %(name)s", name=name)) for t, name in enumerate(table_names)
        ]
        return self


class ModerationForm(Form):
    note = StringField(_l("Note for the record (optional)"), validators=[at_most(NOTE_MAX)])


class CodeOfConductForm(Form):
    text_en = TextAreaField(
        _l("Code of conduct (English)"),
        validators=[DataRequired(_l("Write the code of conduct in English.")), at_most(CODE_MAX)],
    )
    text_ja = TextAreaField(
        _l("Code of conduct (Japanese)"),
        validators=[DataRequired(_l("Write the code of conduct in Japanese.")), at_most(CODE_MAX)],
    )
