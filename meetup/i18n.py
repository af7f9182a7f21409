"""Marking a message for extraction where it is translated later, when shown
(catalogues of names that templates translate with the render's translations)."""


def N_(message: str) -> str:
    """Return the message as it is; ``make i18n-extract`` picks it up."""
    return message
