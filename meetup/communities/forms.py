"""Community forms: shape only; who may do what lives in the services."""

from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from meetup.accounts.models import EMAIL_MAX
from meetup.communities.models import CO_HOST, DESCRIPTION_MAX, DOOR, NAME_MAX
from meetup.forms import Form, at_most
from meetup.i18n import lazy_gettext as _l


class CommunityForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the community a name.")), at_most(NAME_MAX)])
    description = TextAreaField(_l("Description"), validators=[at_most(DESCRIPTION_MAX)])


class MemberForm(Form):
    email = EmailField(
        _l("Email address of their account"),
        validators=[DataRequired(_l("Enter the email address of their account.")), at_most(EMAIL_MAX)],
    )
    role = RadioField(
        _l("Role"),
        choices=[
            SelectChoice(CO_HOST, _l("Co-host: runs the evenings as you do")),
            SelectChoice(DOOR, _l("Door staff: check-in, walk-ins and the projector only")),
        ],
        default=DOOR,
        validate_choice=False,
    )
