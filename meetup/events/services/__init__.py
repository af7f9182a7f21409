"""Event operations. Each is one transaction that either happens whole or
raises a DomainError and changes nothing; each takes the acting user and
``now`` explicitly."""

from meetup.i18n import lazy_gettext as _l

# What anyone is told about an event that is not there or not theirs to see.
EVENT_NOT_FOUND = _l("There is no such event.")
