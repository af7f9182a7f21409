"""Never lost, never doubled: a worker claims messages before it sends them
and records each one as soon as the server has it, so a worker that dies
repeats at most the message in flight (under its own Message-ID), and two
workers at once never send the same message."""

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from meetup.accounts.models import User
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import sender
from meetup.mail.services.sender import LEASE, send_pending
from tests.events.test_concurrency import simultaneously

NOW = datetime(2031, 5, 1, 10, 0)


def queue(recipient, count):
    messages = [
        OutboxMessage(
            recipient_id=recipient.id,
            recipient_email=recipient.email,
            subject=f"Message {n}",
            body="本文\n",
            kind="test",
            created_at=NOW,
            next_attempt_at=NOW,
        )
        for n in range(count)
    ]
    db.session.add_all(messages)
    db.session.commit()
    return [message.id for message in messages]


def outbox(ids) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))


class WorkerDied(BaseException):
    """The worker process ends here, as a kill -9 or a power cut would end it."""


def test_each_message_goes_out_under_the_message_id_it_was_queued_with(app, smtp_server, user):
    ids = queue(user, 2)
    stored = [message.message_id for message in outbox(ids)]
    assert len(set(stored)) == 2 and all(mid.startswith("<") and mid.endswith("@meetup.localhost>") for mid in stored)
    assert send_pending(now=NOW) == (2, 0, 0)
    assert [received["Message-ID"] for received in smtp_server.messages] == stored


def test_a_worker_that_dies_mid_batch_repeats_at_most_the_message_in_flight(app, smtp_server, user, monkeypatch):
    ids = queue(user, 5)
    real_send = sender.smtplib.SMTP.send_message

    def dies_once_the_server_has_message_2(self, email, *args, **kwargs):
        real_send(self, email, *args, **kwargs)
        if email["Subject"] == "Message 2":
            raise WorkerDied

    monkeypatch.setattr(sender.smtplib.SMTP, "send_message", dies_once_the_server_has_message_2)
    with pytest.raises(WorkerDied):
        send_pending(now=NOW)
    monkeypatch.undo()
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0", "Message 1", "Message 2"]
    assert [m.sent_at is not None for m in outbox(ids)] == [True, True, False, False, False]

    # A worker started at once finds the dead one's claim still holding...
    assert send_pending(now=NOW + LEASE - timedelta(seconds=1)) == (0, 0, 0)
    # ...and takes the messages over once it has lapsed.
    assert send_pending(now=NOW + LEASE) == (3, 0, 0)

    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    message_2 = outbox(ids)[2].message_id
    assert received == {message.message_id: 2 if message.message_id == message_2 else 1 for message in outbox(ids)}
    assert all(message.sent_at is not None and message.claimed_until is None for message in outbox(ids))


def test_two_workers_at_once_send_each_message_exactly_once(committing_app, smtp_server, monkeypatch):
    recipient = User(
        email="member@example.com", password_hash="!", display_name="Aiko", industry="it", email_confirmed_at=NOW
    )
    db.session.add(recipient)
    db.session.commit()
    ids = queue(recipient, 3 * sender.BATCH_SIZE)
    stored = {message.message_id for message in outbox(ids)}
    db.session.remove()

    # Each worker sends its first message only once both hold a claim, so
    # the two claims were taken side by side, not one after the other.
    both_hold_a_claim = threading.Barrier(2, timeout=30)
    real_transport = sender._transport
    waited = threading.local()

    def transport_once_both_claimed():
        if not getattr(waited, "done", False):
            waited.done = True
            both_hold_a_claim.wait()
        return real_transport()

    monkeypatch.setattr(sender, "_transport", transport_once_both_claimed)
    results, errors = simultaneously(committing_app, [lambda: send_pending(now=NOW)] * 2)

    assert errors == []
    assert sorted(delivery.sent for delivery in results)[0] > 0, "one worker did all the work"
    assert sum(delivery.sent for delivery in results) == len(ids)
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert received == {message_id: 1 for message_id in stored}
