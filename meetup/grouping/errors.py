"""The grouping engine's errors: one family, each message one line naming the culprit.

The web layer catches :class:`GroupingError` and translates; the command line
prints ``str(error)`` as is, so every message must read well on its own.
"""


class GroupingError(ValueError):
    """Base of every error the grouping engine raises on bad input."""


class InstanceError(GroupingError):
    """The instance is malformed: a wrong type, an unknown person, an index out of range."""


class InfeasibleError(GroupingError):
    """The instance is well formed but no seating satisfies the hard rules."""


class SeatingError(GroupingError):
    """A given seating is malformed or breaks a hard rule (used when scoring a solution)."""
