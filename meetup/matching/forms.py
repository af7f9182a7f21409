"""Meet-again forms: they check shape only; who may be chosen is the service's rule."""

from wtforms import HiddenField, IntegerField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional

from meetup.forms import Form
from meetup.i18n import lazy_gettext as _l
from meetup.seating.models import NOTE_MAX

# More than anyone can sit with in one evening; a longer list is not a person ticking boxes.
CHOICES_MAX = 200


class ChoicesForm(Form):
    # Which people are offered is decided by the service, not here.
    chosen = SelectMultipleField(coerce=int, validate_choice=False, validators=[Length(max=CHOICES_MAX)])
    # Set when the page showed the contact fields (meetup.accounts.forms.ContactsForm,
    # posted alongside): only then are they saved. A post of ticks alone (the
    # page's script as each box changes, a page loaded before the window opened)
    # must not read the missing "show to my matches" boxes as switched off.
    with_contacts = HiddenField()


class NoteForm(Form):
    text = TextAreaField(_l("Private note"), validators=[Length(max=NOTE_MAX)])
    event_id = IntegerField(validators=[Optional()])
