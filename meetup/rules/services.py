"""Applying the rules in a caller's transaction: refusing someone a host
banned, and recording that a person accepted the code of conduct.

Callers own the transaction: ``acknowledge`` only adds to the session, so the
acknowledgement is committed with the registration it belongs to.
"""

from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import ConductAcknowledgement
from meetup.rules.queries import active_ban, current_terms, has_acknowledged

BANNED = _l(
    "We are sorry, but the host of this event is not accepting registrations from you. "
    "If you think this is a mistake, please contact the host."
)
NEEDS_ACKNOWLEDGEMENT = _l("Please read the code of conduct and tick the box to accept it.")


class BannedError(DomainError):
    """The person is banned from this community's evenings."""


class ConductNotAcknowledgedError(DomainError):
    pass


def refuse_if_banned(community_id: int, user_id: int) -> None:
    if active_ban(community_id, user_id) is not None:
        raise BannedError(BANNED)


def acknowledge(user_id: int, event, *, accepted: bool, now) -> ConductAcknowledgement | None:
    """Record acceptance of the current terms (in the caller's transaction).

    Refuses if the person did not tick the box. Accepting the same terms
    twice keeps the first record."""
    if not accepted:
        raise ConductNotAcknowledgedError(NEEDS_ACKNOWLEDGEMENT, field="acknowledge")
    version, revision = terms = current_terms(event)
    if has_acknowledged(user_id, event.id, terms):
        return None
    record = ConductAcknowledgement(
        user_id=user_id, event_id=event.id, platform_version=version, event_revision=revision, acknowledged_at=now
    )
    db.session.add(record)
    return record
