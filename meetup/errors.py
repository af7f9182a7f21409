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


class NotFoundError(DomainError):
    """The object does not exist, or the actor may not know that it does."""


class NotAllowedError(DomainError):
    """The actor may see the object but not do this to it."""
