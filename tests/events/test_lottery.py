"""The lottery (抽選) as applicants and hosts rely on it: applications hold no
seat, one draw gives exactly the seats there are and orders the waitlist, the
order is reproducible from the recorded seed, it never runs twice, and the
shuffle gives everyone the same chance however early they applied."""

import hashlib
from datetime import timedelta

import pytest
from flask_babel import force_locale
from scipy.stats import chi2, chisquare
from sqlalchemy import select

from meetup.errors import DomainError
from meetup.events.models import APPLIED, CONFIRMED, LOTTERY, WAITLISTED, Event, Registration
from meetup.events.queries.events import counts, waitlist_position
from meetup.events.services import events as hosting
from meetup.events.services.lottery import draw, draw_order, draws_due
from meetup.events.services.messages import reach
from meetup.events.services.registration import cancel_registration
from meetup.events.timezones import format_moment_named
from meetup.extensions import db
from meetup.jobs import Done, Worker
from tests.events.helpers import event_details, mails

DRAW_IN = timedelta(days=3)


@pytest.fixture
def lottery(make_event, now):
    """Factory: a published lottery evening, drawn three days from now."""

    def make(**overrides):
        return make_event(admission=LOTTERY, draw_at=now + DRAW_IN, **overrides)

    return make


def apply_all(event, people, sign_up_for, at=None):
    return [sign_up_for(event, person, at=at) for person in people]


def drawn(event) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.draw_position.is_not(None))
            .order_by(Registration.draw_position)
        )
    )


def after_draw(now):
    return now + DRAW_IN + timedelta(minutes=1)


# Applying


def test_an_application_holds_no_seat_and_is_counted_and_mailed_with_the_draw_time(
    lottery, make_user, sign_up_for, now
):
    event = lottery(capacity=2)
    english, japanese = make_user(), make_user(language="ja", display_name="佐藤 健二")
    for person in (english, japanese):
        registration = sign_up_for(event, person)
        assert (registration.status, registration.confirmed_at, registration.draw_position) == (APPLIED, None, None)
    seats = counts(event.id)
    assert (seats.applied, seats.confirmed, seats.waitlisted) == (2, 0, 0)

    [mail] = mails("lottery-applied", to=english)
    assert mail.subject == "Your application is in: Shibuya professionals' mixer"
    draw_time = format_moment_named(event.draw_at, event.timezone)
    assert f"the draw is at {draw_time}, and we will write to you with the result." in mail.body
    assert "(Japan Time)" in draw_time
    assert "/ticket" not in mail.body and mail.calendar is None
    [mail] = mails("lottery-applied", to=japanese)
    assert mail.subject.startswith("応募を受け付けました")
    with force_locale("ja"):
        draw_time = format_moment_named(event.draw_at, event.timezone)
    assert f"抽選は{draw_time}で、結果はメールでお知らせします。" in mail.body and "(日本時間)" in draw_time
    assert not mails("registration-confirmed") and not mails("registration-waitlisted")


def test_an_applicant_can_withdraw_before_the_draw_and_is_not_drawn(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=1)
    leaving, staying = make_user(), make_user()
    apply_all(event, (leaving, staying), sign_up_for)
    cancel_registration(leaving, event.id, now=now)
    assert counts(event.id).applied == 1
    assert draw(event.id, now=after_draw(now)) == 1
    assert [r.user_id for r in drawn(event)] == [staying.id]


def test_no_seat_is_given_before_the_draw_even_when_capacity_grows(lottery, host, make_user, sign_up_for, now):
    event = lottery(capacity=1)
    apply_all(event, [make_user() for _ in range(3)], sign_up_for)
    hosting.update_event(
        host, event.id, event_details(now, capacity=5, admission=LOTTERY, draw_at=event.draw_at), now=now
    )
    assert (counts(event.id).confirmed, counts(event.id).applied) == (0, 3)


# The draw


def test_the_draw_seats_exactly_capacity_and_waitlists_the_rest_in_draw_order(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=3)
    people = [make_user() for _ in range(7)]
    apply_all(event, people, sign_up_for)
    assert draw(event.id, now=now) == 0, "not before its time"

    assert draw(event.id, now=after_draw(now)) == 7
    order = drawn(event)
    assert [r.draw_position for r in order] == list(range(1, 8))
    assert [r.status for r in order] == [CONFIRMED] * 3 + [WAITLISTED] * 4
    assert counts(event.id).confirmed == 3, "never one more than capacity"
    assert all(r.confirmed_at == after_draw(now) for r in order[:3])
    assert [waitlist_position(r) for r in order[3:]] == [1, 2, 3, 4]
    queue = [r.queue_number for r in order]
    assert queue == sorted(queue) and min(queue) > len(people), "numbers after those used, in draw order"
    stamped = db.session.get(Event, event.id)
    assert stamped.drawn_at == after_draw(now) and len(bytes.fromhex(stamped.draw_seed)) == 32


def test_the_order_is_reproducible_from_the_recorded_seed(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=2)
    apply_all(event, [make_user() for _ in range(9)], sign_up_for)
    draw(event.id, now=after_draw(now))
    seed = bytes.fromhex(db.session.get(Event, event.id).draw_seed)
    order = [r.id for r in drawn(event)]
    assert draw_order(seed, sorted(order)) == order
    assert draw_order(seed, reversed(order)) == order, "the order the rows come in plays no part"


def test_everyone_is_mailed_their_result(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=1)
    people = [make_user(language=("en", "ja")[n % 2]) for n in range(4)]
    apply_all(event, people, sign_up_for)
    draw(event.id, now=after_draw(now))
    order = drawn(event)
    [seat] = mails("lottery-seat")
    assert seat.recipient_id == order[0].user_id
    assert f"/events/{event.id}/ticket" in seat.body and seat.calendar
    waiting = {m.recipient_id: m for m in mails("lottery-waitlisted")}
    assert set(waiting) == {r.user_id for r in order[1:]}
    for place, registration in enumerate(order[1:], start=1):
        body = waiting[registration.user_id].body
        assert f"number {place}," in body or f"{place}番目" in body
        assert "/ticket" not in body


def test_the_draw_runs_once(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=2)
    apply_all(event, [make_user() for _ in range(5)], sign_up_for)
    assert draw(event.id, now=after_draw(now)) == 5
    seed, order = db.session.get(Event, event.id).draw_seed, [r.id for r in drawn(event)]
    sent = len(mails())

    assert draw(event.id, now=after_draw(now) + timedelta(hours=1)) == 0
    assert draws_due(after_draw(now) + timedelta(hours=1)) == []
    assert db.session.get(Event, event.id).draw_seed == seed
    assert [r.id for r in drawn(event)] == order and len(mails()) == sent


def test_the_worker_draws_when_the_time_has_come_and_a_restart_does_nothing(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=2)
    draft = hosting.create_event(
        event.host, event_details(now, admission=LOTTERY, draw_at=now + timedelta(hours=1)), now=now
    )
    apply_all(event, [make_user() for _ in range(3)], sign_up_for)
    event_id, draft_id = event.id, draft.id
    assert not [d for d in Worker().tick(now + timedelta(hours=2)).done if d.job == "draws"]
    assert Done("draws", event_id, 3) in Worker().tick(after_draw(now)).done
    assert not [d for d in Worker().tick(after_draw(now)).done if d.job == "draws"], "a restarted worker"
    assert db.session.get(Event, draft_id).drawn_at is None, "a draft is never drawn"
    assert db.session.get(Event, event_id).drawn_at == after_draw(now)


def test_cancelling_after_the_draw_gives_the_seat_to_the_next_drawn(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=2)
    people = {p.id: p for p in (make_user() for _ in range(5))}
    apply_all(event, people.values(), sign_up_for)
    draw(event.id, now=after_draw(now))
    order = drawn(event)
    cancel_registration(people[order[0].user_id], event.id, now=after_draw(now))
    db.session.expire_all()
    assert [r.status for r in drawn(event)] == ["cancelled", CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    [promoted] = mails("registration-promoted")
    assert promoted.recipient_id == order[2].user_id


def test_registering_after_the_draw_time_runs_the_draw_first_then_goes_first_come(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=3)
    applicants = [make_user() for _ in range(2)]
    apply_all(event, applicants, sign_up_for)
    late = sign_up_for(event, make_user(), at=after_draw(now))
    assert db.session.get(Event, event.id).drawn_at == after_draw(now)
    assert [r.status for r in drawn(event)] == [CONFIRMED, CONFIRMED]
    assert (late.status, late.draw_position) == (CONFIRMED, None), "the free seat, first come"
    later = sign_up_for(event, make_user(), at=after_draw(now))
    assert later.status == WAITLISTED and waitlist_position(later) == 1


def test_after_the_draw_a_newcomer_joins_the_end_of_the_waitlist(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=1)
    apply_all(event, [make_user() for _ in range(3)], sign_up_for)
    draw(event.id, now=after_draw(now))
    newcomer = sign_up_for(event, make_user(), at=after_draw(now))
    assert newcomer.status == WAITLISTED and waitlist_position(newcomer) == 3
    assert newcomer.queue_number > max(r.queue_number for r in drawn(event))


def test_a_message_with_the_waitlist_reaches_applicants_before_the_draw(lottery, host, make_user, sign_up_for, now):
    event = lottery(capacity=2)
    apply_all(event, [make_user() for _ in range(3)], sign_up_for)
    assert (reach(event, host).confirmed, reach(event, host).applied) == (0, 3)


# Fairness of the shuffle: the order is a pure function of the seed and the
# ids, so seeds derived from a counter make these tests exact and repeatable:
# they can fail (a biased order does), and never flake.

DRAWS = 6000
APPLICANTS = 8
SEATS = 3
P_FLOOR = 1e-4  # a fair shuffle's statistic lies below this tail but for 1 in 10,000 counters


def seeds(count):
    return (hashlib.sha256(f"lottery-test-{n}".encode()).digest() for n in range(count))


def positions_by_applicant(ids):
    """How often each id lands at each position over DRAWS derived seeds."""
    table = {registration_id: [0] * len(ids) for registration_id in ids}
    for seed in seeds(DRAWS):
        for position, registration_id in enumerate(draw_order(seed, ids)):
            table[registration_id][position] += 1
    return table


@pytest.mark.parametrize("ids", [list(range(1, APPLICANTS + 1)), [7, 8, 120, 121, 122, 5000, 5001, 99999]])
def test_each_applicant_lands_in_each_position_equally_often(ids):
    table = positions_by_applicant(ids)
    expected = DRAWS / len(ids)
    for registration_id, row in table.items():
        assert chisquare(row).pvalue > P_FLOOR, (registration_id, row)
    # And over the whole table: (n-1)² degrees of freedom, as for a contingency table.
    observed = [count for row in table.values() for count in row]
    statistic = sum((count - expected) ** 2 / expected for count in observed)
    assert chi2.sf(statistic, (len(ids) - 1) ** 2) > P_FLOOR


def test_the_chance_of_a_seat_is_the_same_however_early_someone_applied():
    ids = list(range(1, APPLICANTS + 1))  # ids follow the order people applied in
    table = positions_by_applicant(ids)
    seated = [sum(table[registration_id][:SEATS]) for registration_id in ids]
    # Earliest, latest and everyone between: the same share of seats.
    assert chisquare(seated).pvalue > P_FLOOR, seated
    assert abs(seated[0] - seated[-1]) < 0.1 * DRAWS * SEATS / APPLICANTS


def test_a_biased_order_would_fail_the_test():
    """The control: ordering by id (first come) is caught."""
    table = {i: [0] * APPLICANTS for i in range(APPLICANTS)}
    for _ in range(DRAWS):
        for position, registration_id in enumerate(range(APPLICANTS)):
            table[registration_id][position] += 1
    assert chisquare(table[0]).pvalue < P_FLOOR


# The host's settings


@pytest.mark.parametrize(
    "change, field",
    [
        (dict(draw_at=None), "draw_at"),
        (dict(draw_at="after the deadline"), "draw_at"),
        (dict(draw_at="past"), "draw_at"),
        (dict(admission="raffle"), "admission"),
    ],
)
def test_a_lottery_needs_a_future_draw_time_before_the_deadline(host, now, change, field):
    values = dict(admission=LOTTERY, draw_at=now + DRAW_IN, registration_deadline=now + timedelta(days=5))
    values.update(change)
    if values["draw_at"] == "after the deadline":
        values["draw_at"] = now + timedelta(days=6)
    elif values["draw_at"] == "past":
        values["draw_at"] = now - timedelta(minutes=1)
    with pytest.raises(DomainError) as refused:
        hosting.create_event(host, event_details(now, **values), now=now)
    assert refused.value.field == field


def test_the_draw_may_be_at_the_deadline_and_first_come_keeps_no_draw_time(host, now):
    deadline = now + timedelta(days=5)
    event = hosting.create_event(
        host, event_details(now, admission=LOTTERY, draw_at=deadline, registration_deadline=deadline), now=now
    )
    assert (event.admission, event.draw_at) == (LOTTERY, deadline)
    plain = hosting.create_event(host, event_details(now, draw_at=deadline), now=now)
    assert plain.draw_at is None


def test_the_way_seats_are_given_stays_once_someone_applied_and_the_draw_time_once_drawn(
    lottery, host, user, sign_up_for, now
):
    event = lottery(capacity=2)
    same = dict(admission=LOTTERY, draw_at=event.draw_at)
    hosting.update_event(host, event.id, event_details(now, **{**same, "draw_at": now + DRAW_IN * 2}), now=now)
    assert db.session.get(Event, event.id).draw_at == now + DRAW_IN * 2, "a draw time may move before anyone applied"
    sign_up_for(event, user)
    with pytest.raises(DomainError) as refused:
        hosting.update_event(host, event.id, event_details(now), now=now)
    assert refused.value.field == "admission"
    draw(event.id, now=now + DRAW_IN * 2 + timedelta(minutes=1))
    later = now + DRAW_IN * 2 + timedelta(hours=1)
    with pytest.raises(DomainError) as refused:
        hosting.update_event(host, event.id, event_details(now, admission=LOTTERY, draw_at=later + DRAW_IN), now=later)
    assert refused.value.field == "draw_at"
    # The rest of the evening can still be edited once drawn.
    hosting.update_event(
        host,
        event.id,
        event_details(now, admission=LOTTERY, draw_at=now + DRAW_IN * 2, title="Renamed"),
        now=later,
    )
    assert db.session.get(Event, event.id).title == "Renamed"


def test_a_lottery_whose_draw_time_passed_is_not_published(host, now):
    event = hosting.create_event(host, event_details(now, admission=LOTTERY, draw_at=now + timedelta(hours=1)), now=now)
    with pytest.raises(DomainError):
        hosting.publish_event(host, event.id, now=now + timedelta(hours=2))
    assert db.session.get(Event, event.id).state == "draft"


def test_the_draw_record_keeps_someone_drawn_who_cancelled_and_came_back(lottery, make_user, sign_up_for, now):
    event = lottery(capacity=1)
    people = {p.id: p for p in (make_user() for _ in range(3))}
    apply_all(event, people.values(), sign_up_for)
    draw(event.id, now=after_draw(now))
    first = drawn(event)[0]
    cancel_registration(people[first.user_id], event.id, now=after_draw(now))
    again = sign_up_for(event, people[first.user_id], at=after_draw(now))
    assert again.status == WAITLISTED and again.draw_position == 1, "the record of the draw does not change"
    seed = bytes.fromhex(db.session.get(Event, event.id).draw_seed)
    order = [r.id for r in drawn(event)]
    assert draw_order(seed, order) == order and len(order) == 3


def test_the_applied_and_result_mails_arrive_through_smtp_in_each_language(
    lottery, make_user, sign_up_for, now, smtp_server
):
    event = lottery(capacity=1)
    english = make_user(email="en@example.com", language="en")
    japanese = make_user(email="ja@example.com", language="ja")
    apply_all(event, (english, japanese), sign_up_for)
    event_id = event.id
    Worker().tick(now)  # sends the application mails; nothing is drawn yet
    Worker().tick(after_draw(now))  # draws, then sends the results
    received = {}
    for message in smtp_server.messages:
        received.setdefault(message["To"], []).append(message["Subject"])
    assert received["en@example.com"][0] == "Your application is in: Shibuya professionals' mixer"
    assert received["ja@example.com"][0] == "応募を受け付けました：Shibuya professionals' mixer"
    results = {received["en@example.com"][1], received["ja@example.com"][1]}
    title = "Shibuya professionals' mixer"
    assert results in (
        {f"The draw gave you a seat: {title}", f"抽選の結果、キャンセル待ちになりました：{title}"},
        {f"The draw: you are on the waitlist for {title}", f"抽選の結果、参加が確定しました：{title}"},
    )
    assert db.session.get(Event, event_id).drawn_at == after_draw(now)
