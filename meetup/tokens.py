"""The signed links mail carries: confirming an address (24 hours), setting a
new password (one hour), claiming an account the host made for a walk-in by
choosing its first password (30 days: the mail is read after the evening, and
the meet-again window runs up to two weeks), and turning a topic of optional
mail off with one click (a year: people unsubscribe from a mail they kept,
often months later, and RFC 8058's one-click link should work for as long as
the mail is likely to be kept; the link only ever turns one kind of optional
mail off for its owner, which anyone may ask for in their profile anyway),
and reporting a message a host wrote to an evening's attendees (a year, for
the same reason: it names the message and the one recipient it was made for,
and only that recipient, logged in, may use it: it is the proof that the
message reached them, so nothing about recipients is stored).

itsdangerous signs them, as Flask signs its session, with the app's secret
key and a salt per purpose, so a link made for one purpose never works for
another (the password page takes both reset and claim links). Nothing is
stored: a reset or claim link names a fingerprint of the password hash it was
made for, so it stops working once the password changes (used or not); an
address link names the address the account had, so it stops working once the
address changes.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"
CLAIM_ACCOUNT = "claim-account"
UNSUBSCRIBE = "unsubscribe"
REPORT_HOST_MESSAGE = "report-host-message"
MAX_AGE = {
    CONFIRM_EMAIL: timedelta(hours=24),
    RESET_PASSWORD: timedelta(hours=1),
    CLAIM_ACCOUNT: timedelta(days=30),
    UNSUBSCRIBE: timedelta(days=365),
    REPORT_HOST_MESSAGE: timedelta(days=365),
}


class BadTokenError(Exception):
    """Forged, damaged, made for another purpose, or too old."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=purpose)


def password_fingerprint(password_hash: str) -> str:
    """Changes whenever the password does; tells nothing about it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read(purpose: str, token: str, *, now: datetime) -> dict:
    """The payload of a good token made for ``purpose`` no longer ago than
    its purpose allows, at ``now`` (naive UTC); else BadTokenError."""
    try:
        payload, signed_at = _serializer(purpose).loads(token, return_timestamp=True)
    except BadData as error:  # a bad signature, or (with the key) a bad payload
        raise BadTokenError from error
    age = now - signed_at.astimezone(UTC).replace(tzinfo=None)
    if not isinstance(payload, dict) or age > MAX_AGE[purpose] or age < -timedelta(minutes=5):
        raise BadTokenError
    return payload
