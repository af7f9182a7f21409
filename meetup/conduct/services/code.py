"""Publishing a new version of the platform's code of conduct (site admins)."""

from sqlalchemy.exc import IntegrityError

from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import CodeOfConduct
from meetup.rules.queries import current_code

CODE_MAX = 20000


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
    code = CodeOfConduct(
        version=current.version + 1,
        text_en=text_en,
        text_ja=text_ja,
        created_at=now,
        published_by_id=actor.id if actor is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(code)
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_l("Someone else has just published a new version. Reload the page and check it.")) from None
    db.session.commit()
    return code
