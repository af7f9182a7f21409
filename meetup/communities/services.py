"""Creating, editing and deleting a community, the owner adding or removing the
people who run it with them and handing it over to a co-host, and anyone
following or unfollowing it. Each call is one transaction."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from meetup.accounts.services.credentials import find_by_email
from meetup.communities.models import (
    CO_HOST,
    DESCRIPTION_MAX,
    DOOR,
    HOSTS,
    NAME_MAX,
    OWNER,
    Community,
    CommunityFollower,
    CommunityMember,
)
from meetup.communities.queries import COMMUNITY_NOT_FOUND, owned_community, role_in
from meetup.errors import DomainError, NotFoundError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l


@dataclass
class CommunityDetails:
    name: str
    description: str = ""


def _checked(details: CommunityDetails) -> CommunityDetails:
    name, description = details.name.strip(), details.description.strip()
    if not name:
        raise DomainError(_l("Give the community a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("Keep the name to %(max)d characters.", max=NAME_MAX), field="name")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_l("Keep the description to %(max)d characters.", max=DESCRIPTION_MAX), field="description")
    return CommunityDetails(name, description)


def add_community(actor, details: CommunityDetails, *, now: datetime) -> Community:
    """A new community owned by ``actor``, in the caller's transaction (not committed)."""
    details = _checked(details)
    community = Community(name=details.name, description=details.description, created_at=now)
    db.session.add(community)
    db.session.flush()
    db.session.add(CommunityMember(community_id=community.id, user_id=actor.id, role=OWNER, added_at=now))
    return community


def create_community(actor, details: CommunityDetails, *, now: datetime) -> Community:
    community = add_community(actor, details, now=now)
    db.session.commit()
    return community


def update_community(actor, community_id: int, details: CommunityDetails) -> Community:
    community = owned_community(actor, community_id)
    details = _checked(details)
    community.name, community.description = details.name, details.description
    db.session.commit()
    return community


def hosted_community(actor, community_id: int) -> Community:
    """A community where ``actor`` may put an evening: one they own or co-host."""
    community = db.session.get(Community, community_id)
    if community is None or role_in(actor, community_id) not in HOSTS:
        raise DomainError(_l("Choose one of the communities you host."), field="community_id")
    return community


def add_member(actor, community_id: int, *, email: str, role: str, now: datetime) -> CommunityMember:
    """The owner adds a co-host or door staff by the address of an existing account."""
    owned_community(actor, community_id)
    if role not in (CO_HOST, DOOR):
        raise DomainError(_l("Choose co-host or door staff."), field="role")
    user = find_by_email(email) if email.strip() else None
    if user is None:
        raise DomainError(_l("No account uses this address. Ask them to sign up first, then add them."), field="email")
    existing = db.session.get(CommunityMember, (community_id, user.id))
    if existing is not None and existing.role == OWNER:
        raise DomainError(_l("That is the owner's own address."), field="email")
    if existing is not None:
        existing.role = role  # a change of role: door staff become a co-host, or the other way
        member = existing
    else:
        member = CommunityMember(
            community_id=community_id, user_id=user.id, role=role, added_at=now, added_by_id=actor.id
        )
        db.session.add(member)
    db.session.commit()
    return member


def remove_member(actor, community_id: int, user_id: int) -> None:
    """The owner removes a co-host or door staff; the owner stays."""
    owned_community(actor, community_id)
    member = db.session.get(CommunityMember, (community_id, user_id))
    if member is None or member.role == OWNER:
        raise NotFoundError(COMMUNITY_NOT_FOUND)
    db.session.execute(
        delete(CommunityMember).where(CommunityMember.community_id == community_id, CommunityMember.user_id == user_id)
    )
    db.session.commit()


def hand_over(actor, community_id: int, user_id: int) -> CommunityMember:
    """The owner makes a co-host the owner and stays on as a co-host."""
    owned_community(actor, community_id)
    successor = db.session.get(CommunityMember, (community_id, user_id))
    if successor is None or successor.role != CO_HOST:
        raise DomainError(_l("Only a co-host can take the community over. Add them as a co-host first."))
    owner = db.session.scalar(
        select(CommunityMember).where(CommunityMember.community_id == community_id, CommunityMember.role == OWNER)
    )
    owner.role = CO_HOST
    db.session.flush()  # one owner at a time (the partial unique index)
    successor.role = OWNER
    db.session.commit()
    return successor


EVENINGS_KEEP_IT = _l("A community with evenings cannot be deleted: its evenings belong to it.")


def delete_community(actor, community_id: int) -> None:
    """The owner deletes a community that holds no evening (one made by mistake); a
    community with evenings stays, since its evenings and their people belong to it.
    The database decides (events.community_id has no ON DELETE), so an evening
    created a moment before cannot slip through."""
    community = owned_community(actor, community_id)
    db.session.delete(community)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(EVENINGS_KEEP_IT) from None


def _existing(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFoundError(COMMUNITY_NOT_FOUND)
    return community


def add_follower(user_id: int, community_id: int, *, now: datetime) -> None:
    """``user_id`` follows the community, in the caller's transaction (not
    committed); following it already changes nothing."""
    if db.session.get(CommunityFollower, (community_id, user_id)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(CommunityFollower(community_id=community_id, user_id=user_id, followed_at=now))
    except IntegrityError:
        pass  # followed at the same moment from another tab: followed, as asked


def follow(actor, community_id: int, *, now: datetime) -> Community:
    """Follow a community: each new evening it publishes is mailed to ``actor`` once.
    Following again changes nothing."""
    community = _existing(community_id)
    add_follower(actor.id, community.id, now=now)
    db.session.commit()
    return community


def unfollow(actor, community_id: int) -> Community:
    """Stop following; not following it already changes nothing."""
    community = _existing(community_id)
    db.session.execute(
        delete(CommunityFollower).where(
            CommunityFollower.community_id == community.id, CommunityFollower.user_id == actor.id
        )
    )
    db.session.commit()
    return community
