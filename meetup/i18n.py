"""Translation helpers every module uses: messages translated when shown, and
marking a message for extraction where it is translated later, when shown
(catalogues of names translated when they are shown)."""

from flask_babel import LazyString, get_translations, gettext, ngettext
from markupsafe import Markup


class LazyText(LazyString):
    """A message translated when it is shown, with its variables filled in.

    As text (``str``: mail, logs, CSV) the variables are filled in as they
    are. As HTML (``__html__``: Jinja, WTForms labels, choices and errors, a
    flash, which the session stores as markup) the translation is trusted and
    the variables are escaped, as in a template's ``_()``: a person's name
    that contains markup shows as text. flask_babel's lazy string returns the
    plain text for both, so Jinja trusted whatever a variable held."""

    def __init__(self, message: str, **variables):
        super().__init__(gettext, message, **variables)

    def __html__(self) -> Markup:
        (message,) = self._args
        translated = Markup(gettext(message))  # flask_babel formats only when there are variables
        return translated % self._kwargs if self._kwargs else translated


def lazy_gettext(message: str, **variables) -> LazyText:
    """The app's lazy gettext: import it as ``_l`` instead of flask_babel's."""
    return LazyText(message, **variables)


class LazyPlural(LazyString):
    """A message with a singular and a plural, chosen for ``num`` and
    translated when shown; as HTML its variables are escaped, as LazyText's."""

    def __init__(self, singular: str, plural: str, num: int, **variables):
        super().__init__(ngettext, singular, plural, num, **variables)

    def __html__(self) -> Markup:
        singular, plural, num = self._args
        translated = Markup(get_translations().ungettext(singular, plural, num))
        return translated % {"num": num, **self._kwargs}


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyPlural:
    """The app's lazy ngettext (``%(num)d`` is ``num``); extracted by ``make i18n-extract``."""
    return LazyPlural(singular, plural, num, **variables)


def N_(message: str) -> str:
    """Return the message as it is; ``make i18n-extract`` picks it up."""
    return message
