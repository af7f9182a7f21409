"""Which code of conduct applies, and recording that someone accepted it.

Callers own the transaction: ``acknowledge`` only adds to the session, so the
acknowledgement is committed with the registration it belongs to.
"""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from meetup.conduct.models import CodeOfConduct, ConductAcknowledgement
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l


class ConductNotAcknowledgedError(DomainError):
    pass


CODE_MAX = 20000
NEEDS_ACKNOWLEDGEMENT = _l("Please read the code of conduct and tick the box to accept it.")


def current_code() -> CodeOfConduct:
    """The newest platform version (the migration seeds version 1)."""
    code = db.session.scalar(select(CodeOfConduct).order_by(CodeOfConduct.version.desc()).limit(1))
    if code is None:
        raise RuntimeError("No code of conduct in the database; run the migrations.")
    return code


def current_terms(event) -> tuple[int, int]:
    """What accepting the code means for this event: (platform version, event revision)."""
    return current_code().version, event.conduct_revision


def has_acknowledged_current(user_id: int, event) -> bool:
    return _has_acknowledged(user_id, event.id, current_terms(event))


def _has_acknowledged(user_id: int, event_id: int, terms: tuple[int, int]) -> bool:
    version, revision = terms
    return bool(db.session.scalar(select(acknowledged_current_column(user_id, event_id, revision, version))))


def acknowledged_user_ids(event, user_ids) -> set[int]:
    """Of these people, those who accepted the current terms (one query)."""
    version, revision = current_terms(event)
    return set(db.session.scalars(select(ConductAcknowledgement.user_id).where(
        ConductAcknowledgement.event_id == event.id, ConductAcknowledgement.user_id.in_(list(user_ids)),
        ConductAcknowledgement.platform_version == version,
        ConductAcknowledgement.event_revision == revision,
    )))


def current_version_column():
    """The newest platform version, as a column of a caller's query."""
    return select(func.max(CodeOfConduct.version)).scalar_subquery()


def acknowledged_current_column(user_id, event_id, event_revision, version):
    """Whether the person accepted these terms, as a column of a caller's query
    (the arguments are columns or bound parameters)."""
    return select(ConductAcknowledgement.id).where(
        ConductAcknowledgement.user_id == user_id, ConductAcknowledgement.event_id == event_id,
        ConductAcknowledgement.platform_version == version,
        ConductAcknowledgement.event_revision == event_revision).exists()


def acknowledge(user_id: int, event, *, accepted: bool, now,
                read: tuple[int, bool] | None = None) -> ConductAcknowledgement | None:
    """Record acceptance of the current terms (in the caller's transaction).

    Refuses if the person did not tick the box. Accepting the same terms
    twice keeps the first record. ``read``: (current version, accepted it
    already), when the caller read them in its own query after its lock."""
    if not accepted:
        raise ConductNotAcknowledgedError(NEEDS_ACKNOWLEDGEMENT, field="acknowledge")
    if read is not None:
        version, done = read
        revision = event.conduct_revision
    else:
        version, revision = terms = current_terms(event)  # read once: the code is a query
        done = _has_acknowledged(user_id, event.id, terms)
    if done:
        return None
    record = ConductAcknowledgement(user_id=user_id, event_id=event.id, platform_version=version,
                                    event_revision=revision, acknowledged_at=now)
    db.session.add(record)
    return record


def publish_version(actor=None, *, text_en: str, text_ja: str, now) -> CodeOfConduct:
    """Add a new platform version; every registered attendee must accept it again
    (check-in refuses until they do). ``actor`` is the site admin publishing it."""
    # Browsers send textarea lines as CRLF; the stored text uses LF.
    text_en, text_ja = ((text or "").replace("\r\n", "\n").strip() for text in (text_en, text_ja))
    if not text_en:
        raise DomainError(_l("Write the code of conduct in English."), field="text_en")
    if not text_ja:
        raise DomainError(_l("Write the code of conduct in Japanese."), field="text_ja")
    if len(text_en) > CODE_MAX or len(text_ja) > CODE_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=CODE_MAX))
    current = current_code()
    if (current.text_en, current.text_ja) == (text_en, text_ja):
        raise DomainError(_l("Nothing changed: this is the current code of conduct."))
    code = CodeOfConduct(version=current.version + 1, text_en=text_en, text_ja=text_ja, created_at=now,
                         published_by_id=actor.id if actor is not None else None)
    try:
        with db.session.begin_nested():
            db.session.add(code)
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_l("Someone else has just published a new version. Reload the page and check it.")) \
            from None
    db.session.commit()
    return code
