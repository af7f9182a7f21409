"""Who runs a community, and the one rule of what each of them may do.

Every host page asks ``may`` (through ``Event.managed_by`` / ``Event.door_worked_by``);
no page decides access by itself.
"""

from sqlalchemy import case, func, select

from meetup.communities.models import (
    CO_HOST,
    DOOR,
    HOSTS,
    MANAGE,
    OWNER,
    ROLE_RIGHTS,
    Community,
    CommunityFollower,
    CommunityMember,
)
from meetup.errors import NotFoundError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l

COMMUNITY_NOT_FOUND = _l("There is no such community.")

# Owner first, then co-hosts, then door staff; each group in the order they joined.
_ROLE_ORDER = case({OWNER: 0, CO_HOST: 1, DOOR: 2}, value=CommunityMember.role)


def role_in(user, community_id: int | None) -> str | None:
    """The role this person holds in the community, or None."""
    if community_id is None or not (user and user.is_authenticated):
        return None
    return db.session.scalar(
        select(CommunityMember.role).where(
            CommunityMember.community_id == community_id, CommunityMember.user_id == user.id
        )
    )


def may(user, community_id: int | None, right: str) -> bool:
    """Whether this person has ``right`` (MANAGE or AT_THE_DOOR) over the community's
    evenings: site admins always, everyone else by their role."""
    if not (user and user.is_authenticated):
        return False
    if user.is_admin:
        return True
    return right in ROLE_RIGHTS.get(role_in(user, community_id), ())


def owned_community(user, community_id: int) -> Community:
    """The community, if this person owns it (or is a site admin); everyone else gets 'not found'."""
    community = db.session.get(Community, community_id)
    if community is None or not (user.is_admin or role_in(user, community_id) == OWNER):
        raise NotFoundError(COMMUNITY_NOT_FOUND)
    return community


def managed_community(user, community_id: int) -> Community:
    """The community, if this person runs it (owner, co-host or site admin); everyone
    else, door staff included, gets 'not found'."""
    community = db.session.get(Community, community_id)
    if community is None or not may(user, community_id, MANAGE):
        raise NotFoundError(COMMUNITY_NOT_FOUND)
    return community


def hosted_communities(user_id: int) -> list[Community]:
    """The communities this person owns or co-hosts: where their new evenings may go."""
    return list(
        db.session.scalars(
            select(Community)
            .join(CommunityMember, CommunityMember.community_id == Community.id)
            .where(CommunityMember.user_id == user_id, CommunityMember.role.in_(HOSTS))
            .order_by(Community.name, Community.id)
        )
    )


def community_ids(user_id: int, roles) -> set[int]:
    """The communities where this person holds one of ``roles``."""
    return set(
        db.session.scalars(
            select(CommunityMember.community_id).where(
                CommunityMember.user_id == user_id, CommunityMember.role.in_(roles)
            )
        )
    )


def members(community_id: int, roles=(OWNER, CO_HOST, DOOR)) -> list[CommunityMember]:
    """Who runs the community (with their accounts, one query): owner, co-hosts, door staff."""
    return list(
        db.session.scalars(
            select(CommunityMember)
            .where(CommunityMember.community_id == community_id, CommunityMember.role.in_(roles))
            .order_by(_ROLE_ORDER, CommunityMember.added_at, CommunityMember.user_id)
        )
    )


def hosts(community_id: int) -> list[CommunityMember]:
    """The owner and co-hosts, as the community's page names them."""
    return members(community_id, HOSTS)


def follows(user, community_id: int | None) -> bool:
    """Whether this person follows the community (nobody logged out does)."""
    if community_id is None or not (user and user.is_authenticated):
        return False
    return db.session.get(CommunityFollower, (community_id, user.id)) is not None


def follower_count(community_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(CommunityFollower).where(CommunityFollower.community_id == community_id)
    )


def followed_communities(user_id: int) -> list[Community]:
    """The communities this person follows, by name."""
    return list(
        db.session.scalars(
            select(Community)
            .join(CommunityFollower, CommunityFollower.community_id == Community.id)
            .where(CommunityFollower.user_id == user_id)
            .order_by(Community.name, Community.id)
        )
    )
