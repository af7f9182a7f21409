"""Queue a message for a user, rendered in the user's language, with the
Message-ID it keeps however often it is sent.

``enqueue`` only adds a row to the session: it is committed, or rolled back,
with the change that caused it, so no mail goes out for a change that failed
and no change is made without its mail.
"""

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from meetup.accounts.models import User
from meetup.extensions import db
from meetup.mail.models import OutboxMessage


def mail_language(user: User) -> str:
    return user.language or current_app.config["BABEL_DEFAULT_LOCALE"]


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mail, always at ``BASE_URL`` (create_app sets
    Flask's SERVER_NAME and PREFERRED_URL_SCHEME from it): never the address a
    request happened to come in on, such as a server's internal name."""
    return url_for(endpoint, _external=True, _scheme=current_app.config["PREFERRED_URL_SCHEME"], **values)


def render(template: str, **context) -> tuple[str, str]:
    """Render templates/mail/<template>.txt: its first line is the subject,
    everything after the blank line below it is the body. (A value with a line
    break stays in the subject; the sender folds it onto one line.)"""
    text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n\n")
    return subject.strip(), body.strip() + "\n"


def enqueue(recipient: User, template: str, **context) -> OutboxMessage | None:
    """Queue mail/<template>.txt for ``recipient`` in their language.

    Returns None (and queues nothing) for a deleted account."""
    if recipient.email is None:
        return None
    with force_locale(mail_language(recipient)):
        subject, body = render(template, recipient=recipient, **context)
    message = OutboxMessage(
        recipient_id=recipient.id, recipient_email=recipient.email, subject=subject, body=body, kind=template
    )
    db.session.add(message)
    return message
