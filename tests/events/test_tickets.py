"""Tickets: unguessable codes, and the door checking people in by a ticket's
code (scanned or typed) on check-in's rules (service level)."""

import re
from datetime import timedelta

import pytest

from meetup.errors import NotFoundError
from meetup.events.models import Registration
from meetup.events.services import events as hosting
from meetup.events.services.checkin import AlreadyCheckedInError, CheckInError, check_in_by_ticket
from meetup.events.services.registration import cancel_registration
from meetup.events.tickets import ALPHABET, grouped, new_ticket_code, normalise_ticket_code
from meetup.extensions import db
from tests.events.helpers import event_details

CODE = re.compile(f"[{ALPHABET}]{{10}}")


def at_seven_in_tokyo(now):
    """A week from ``now``, 19:00 in Tokyo (10:00 UTC)."""
    return (now + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def evening(make_event, now):
    return make_event(starts_at=at_seven_in_tokyo(now), capacity=2)


def test_every_registration_gets_its_own_code_of_ten_unambiguous_symbols(make_event, make_user, sign_up_for):
    assert len(ALPHABET) == 31 and not set("01OIL") & set(ALPHABET)
    event = make_event(capacity=25)
    registrations = [sign_up_for(event, make_user()) for _ in range(40)]  # seats and waitlist alike
    codes = [r.ticket_code for r in registrations]
    assert all(CODE.fullmatch(code) for code in codes)
    assert len(set(codes)) == len(codes)
    many = [new_ticket_code() for _ in range(20_000)]
    assert all(CODE.fullmatch(code) for code in many)
    assert len(set(many)) == len(many)  # 31**10 ≈ 8e14 codes: a repeat here would mean a broken generator
    assert set("".join(many)) == set(ALPHABET)  # every symbol is used, so each carries its share of chance


def test_a_code_is_shown_in_two_groups_and_read_back_however_it_was_typed():
    assert grouped("ABCDE23456") == "ABCDE-23456"
    for typed in ("abcde-23456", " ABCDE 23456 ", "ａｂｃｄｅ－２３４５６", "AbCdE　23456", "ABCDE-23456"):
        assert normalise_ticket_code(typed) == "ABCDE23456"


def test_the_host_checks_a_ticket_holder_in_by_the_code_however_it_is_typed(evening, host, user, sign_up_for):
    registration = sign_up_for(evening, user)
    code = registration.ticket_code
    typed = f" {code[:5].lower()}－{code[5:].translate(str.maketrans(ALPHABET, ALPHABET.lower()))} "
    door = evening.starts_at - timedelta(minutes=20)
    assert check_in_by_ticket(host, evening.id, typed, now=door) == registration
    assert registration.checked_in_at == door


def test_a_ticket_shown_again_says_when_its_holder_came_in(evening, host, user, sign_up_for):
    registration = sign_up_for(evening, user)
    came = evening.starts_at + timedelta(minutes=5)
    check_in_by_ticket(host, evening.id, registration.ticket_code, now=came)
    with pytest.raises(AlreadyCheckedInError, match=r"Aiko Tanaka is already checked in \(since 19:05\)"):
        check_in_by_ticket(host, evening.id, registration.ticket_code, now=came + timedelta(minutes=30))
    assert registration.checked_in_at == came


def test_a_ticket_opens_only_its_own_evening(evening, make_event, host, user, sign_up_for, now):
    mine = sign_up_for(evening, user)
    same_night = make_event(starts_at=evening.starts_at, title="Another room, same night")
    with pytest.raises(CheckInError, match="This ticket is for another evening, not this one."):
        check_in_by_ticket(host, same_night.id, mine.ticket_code, now=evening.starts_at)
    assert mine.checked_in_at is None


def test_a_cancelled_seat_and_a_waitlisted_person_are_refused_with_the_reason(
    evening, host, make_user, sign_up_for, now
):
    seated = [sign_up_for(evening, make_user(display_name=name)) for name in ("Ken Mori", "Yui Sato")]
    waiting = sign_up_for(evening, make_user(display_name="Waiting Person"))
    cancel_registration(seated[0].user, evening.id, now=now)  # Waiting Person takes the seat
    late = sign_up_for(evening, make_user(display_name="Late Comer"))  # and Late Comer waits
    door = evening.starts_at
    with pytest.raises(CheckInError, match="Ken Mori cancelled this registration: the ticket is no longer valid."):
        check_in_by_ticket(host, evening.id, seated[0].ticket_code, now=door)
    with pytest.raises(CheckInError, match="Late Comer is on the waitlist and has no seat this evening."):
        check_in_by_ticket(host, evening.id, late.ticket_code, now=door)
    assert check_in_by_ticket(host, evening.id, waiting.ticket_code, now=door) == waiting  # promoted: a ticket
    assert [r.checked_in_at for r in (seated[0], late)] == [None, None]


@pytest.mark.parametrize("code", ["", "-", "ABCDE-2345", "ABCDE-234567", "ABCDE-2345O", "'; DROP TABLE x; --"])
def test_an_unknown_code_says_so(evening, host, user, sign_up_for, code):
    sign_up_for(evening, user)
    with pytest.raises(CheckInError, match="No ticket has the code"):
        check_in_by_ticket(host, evening.id, code, now=evening.starts_at)


def test_a_well_formed_code_nobody_holds_says_so(evening, host, user, sign_up_for):
    taken = sign_up_for(evening, user).ticket_code
    unused = next(c for c in (new_ticket_code() for _ in range(10)) if c != taken)
    with pytest.raises(CheckInError, match=f"No ticket has the code {grouped(unused)}."):
        check_in_by_ticket(host, evening.id, unused, now=evening.starts_at)


def test_check_ins_rules_hold_for_a_ticket_too(evening, host, user, sign_up_for, now):
    registration = sign_up_for(evening, user)
    with pytest.raises(CheckInError, match="opens 6 hours before"):
        check_in_by_ticket(host, evening.id, registration.ticket_code, now=now)
    changed = event_details(now, starts_at=evening.starts_at, capacity=2, conduct_extra="No cards before round two.")
    hosting.update_event(host, evening.id, changed, now=now)
    with pytest.raises(CheckInError, match="needs to accept the current code of conduct"):
        check_in_by_ticket(host, evening.id, registration.ticket_code, now=evening.starts_at)
    assert db.session.get(Registration, registration.id).checked_in_at is None


def test_only_the_events_host_checks_tickets_in(evening, host, user, make_user, sign_up_for):
    registration = sign_up_for(evening, user)
    for outsider in (user, make_user()):
        with pytest.raises(NotFoundError):
            check_in_by_ticket(outsider, evening.id, registration.ticket_code, now=evening.starts_at)
    assert registration.checked_in_at is None
