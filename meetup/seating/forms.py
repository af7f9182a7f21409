"""Seating forms: shapes only; the services decide what is allowed."""

from wtforms import BooleanField, FieldList, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from meetup.forms import Form
from meetup.i18n import lazy_gettext as _l
from meetup.seating.services.edits import TABLE_NAME_MAX

_round = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=5)])
_person = IntegerField(validators=[InputRequired(_l("Choose a person.")), NumberRange(min=1)])


class SwapForm(Form):
    round = _round
    user_a = _person
    user_b = _person
    confirmed = BooleanField()  # the second step, after the host read what the change breaks


class MoveForm(Form):
    round = _round
    user_id = _person
    table = IntegerField(validators=[InputRequired(_l("Choose a table.")), NumberRange(min=0, max=999)])
    confirmed = BooleanField()


class StartRoundForm(Form):
    round = _round


class LockForm(Form):
    round = _round
    user_id = _person
    locked = BooleanField()


class TableNamesForm(Form):
    names = FieldList(
        StringField(
            validators=[
                Length(
                    max=TABLE_NAME_MAX, message=_l("Table names are at most %(max)d characters.", max=TABLE_NAME_MAX)
                )
            ]
        ),
        min_entries=0,
        max_entries=200,
    )
