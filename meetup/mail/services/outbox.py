"""Queue a message for a user, rendered in the user's language, with the
Message-ID it keeps however often it is sent.

``enqueue`` only adds a row to the session: it is committed, or rolled back,
with the change that caused it, so no mail goes out for a change that failed
and no change is made without its mail.

Until a person has confirmed their address (仮登録), the only mail they get is
about the account itself: ``ACCOUNT_MAIL``. Everything else is skipped here,
in this one place, so no caller can forget it. So is optional mail
(meetup.mail.topics) whose topic the person turned off; optional mail that
goes carries a one-click link to turn its topic off, in its List-Unsubscribe
header and at its foot.
"""

from typing import TYPE_CHECKING

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import preferences
from meetup.mail.topics import Topic, topic_of

if TYPE_CHECKING:
    from meetup.accounts.models import User

# Sent whether or not the recipient has confirmed their address.
ACCOUNT_MAIL = frozenset({"account-confirm", "account-exists", "password-reset", "account-claim"})


def mail_language(user: "User") -> str:
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


def enqueue(
    recipient: "User", template: str, *, to: str | None = None, calendar: str | None = None, **context
) -> OutboxMessage | None:
    """Queue mail/<template>.txt for ``recipient`` in their language, to their
    address or, for account mail only, to ``to`` (a new address to confirm);
    with ``calendar`` (iCalendar text, made now like the body) attached.

    Returns None (and queues nothing) for a deleted account, for any mail but
    account mail to a person who has not confirmed their address, and for
    optional mail of a topic the person turned off."""
    if recipient.email is None:
        return None
    account_mail = template in ACCOUNT_MAIL
    if recipient.email_confirmed_at is None and not account_mail:
        return None
    if to is not None and not account_mail:
        raise ValueError("only account mail goes to another address than the account's")
    topic = topic_of(template)
    if topic is not None and preferences.is_off(recipient.id, topic):
        return None
    unsubscribe_url = None
    with force_locale(mail_language(recipient)):
        subject, body = render(template, recipient=recipient, **context)
        if topic is not None:
            unsubscribe_url, footer = _opt_out(recipient, topic)
            body += footer
    message = OutboxMessage(
        recipient_id=recipient.id,
        recipient_email=to or recipient.email,
        subject=subject,
        body=body,
        kind=template,
        unsubscribe_url=unsubscribe_url,
        calendar=calendar,
    )
    db.session.add(message)
    return message


def _opt_out(recipient: "User", topic: Topic) -> tuple[str, str]:
    """The one-click link that turns ``topic`` off for ``recipient``, and the
    footer that says why they get the mail and shows the link."""
    url = external_url("accounts.unsubscribe", token=preferences.unsubscribe_token(recipient.id, topic))
    settings_url = external_url("accounts.profile", _anchor="mail")
    footer = render_template("mail/_unsubscribe.txt", topic=topic, unsubscribe_url=url, settings_url=settings_url)
    return url, "\n" + footer.strip() + "\n"
