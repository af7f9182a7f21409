"""Receipt forms: shape only; the registration number's rules and who may
issue what live in the services."""

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from meetup.communities.models import ISSUER_ADDRESS_MAX, ISSUER_NAME_MAX
from meetup.forms import Form, at_most
from meetup.i18n import lazy_gettext as _l
from meetup.receipts.models import ADDRESSEE_MAX

# Room for what people type around the 14 characters (spaces, hyphens, full width).
INVOICE_NUMBER_TYPED_MAX = 40


class IssuerForm(Form):
    issuer_name = StringField(_l("Name of the issuer"), validators=[at_most(ISSUER_NAME_MAX)])
    issuer_address = TextAreaField(_l("Address"), validators=[at_most(ISSUER_ADDRESS_MAX)])
    invoice_number = StringField(
        _l("Qualified-invoice registration number"), validators=[at_most(INVOICE_NUMBER_TYPED_MAX)]
    )


class ReceiptForm(Form):
    addressee = StringField(
        _l("Made out to"),
        validators=[
            DataRequired(_l("Write whom the receipt is made out to: your name or your company's.")),
            at_most(ADDRESSEE_MAX),
        ],
    )
