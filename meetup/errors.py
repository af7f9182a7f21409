"""Domain errors: raised by services, carrying a message a person can read.

Views never build these messages themselves; they flash ``error.message`` (a
lazy translation, rendered in the reader's language) or turn the error into a
status code.
"""


class DomainError(Exception):
    """A rule of the product refused the request; nothing was changed."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the form field the message belongs to, if any


class NotFoundError(Exception):
    """The object does not exist, or the actor may not know that it does.

    Not a DomainError on purpose: views never catch it; the app answers every
    one with the same 404 page, so "not yours" and "not there" look alike."""

    def __init__(self, message=None):
        super().__init__(str(message or "not found"))
        self.message = message


class NotAllowedError(DomainError):
    """The actor may see the object but not do this to it."""
