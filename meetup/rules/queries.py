"""Reading the rules: the current code of conduct and who accepted it, bans
in force, and the pairs kept apart or matched."""

from datetime import datetime

from sqlalchemy import and_, func, or_, select

from meetup.extensions import db
from meetup.rules.models import Ban, Block, CodeOfConduct, ConductAcknowledgement, Match, Report


def current_code() -> CodeOfConduct:
    """The newest platform version (the migration seeds version 1)."""
    code = db.session.scalar(select(CodeOfConduct).order_by(CodeOfConduct.version.desc()).limit(1))
    if code is None:
        raise RuntimeError("No code of conduct in the database; run the migrations.")
    return code


def current_terms(event) -> tuple[int, int]:
    """What accepting the code means for this event: (platform version, event revision)."""
    return current_code().version, event.conduct_revision


def has_acknowledged(user_id: int, event_id: int, terms: tuple[int, int]) -> bool:
    """Whether the person accepted these (platform version, event revision) for the event."""
    version, revision = terms
    return db.session.scalar(
        select(
            select(ConductAcknowledgement.id)
            .where(
                ConductAcknowledgement.user_id == user_id,
                ConductAcknowledgement.event_id == event_id,
                ConductAcknowledgement.platform_version == version,
                ConductAcknowledgement.event_revision == revision,
            )
            .exists()
        )
    )


def has_acknowledged_current(user_id: int, event) -> bool:
    return has_acknowledged(user_id, event.id, current_terms(event))


def acknowledged_user_ids(event, user_ids) -> set[int]:
    """Of these people, those who accepted the current terms (one query)."""
    version, revision = current_terms(event)
    return set(
        db.session.scalars(
            select(ConductAcknowledgement.user_id).where(
                ConductAcknowledgement.event_id == event.id,
                ConductAcknowledgement.user_id.in_(list(user_ids)),
                ConductAcknowledgement.platform_version == version,
                ConductAcknowledgement.event_revision == revision,
            )
        )
    )


def _ban_in_force(community_id, user_id):
    return and_(Ban.community_id == community_id, Ban.user_id == user_id, Ban.lifted_at.is_(None))


def active_ban(community_id: int, user_id: int) -> Ban | None:
    """The community's ban on the person that has not been lifted."""
    return db.session.scalar(select(Ban).where(_ban_in_force(community_id, user_id)))


def banned_user_ids(community_id: int, user_ids) -> set[int]:
    """Of these people, those the community's bans in force keep away (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Ban.user_id).where(Ban.community_id == community_id, Ban.user_id.in_(ids), Ban.lifted_at.is_(None))
        )
    )


def forbidden_pairs(user_ids) -> set[frozenset[int]]:
    """Pairs among ``user_ids`` kept apart by a block or a report, either way round."""
    ids = list(user_ids)
    if not ids:
        return set()
    pairs: set[frozenset[int]] = set()
    for a, b in ((Block.blocker_id, Block.blocked_id), (Report.reporter_id, Report.reported_id)):
        rows = db.session.execute(select(a, b).where(a.in_(ids), b.in_(ids)))
        pairs.update(frozenset(row) for row in rows)
    return pairs


def _either_way(column_a, column_b, user_a: int, user_b: int):
    return or_(and_(column_a == user_a, column_b == user_b), and_(column_a == user_b, column_b == user_a))


def is_forbidden(user_a: int, user_b: int) -> bool:
    """Whether these two may never share a table."""
    blocked = select(Block.id).where(_either_way(Block.blocker_id, Block.blocked_id, user_a, user_b))
    reported = select(Report.id).where(_either_way(Report.reporter_id, Report.reported_id, user_a, user_b))
    return db.session.scalar(select(blocked.exists() | reported.exists()))


def mutual_pairs(user_ids, revealed_before: datetime | None = None) -> set[frozenset[int]]:
    """Active matches among ``user_ids`` (revealed before ``revealed_before``, if
    given): the pairs the grouping engine reunites.

    Only matches: a one-sided choice is never read here."""
    ids = list(user_ids)
    if not ids:
        return set()
    statement = select(Match.user_low_id, Match.user_high_id).where(
        Match.user_low_id.in_(ids), Match.user_high_id.in_(ids), Match.ended_at.is_(None)
    )
    if revealed_before is not None:
        statement = statement.where(Match.revealed_at < revealed_before)
    return {frozenset(row) for row in db.session.execute(statement)}


def _per_event(column, event_ids) -> dict[int, int]:
    ids = list(event_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())


def match_counts(event_ids) -> dict[int, int]:
    """Event id → how many mutual matches its window revealed (one query). Matches
    only: a one-sided choice is never read here."""
    return _per_event(Match.event_id, event_ids)


def report_counts(event_ids) -> dict[int, int]:
    """Event id → how many reports were made about it (one query)."""
    return _per_event(Report.event_id, event_ids)
