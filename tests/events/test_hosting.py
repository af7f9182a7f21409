"""Creating, editing, publishing, cancelling and repeating events (service level)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CANCELLED, CONFIRMED, DRAFT, PUBLISHED, Event, EventSeries, Registration
from meetup.events.queries import events as event_queries
from meetup.events.services import events as hosting
from meetup.events.services.events import same_weekday_next_month
from meetup.events.timezones import to_local, to_utc
from meetup.extensions import db
from tests.events.helpers import event_details, mails


def event_count():
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_new_event_is_a_draft_with_the_defaults(host, now):
    event = hosting.create_event(host, event_details(now), now=now)
    assert event.state == DRAFT
    assert (event.table_size, event.table_count, event.rounds, event.meet_again_days) == (5, None, 3, 3)
    assert event.timezone == "Asia/Tokyo"
    assert event.registration_deadline == event.starts_at


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"starts_at": "past"}, "starts_at"),
        ({"ends_at": "before start"}, "ends_at"),
        ({"registration_deadline": "after start"}, "registration_deadline"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10**12}, "capacity"),
        ({"table_size": 3}, "table_number"),
        ({"table_size": 9}, "table_number"),
        ({"table_size": None, "table_count": 0}, "table_number"),
        ({"fee_yen": -1}, "fee_yen"),
        ({"fee_yen": 100_001}, "fee_yen"),
        ({"rounds": 0}, "rounds"),
        ({"rounds": 7}, "rounds"),
        ({"meet_again_days": 0}, "meet_again_days"),
        ({"meet_again_days": 15}, "meet_again_days"),
        ({"goals": ["learn", "get-rich"]}, "goals"),
        ({"goals": [], "custom_goals": []}, "goals"),
        ({"custom_goals": ["a", "b", "c", "d"]}, "custom_goals"),
        ({"custom_goals": ["x" * 61]}, "custom_goals"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"description": "x" * 4001}, "description"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_event_details_are_refused_and_nothing_is_created(host, now, overrides, field):
    start = now + timedelta(days=7)
    relative = {
        "past": now - timedelta(hours=1),
        "before start": start - timedelta(minutes=1),
        "after start": start + timedelta(minutes=1),
    }
    values = {
        name: relative.get(value, value) if isinstance(value, str) else value for name, value in overrides.items()
    }
    values.setdefault("starts_at", start)
    with pytest.raises(DomainError) as refused:
        hosting.create_event(host, event_details(now, **values), now=now)
    assert refused.value.field == field
    assert event_count() == 0


def test_a_fixed_number_of_tables_replaces_the_table_size(host, now):
    event = hosting.create_event(host, event_details(now, table_count=6), now=now)
    assert (event.table_size, event.table_count) == (None, 6)


def test_drafts_are_invisible_to_everyone_but_the_host_and_admins(make_event, host, user, make_user):
    draft = make_event(publish=False)
    assert event_queries.visible_event(host, draft.id) is draft
    with pytest.raises(NotFoundError):
        event_queries.visible_event(user, draft.id)
    admin = make_user()
    admin.is_admin = True
    assert event_queries.visible_event(admin, draft.id) is draft


def test_only_the_host_or_an_admin_can_change_an_event(make_event, host, user, make_user, now):
    event = make_event()
    with pytest.raises(NotFoundError):
        hosting.update_event(user, event.id, event_details(now, starts_at=event.starts_at, title="Mine now"), now=now)
    with pytest.raises(NotFoundError):
        hosting.cancel_event(user, event.id, now=now)
    assert event.title != "Mine now" and event.state == PUBLISHED
    admin = make_user()
    admin.is_admin = True
    hosting.update_event(admin, event.id, event_details(now, starts_at=event.starts_at, title="Fixed typo"), now=now)
    assert event.title == "Fixed typo"


def test_publishing_needs_a_venue_or_a_link_and_a_future_start(make_event, host, now):
    event = make_event(publish=False, venue="")
    with pytest.raises(DomainError, match="venue or an online link"):
        hosting.publish_event(host, event.id, now=now)
    with pytest.raises(DomainError, match="start has passed"):
        hosting.publish_event(host, event.id, now=event.starts_at)
    assert event.state == DRAFT


def test_changing_the_events_own_conduct_lines_asks_everyone_to_accept_again(make_event, host, now):
    event = make_event(conduct_extra="No photos without asking.")
    assert event.conduct_revision == 0
    same = event_details(now, starts_at=event.starts_at, conduct_extra="No photos without asking.")
    hosting.update_event(host, event.id, same, now=now)
    assert event.conduct_revision == 0
    changed = event_details(now, starts_at=event.starts_at, conduct_extra="No photos. No recording.")
    hosting.update_event(host, event.id, changed, now=now)
    assert event.conduct_revision == 1


def test_own_goals_keep_their_codes_and_codes_are_never_reused(host, now):
    event = hosting.create_event(host, event_details(now, custom_goals=["Find a mentor", "Talk about AI"]), now=now)
    assert event.goals == ["learn", "peers", "practice-speaking", "custom-1", "custom-2"]
    hosting.update_event(
        host,
        event.id,
        event_details(now, starts_at=event.starts_at, goals=["learn"], custom_goals=["Talk about AI", "Hire nobody"]),
        now=now,
    )
    assert event.goals == ["learn", "custom-2", "custom-3"]
    assert [g["code"] for g in event.custom_goals] == ["custom-1", "custom-2", "custom-3"]


def test_times_of_a_started_event_cannot_change(make_event, host, now):
    event = make_event()
    later = event.starts_at + timedelta(minutes=30)
    moved = event_details(now, starts_at=event.starts_at + timedelta(days=1))
    with pytest.raises(DomainError, match="started"):
        hosting.update_event(host, event.id, moved, now=later)


def test_cancelling_tells_everyone_with_a_seat_or_a_waitlist_place(make_event, host, make_user, sign_up_for, now):
    from meetup.events.services.registration import cancel_registration

    event = make_event(capacity=1)
    seated, waiting, gone = make_user(), make_user(), make_user()
    sign_up_for(event, gone)
    cancel_registration(gone, event.id, now=now)
    sign_up_for(event, seated)
    sign_up_for(event, waiting)
    hosting.cancel_event(host, event.id, now=now)
    assert event.state == CANCELLED
    assert {m.recipient_id for m in mails("event-cancelled")} == {seated.id, waiting.id}
    with pytest.raises(DomainError, match="already cancelled"):
        hosting.cancel_event(host, event.id, now=now)


def test_a_new_time_or_place_is_mailed_to_everyone_registered(make_event, host, make_user, sign_up_for, now):
    from meetup.events.services.registration import cancel_registration

    event = make_event(capacity=1, online_url="https://meet.example.com/room")
    seated, waiting, gone = make_user(language="ja"), make_user(), make_user()
    sign_up_for(event, gone)
    cancel_registration(gone, event.id, now=now)
    sign_up_for(event, seated)
    sign_up_for(event, waiting)
    later = event.starts_at + timedelta(days=1)
    hosting.update_event(
        host,
        event.id,
        event_details(now, capacity=1, online_url="https://meet.example.com/room", starts_at=later),
        now=now,
    )

    changed = {m.recipient_id: m for m in mails("event-changed")}
    assert set(changed) == {seated.id, waiting.id}
    assert "変更" in changed[seated.id].subject  # in the person's own language
    assert "https://meet.example.com/room" in changed[seated.id].body  # the seat holder gets the link
    assert "meet.example.com" not in changed[waiting.id].body and "waitlist" in changed[waiting.id].body
    # The new start as the attendee lives it: the date and time where the event takes place, not UTC's.
    local = to_local(later, event.timezone)
    assert f"When: {local:%a, %b} {local.day}, {local:%Y %H:%M}" in changed[waiting.id].body
    assert f"{local:%Y年%-m月%-d日}" in changed[seated.id].body

    hosting.update_event(
        host,
        event.id,
        event_details(now, capacity=1, online_url="https://meet.example.com/room", starts_at=later, venue="Ebisu 3F"),
        now=now,
    )
    assert len(mails("event-changed")) == 4, "a new venue is news too"
    hosting.update_event(
        host,
        event.id,
        event_details(
            now,
            capacity=1,
            online_url="https://meet.example.com/room",
            starts_at=later,
            venue="Ebisu 3F",
            description="Now with name cards.",
        ),
        now=now,
    )
    assert len(mails("event-changed")) == 4, "a new description is not worth a mail"


def test_changes_to_a_draft_mail_nobody(make_event, host, now):
    draft = make_event(publish=False)
    hosting.update_event(host, draft.id, event_details(now, starts_at=draft.starts_at + timedelta(days=2)), now=now)
    assert mails("event-changed") == []


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime(2026, 11, 19, 19), datetime(2026, 12, 17, 19)),  # third Thursday
        (datetime(2026, 12, 3, 19), datetime(2027, 1, 7, 19)),  # first Thursday, over the new year
        (datetime(2026, 10, 29, 19), datetime(2026, 11, 26, 19)),  # fifth Thursday → last Thursday
        (datetime(2027, 1, 31, 10), datetime(2027, 2, 28, 10)),  # fifth Sunday → last Sunday
    ],
)
def test_next_month_is_the_same_weekday_of_the_same_week(day, expected):
    assert same_weekday_next_month(day) == expected
    assert expected.weekday() == day.weekday()


def test_repeat_next_month_drafts_the_series_next_evening_with_the_same_settings(host, now):
    start = to_utc(datetime(2030, 11, 21, 19, 0), "Asia/Tokyo")  # the third Thursday
    event = hosting.create_event(
        host,
        event_details(
            now,
            starts_at=start,
            capacity=24,
            table_count=4,
            rounds=4,
            custom_goals=["Find a mentor"],
            conduct_extra="No photos.",
        ),
        now=now,
    )
    hosting.publish_event(host, event.id, now=now)
    repeat = hosting.repeat_event(host, event.id, now=now)
    following = repeat.event
    assert repeat.created and following.state == DRAFT and following.id != event.id
    assert following.series_id == event.series_id is not None
    assert to_local(following.starts_at, "Asia/Tokyo").replace(tzinfo=None) == datetime(2030, 12, 19, 19, 0)
    assert following.ends_at - following.starts_at == event.ends_at - event.starts_at
    for name in (
        "title",
        "theme",
        "venue",
        "capacity",
        "table_count",
        "rounds",
        "goals",
        "custom_goals",
        "conduct_extra",
        "meet_again_days",
        "timezone",
    ):
        assert getattr(following, name) == getattr(event, name), name


def test_repeating_again_opens_next_months_draft_instead_of_making_another(make_event, host, now):
    event = make_event()
    first = hosting.repeat_event(host, event.id, now=now)
    before = event_count()
    # Pressed again, from the event or from the draft itself: the same draft.
    for source in (event.id, first.event.id, event.id):
        again = hosting.repeat_event(host, source, now=now)
        assert not again.created and again.event.id == first.event.id
    assert event_count() == before


def test_once_next_month_is_published_repeating_drafts_the_month_after(make_event, host, now):
    event = make_event()
    following = hosting.repeat_event(host, event.id, now=now).event
    hosting.publish_event(host, following.id, now=now)
    third = hosting.repeat_event(host, event.id, now=now)
    assert third.created and third.event.series_id == event.series_id
    # Weekdays are the evening's own (Tokyo), whatever the date is in UTC.
    month_after = same_weekday_next_month(to_local(following.starts_at, following.timezone))
    assert to_local(third.event.starts_at, third.event.timezone).date() == month_after.date()


def test_a_cancelled_evening_does_not_stand_in_for_next_month(make_event, host, now):
    event = make_event()
    following = hosting.repeat_event(host, event.id, now=now).event
    hosting.cancel_event(host, following.id, now=now)
    again = hosting.repeat_event(host, event.id, now=now)
    assert again.created and again.event.id != following.id
    assert again.event.starts_at == following.starts_at


def test_repeating_an_old_event_lands_in_the_future(make_event, host, now):
    event = make_event()
    following = hosting.repeat_event(host, event.id, now=event.starts_at + timedelta(days=200)).event
    assert following.starts_at > event.starts_at + timedelta(days=200)


def test_a_host_deletes_a_draft_and_an_empty_series_with_it(make_event, host, now):
    draft = make_event(publish=False)
    lone = hosting.repeat_event(host, draft.id, now=now)  # the draft and next month's, one series
    series_id = draft.series_id
    hosting.delete_draft(host, draft.id, now=now)
    assert db.session.get(Event, draft.id) is None
    assert db.session.get(EventSeries, series_id) is not None, "next month's draft still belongs to it"
    hosting.delete_draft(host, lone.event.id, now=now)
    assert db.session.get(EventSeries, series_id) is None


def test_a_draft_is_deleted_with_the_rows_that_hang_off_it(make_event, host, now):
    draft = make_event(publish=False)
    # A host may try their own draft's registration: that row goes with it.
    db.session.add(
        Registration(event_id=draft.id, user_id=host.id, status=CONFIRMED, queue_number=1, registered_at=now)
    )
    db.session.commit()
    hosting.delete_draft(host, draft.id, now=now)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_only_a_draft_can_be_deleted(make_event, host, now):
    event = make_event()
    with pytest.raises(DomainError, match="Only a draft"):
        hosting.delete_draft(host, event.id, now=now)
    hosting.cancel_event(host, event.id, now=now)
    with pytest.raises(DomainError, match="Only a draft"):
        hosting.delete_draft(host, event.id, now=now)
    assert db.session.get(Event, event.id).state == CANCELLED


def test_only_the_host_or_an_admin_deletes_a_draft(make_event, make_user, now):
    draft = make_event(publish=False)
    other = make_user(email="other-host@example.com")
    with pytest.raises(NotFoundError):
        hosting.delete_draft(other, draft.id, now=now)
    assert db.session.get(Event, draft.id) is not None
    admin = make_user(email="admin@example.com")
    admin.is_admin = True
    db.session.commit()
    hosting.delete_draft(admin, draft.id, now=now)
    assert db.session.get(Event, draft.id) is None
