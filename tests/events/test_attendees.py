"""What later steps read about an evening's people: goals, intros,
industries, first-timers and past no-shows."""

from datetime import timedelta

from meetup.events.queries import attendees as attendee_queries
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import cancel_registration


def test_attendees_are_the_checked_in_people_with_goals_intros_and_first_time_flags(
    make_event, host, make_user, sign_up_for, now
):
    earlier = make_event(starts_at=now + timedelta(days=1))
    tonight = make_event(starts_at=now + timedelta(days=30))
    regular = make_user(display_name="Regular", industry="lawyer")
    newcomer = make_user(display_name="Newcomer", industry="other", industry_other="Florist")
    absent = make_user(display_name="Absent")
    check_in(host, earlier.id, sign_up_for(earlier, regular).id, now=earlier.starts_at)

    registrations = {
        person.id: sign_up_for(tonight, person, goals=goals, intro=f"{person.display_name} says hi")
        for person, goals in ((regular, ("peers",)), (newcomer, ("learn", "practice-speaking")), (absent, ("learn",)))
    }
    for person in (regular, newcomer):
        check_in(host, tonight.id, registrations[person.id].id, now=tonight.starts_at)

    people = attendee_queries.attendees(tonight)
    assert [(a.display_name, a.industry, a.industry_other, a.goals, a.first_time) for a in people] == [
        ("Regular", "lawyer", "", ("peers",), False),
        ("Newcomer", "other", "Florist", ("learn", "practice-speaking"), True),
    ]
    assert people[0].intro == "Regular says hi" and all(a.checked_in for a in people)
    planned = attendee_queries.attendees(tonight, checked_in_only=False)
    assert [a.display_name for a in planned] == ["Regular", "Newcomer", "Absent"]


def test_no_shows_count_only_where_the_host_used_check_in(make_event, host, make_user, sign_up_for, now):
    with_door = make_event(starts_at=now + timedelta(days=1))
    without_door = make_event(starts_at=now + timedelta(days=2))
    cancelled_seat = make_event(starts_at=now + timedelta(days=3))
    later = make_event(starts_at=now + timedelta(days=30))
    skipper, keeper = make_user(), make_user()
    sign_up_for(with_door, skipper)
    check_in(host, with_door.id, sign_up_for(with_door, keeper).id, now=with_door.starts_at)
    sign_up_for(without_door, skipper)
    sign_up_for(cancelled_seat, skipper)
    cancel_registration(skipper, cancelled_seat.id, now=now)
    assert attendee_queries.past_no_shows([skipper.id, keeper.id], later) == {skipper.id: 1}
