"""The reveal: mutual pairs become matches, at once, for both, exactly once."""

from datetime import timedelta

from sqlalchemy import select

from meetup.extensions import db
from meetup.matching.models import Reveal
from meetup.matching.queries import matches_made
from meetup.matching.services.choices import save_choices
from meetup.matching.services.reveal import reveal, reveal_due_for, reveal_matches, reveals_due
from meetup.rules.models import Block, Match
from meetup.rules.queries import mutual_pairs
from tests import clock
from tests.events.helpers import mails


def _active_pairs():
    return {
        frozenset((m.user_low_id, m.user_high_id))
        for m in db.session.scalars(select(Match).where(Match.ended_at.is_(None)))
    }


def test_mutual_choices_become_one_match_and_both_get_mail(seated, during, after):
    event, (a, b, c, d) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id, c.id], now=during)
    save_choices(c, event.id, [d.id], now=during)
    assert reveal_matches(event.id, now=after) == 1
    assert _active_pairs() == {frozenset((a.id, b.id))}
    match_mails = mails(kind="meet-again-match")
    assert sorted(m.recipient_id for m in match_mails) == sorted([a.id, b.id])
    assert b.display_name in mails(kind="meet-again-match", to=a)[0].subject
    assert matches_made(event.id) == 1


def test_one_sided_choices_make_no_match_no_mail_and_no_trace(seated, during, after):
    event, (a, b, c, d) = seated()
    save_choices(c, event.id, [d.id], now=during)
    assert reveal_matches(event.id, now=after) == 0
    assert _active_pairs() == set()
    assert [m.kind for m in mails(to=d)] == ["registration-confirmed", "tables-published"]
    assert mails(kind="meet-again-match") == []
    assert mutual_pairs([c.id, d.id]) == set()


def test_nothing_is_revealed_before_the_window_closes(seated, during, after):
    event, (a, b, *_) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    assert reveal_matches(event.id, now=after - timedelta(minutes=2)) is None
    assert _active_pairs() == set() and matches_made(event.id) is None
    assert mails(kind="meet-again-match") == []


def test_the_reveal_happens_once(seated, during, after):
    event, (a, b, *_) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    assert reveal_matches(event.id, now=after) == 1
    assert reveal_matches(event.id, now=after + timedelta(days=1)) is None
    assert reveals_due(after + timedelta(days=2)) == []
    assert reveal(event.id, now=after + timedelta(days=2)) == 0
    assert len(mails(kind="meet-again-match")) == 2


def test_a_blocked_pair_is_never_matched(seated, during, after):
    event, (a, b, *_) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    db.session.add(Block(blocker_id=a.id, blocked_id=b.id))
    db.session.commit()
    assert reveal_matches(event.id, now=after) == 0
    assert _active_pairs() == set() and mails(kind="meet-again-match") == []


def test_matches_feed_seating_and_one_sided_choices_do_not(seated, during, after):
    event, (a, b, c, d) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    save_choices(c, event.id, [d.id], now=during)
    reveal_matches(event.id, now=after)
    assert mutual_pairs([a.id, b.id, c.id, d.id]) == {frozenset((a.id, b.id))}


def test_an_ended_match_chosen_again_at_a_later_event_is_made_afresh(seated, during, after, evening):
    event, (a, b, c, d) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    reveal_matches(event.id, now=after)
    match = db.session.scalar(select(Match))
    old_address = match.public_id
    match.ended_at = after
    db.session.commit()
    later, _ = seated(users=[a, b])
    save_choices(a, later.id, [b.id], now=during)
    save_choices(b, later.id, [a.id], now=during)
    assert reveal_matches(later.id, now=after) == 1
    db.session.refresh(match)
    assert match.ended_at is None and match.public_id != old_address and match.event_id == later.id


def test_reveal_due_for_reveals_only_the_persons_closed_events(seated, during, after):
    event, (a, b, c, d) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    assert reveal_due_for(c.id, now=during) == 0
    assert reveal_due_for(c.id, now=after) == 1  # anyone who was there triggers the whole event's reveal
    assert _active_pairs() == {frozenset((a.id, b.id))}


def test_the_worker_reveals_every_closed_window(app, seated, during, after):
    event, (a, b, *_) = seated()
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    runner = app.test_cli_runner()
    clock.move_to(during)
    early = runner.invoke(args=["worker", "--once"])
    assert early.exit_code == 0 and "reveal" not in early.output, early.output
    assert db.session.get(Reveal, event.id) is None
    clock.move_to(after)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert f"reveal for event {event.id}: 1 done." in result.output
    assert db.session.get(Reveal, event.id).matches_made == 1
