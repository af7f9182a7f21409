"""Hosting: create, edit, publish, cancel, repeat an event, and delete a draft."""

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.communities.models import NAME_MAX as COMMUNITY_NAME_MAX
from meetup.communities.models import Community
from meetup.communities.queries import hosted_communities
from meetup.communities.services import CommunityDetails, add_community, hosted_community
from meetup.errors import DomainError, NotFoundError
from meetup.events import areas, timezones
from meetup.events import goals as goal_catalogue
from meetup.events.models import (
    CANCELLED,
    CONDUCT_EXTRA_MAX,
    CONFIRMED,
    DESCRIPTION_MAX,
    DRAFT,
    FEE_MAX,
    FEE_NOTE_MAX,
    FINISHED,
    FIRST_COME,
    PUBLISHED,
    THEME_MAX,
    TITLE_MAX,
    URL_MAX,
    VENUE_MAX,
    WAITLISTED,
    Event,
    EventSeries,
    Registration,
)
from meetup.events.notify import notify
from meetup.events.queries.events import EVENT_NOT_FOUND, counts
from meetup.events.services.locking import locked_event
from meetup.events.services.lottery import check_admission, publish_refusal
from meetup.events.services.registration import fill_free_seats
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l

CAPACITY_MAX = 500
TABLE_SIZE_MIN, TABLE_SIZE_MAX, TABLE_SIZE_DEFAULT = 4, 8, 5
TABLE_COUNT_MAX = 100
ROUNDS_MIN, ROUNDS_MAX, ROUNDS_DEFAULT = 1, 6, 3
MEET_AGAIN_MIN, MEET_AGAIN_MAX, MEET_AGAIN_DEFAULT = 1, 14, 3
LONGEST_EVENT = timedelta(hours=24)


class EventClosedError(DomainError):
    """The event is cancelled or over; it can no longer change."""


@dataclass
class EventDetails:
    """Everything a host sets. Times are naive UTC (the form converts)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    fee_yen: int = 0  # paid at the door, tax included; 0: free
    fee_note: str = ""  # beside the fee, e.g. "ドリンク付き"
    theme: str = ""
    description: str = ""
    timezone: str = timezones.DEFAULT
    registration_deadline: datetime | None = None  # None: until the start
    venue: str = ""
    # A prefecture's JIS code ("01" to "47") or "online" (meetup.events.areas): required.
    area: str | None = None
    online_url: str = ""
    table_size: int | None = TABLE_SIZE_DEFAULT
    table_count: int | None = None  # set: a fixed number of tables instead of a size
    rounds: int = ROUNDS_DEFAULT
    meet_again_days: int = MEET_AGAIN_DEFAULT
    goals: list[str] = field(default_factory=lambda: list(goal_catalogue.CATALOGUE))
    custom_goals: list[str] = field(default_factory=list)  # labels of the host's own goals
    conduct_extra: str = ""
    admission: str = FIRST_COME  # or LOTTERY, drawn at ``draw_at`` (meetup.events.services.lottery)
    draw_at: datetime | None = None
    # Which community the evening belongs to: one the host runs, or a new one by this name.
    # Neither, on a first event: a community named after the host is made for it.
    community_id: int | None = None
    new_community: str = ""


AREA_MISSING = _l("Choose the prefecture where the evening takes place, or online.")
UNKNOWN_AREA = _l("There is no such area. Choose a prefecture, or online, from the list.")


def _refuse(message, field=None):
    raise DomainError(message, field=field)


def _check_text(details: EventDetails) -> None:
    details.title = details.title.strip()
    if not details.title:
        _refuse(_l("Give the event a title."), "title")
    for name, limit in (
        ("title", TITLE_MAX),
        ("theme", THEME_MAX),
        ("description", DESCRIPTION_MAX),
        ("venue", VENUE_MAX),
        ("online_url", URL_MAX),
        ("conduct_extra", CONDUCT_EXTRA_MAX),
        ("fee_note", FEE_NOTE_MAX),
    ):
        value = getattr(details, name).strip()
        setattr(details, name, value)
        if len(value) > limit:
            _refuse(_l("At most %(max)d characters.", max=limit), name)
    if details.online_url and not details.online_url.lower().startswith(("https://", "http://")):
        _refuse(_l("Enter a full web address starting with https://."), "online_url")
    if details.area not in areas.CODES:
        # An evening without an area is found by no one searching by place.
        _refuse(AREA_MISSING if not details.area else UNKNOWN_AREA, "area")


def _check_numbers(details: EventDetails) -> None:
    if not 1 <= details.capacity <= CAPACITY_MAX:
        _refuse(_l("Capacity is between 1 and %(max)d.", max=CAPACITY_MAX), "capacity")
    if not 0 <= details.fee_yen <= FEE_MAX:
        _refuse(_l("The fee is between 0 and %(max)s yen.", max=f"{FEE_MAX:,}"), "fee_yen")
    # The form asks for one rule and one number (its field "table_number").
    if details.table_count is not None:
        details.table_size = None
        if not 1 <= details.table_count <= TABLE_COUNT_MAX:
            _refuse(_l("The number of tables is between 1 and %(max)d.", max=TABLE_COUNT_MAX), "table_number")
    elif details.table_size is None or not TABLE_SIZE_MIN <= details.table_size <= TABLE_SIZE_MAX:
        _refuse(_l("Tables seat %(min)d to %(max)d people.", min=TABLE_SIZE_MIN, max=TABLE_SIZE_MAX), "table_number")
    if not ROUNDS_MIN <= details.rounds <= ROUNDS_MAX:
        _refuse(_l("An evening has %(min)d to %(max)d rounds.", min=ROUNDS_MIN, max=ROUNDS_MAX), "rounds")
    if not MEET_AGAIN_MIN <= details.meet_again_days <= MEET_AGAIN_MAX:
        _refuse(
            _l("The meet-again window is %(min)d to %(max)d days.", min=MEET_AGAIN_MIN, max=MEET_AGAIN_MAX),
            "meet_again_days",
        )


def _check_goals(details: EventDetails) -> None:
    unknown = [code for code in details.goals if code not in goal_catalogue.CATALOGUE]
    if unknown:
        _refuse(_l("Choose goals from the list."), "goals")
    labels = [label.strip() for label in details.custom_goals if label.strip()]
    if len(labels) > goal_catalogue.MAX_CUSTOM:
        _refuse(_l("Add at most %(max)d goals of your own.", max=goal_catalogue.MAX_CUSTOM), "custom_goals")
    if any(len(label) > goal_catalogue.CUSTOM_LABEL_MAX for label in labels):
        _refuse(_l("Each goal is at most %(max)d characters.", max=goal_catalogue.CUSTOM_LABEL_MAX), "custom_goals")
    if len(set(labels)) != len(labels):
        _refuse(_l("Each goal of your own must be different."), "custom_goals")
    details.custom_goals = labels
    details.goals = list(dict.fromkeys(details.goals))
    if not details.goals and not labels:
        _refuse(_l("Offer at least one goal."), "goals")


def _check_times(details: EventDetails, now: datetime, *, dates_changed: bool) -> None:
    if details.timezone not in timezones.CHOICES:
        _refuse(_l("Choose a time zone from the list."), "timezone")
    if details.registration_deadline is None:
        details.registration_deadline = details.starts_at
    if dates_changed and details.starts_at <= now:
        _refuse(_l("The start must be in the future."), "starts_at")
    if details.ends_at <= details.starts_at:
        _refuse(_l("The end must be after the start."), "ends_at")
    if details.ends_at - details.starts_at > LONGEST_EVENT:
        _refuse(_l("An event lasts at most 24 hours."), "ends_at")
    if details.registration_deadline > details.starts_at:
        _refuse(_l("The registration deadline must be before the start."), "registration_deadline")
    if dates_changed and details.registration_deadline <= now:
        _refuse(_l("The registration deadline must be in the future."), "registration_deadline")


def _check(details: EventDetails, now: datetime, *, dates_changed: bool = True) -> None:
    _check_text(details)
    _check_numbers(details)
    _check_goals(details)
    _check_times(details, now, dates_changed=dates_changed)


def _offered_goals(event: Event, details: EventDetails) -> None:
    """Offer the chosen catalogue goals and the host's own, keeping each own
    goal's code for as long as its wording is unchanged."""
    known = {goal["code"]: goal for goal in event.custom_goals or []}
    by_label = {goal["label"]: goal["code"] for goal in known.values()}
    custom = [dict(goal) for goal in known.values()]
    codes = []
    for label in details.custom_goals:
        code = by_label.get(label)
        if code is None:
            # Codes are never reused: a registration that picked a since
            # removed goal keeps meaning what it meant.
            code = f"{goal_catalogue.CUSTOM_PREFIX}{len(custom) + 1}"
            custom.append({"code": code, "label": label})
        codes.append(code)
    event.custom_goals = custom  # a new list, so the JSON column is saved
    event.goals = [*details.goals, *codes]


def _apply(event: Event, details: EventDetails) -> None:
    for name in (
        "title",
        "theme",
        "description",
        "starts_at",
        "ends_at",
        "timezone",
        "registration_deadline",
        "venue",
        "area",
        "online_url",
        "capacity",
        "fee_yen",
        "fee_note",
        "table_size",
        "table_count",
        "rounds",
        "meet_again_days",
        "admission",
        "draw_at",
    ):
        setattr(event, name, getattr(details, name))
    if details.conduct_extra != (event.conduct_extra or ""):
        if event.id is not None:
            # Attendees accepted the old wording; they must accept this one.
            event.conduct_revision = (event.conduct_revision or 0) + 1
        event.conduct_extra = details.conduct_extra
    _offered_goals(event, details)


def _check_manager(actor, event: Event) -> None:
    if not event.managed_by(actor):
        raise NotFoundError(EVENT_NOT_FOUND)


def _community(actor, details: EventDetails, now: datetime) -> Community | None:
    """The community an evening goes to; None: leave it where it is."""
    if details.new_community.strip():
        try:
            return add_community(actor, CommunityDetails(details.new_community), now=now)
        except DomainError as error:
            raise DomainError(error.message, field="new_community") from error
    if details.community_id is not None:
        return hosted_community(actor, details.community_id)
    return None


def _first_community(actor, now: datetime) -> Community:
    """Where an evening goes when the host named none: their first community,
    or, on their very first event, a new one named after them."""
    hosted = hosted_communities(actor.id)
    if hosted:
        return hosted[0]
    return add_community(actor, CommunityDetails(actor.display_name[:COMMUNITY_NAME_MAX]), now=now)


def create_event(actor, details: EventDetails, *, now: datetime) -> Event:
    """A new draft hosted by ``actor``; nobody else sees it until published."""
    _check(details, now)
    check_admission(details, None, now)
    event = Event(host_id=actor.id, state=DRAFT, created_at=now, conduct_revision=0, custom_goals=[], goals=[])
    _apply(event, details)
    event.community_id = (_community(actor, details, now) or _first_community(actor, now)).id
    db.session.add(event)
    db.session.commit()
    return event


def update_event(actor, event_id: int, details: EventDetails, *, now: datetime) -> Event:
    """Save the host's changes. Capacity may not drop below the confirmed
    seats; raising it promotes the waitlist at once, in this transaction."""
    with locked_event(event_id) as event:
        _check_manager(actor, event)
        if event.state == CANCELLED:
            raise EventClosedError(_l("This event is cancelled and can no longer be changed."))
        dates_changed = (details.starts_at, details.ends_at, details.registration_deadline) != (
            event.starts_at,
            event.ends_at,
            event.registration_deadline,
        )
        if dates_changed and event.starts_at <= now:
            raise EventClosedError(_l("This event has started; its times can no longer change."))
        _check(details, now, dates_changed=dates_changed)
        check_admission(details, event, now)
        confirmed = counts(event.id).confirmed
        # Walk-ins the host seated beyond capacity do not stop a change that keeps (or raises) it.
        if details.capacity < min(confirmed, event.capacity):
            _refuse(
                _l("%(count)d people already have a confirmed seat; capacity cannot be lower.", count=confirmed),
                "capacity",
            )
        plans = _what_attendees_plan_around(event)
        _apply(event, details)
        community = _community(actor, details, now)
        if community is not None:
            event.community_id = community.id
        fill_free_seats(event, now)
        if event.state == PUBLISHED and _what_attendees_plan_around(event) != plans:
            _tell_everyone_registered(event, "event-changed")
        return event


def _what_attendees_plan_around(event: Event) -> tuple:
    """When and where the evening is, and what it costs: a change to any is mailed."""
    return event.starts_at, event.ends_at, event.venue, event.online_url, event.fee_yen, event.fee_note


def _tell_everyone_registered(event: Event, template: str) -> None:
    """Mail everyone with a seat or a waitlist place about ``event``."""
    registered = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_((CONFIRMED, WAITLISTED)))
        .options(joinedload(Registration.user))
    )
    for registration in registered:
        notify(registration, template)


def publish_event(actor, event_id: int, *, now: datetime) -> Event:
    with locked_event(event_id) as event:
        _check_manager(actor, event)
        if event.state != DRAFT:
            raise EventClosedError(_l("Only a draft can be published."))
        if event.starts_at <= now:
            _refuse(_l("This event's start has passed. Change the date before publishing."))
        if not event.venue and not event.online_url:
            _refuse(_l("Add a venue or an online link before publishing."))
        refusal = publish_refusal(event, now)
        if refusal is not None:
            _refuse(refusal)
        event.state = PUBLISHED
        event.published_at = now
        return event


def cancel_refusal(event: Event, now: datetime):
    """Why the event cannot be cancelled now, or None."""
    if event.state == CANCELLED:
        return _l("This event is already cancelled.")
    if event.ends_at <= now:
        return _l("This event is over and can no longer be cancelled.")
    return None


def delete_refusal(event: Event):
    """Why the event cannot be deleted, or None: only drafts can."""
    if event.state != DRAFT:
        return _l("Only a draft can be deleted. Cancel a published event instead.")
    return None


def cancel_event(actor, event_id: int, *, now: datetime) -> Event:
    """Cancel the event and tell everyone with a seat or a waitlist place."""
    with locked_event(event_id) as event:
        _check_manager(actor, event)
        refusal = cancel_refusal(event, now)
        if refusal is not None:
            raise EventClosedError(refusal)
        was_published = event.state == PUBLISHED
        event.state = CANCELLED
        event.cancelled_at = now
        if was_published:
            _tell_everyone_registered(event, "event-cancelled")
        return event


def same_weekday_next_month(local: datetime) -> datetime:
    """The same weekday of the same week of the next month ("third Thursday"
    → next month's third Thursday); a fifth weekday becomes the last one."""
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    nth = (local.day - 1) // 7  # 0 = first
    first_weekday, days = calendar.monthrange(year, month)
    day = 1 + (local.weekday() - first_weekday) % 7 + 7 * nth
    while day > days:
        day -= 7
    return local.replace(year=year, month=month, day=day)


@dataclass
class Repeat:
    """Next month's evening of a series, and whether this press drafted it."""

    event: Event
    created: bool


def _next_start(latest: Event, now: datetime) -> datetime:
    """The same weekday of the month after ``latest`` (local time), moved on
    month by month until it lies in the future."""
    zone = latest.timezone
    start = timezones.to_local(latest.starts_at, zone).replace(tzinfo=None)
    while True:
        start = same_weekday_next_month(start)
        if timezones.to_utc(start, zone) > now:
            return start


def _in_month(series_id: int, start: datetime, zone: str) -> Event | None:
    """The series' evening (not cancelled) in ``start``'s month, local time."""
    first = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (
        first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return db.session.scalar(
        select(Event)
        .where(
            Event.series_id == series_id,
            Event.state != CANCELLED,
            Event.starts_at >= timezones.to_utc(first, zone),
            Event.starts_at < timezones.to_utc(following, zone),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(1)
    )


def repeat_event(actor, event_id: int, *, now: datetime) -> Repeat:
    """Draft the series' next evening with the same settings, on the same
    weekday of the month after the series' latest published evening (and in
    the future). Pressed again, it finds that evening instead of drafting
    the month after; the event's lock makes a double tap wait its turn."""
    with locked_event(event_id) as event:
        _check_manager(actor, event)
        if event.series_id is None:
            event.series = EventSeries(host_id=event.host_id, created_at=now)
            db.session.flush()
        base = _month_base(event)
        start = _next_start(base, now)
        existing = _in_month(event.series_id, start, base.timezone)
        if existing is not None:
            return Repeat(existing, created=False)
        new = _copy(base, timezones.to_utc(start, base.timezone), now)
        db.session.add(new)
        return Repeat(new, created=True)


def _month_base(event: Event) -> Event:
    """The evening next month counts from: the series' latest published one;
    in a series of drafts only, its first, so every press lands on the same month."""
    in_series = select(Event).where(Event.series_id == event.series_id)
    published = in_series.where(Event.state.in_((PUBLISHED, FINISHED)))
    drafts = in_series.where(Event.state == DRAFT)
    return (
        db.session.scalar(published.order_by(Event.starts_at.desc(), Event.id.desc()).limit(1))
        or db.session.scalar(drafts.order_by(Event.starts_at, Event.id).limit(1))
        or event
    )


def _copy(latest: Event, starts_at: datetime, now: datetime) -> Event:
    """A draft with ``latest``'s settings, starting at ``starts_at``."""
    new = Event(
        host_id=latest.host_id,
        community_id=latest.community_id,
        series_id=latest.series_id,
        state=DRAFT,
        created_at=now,
        title=latest.title,
        theme=latest.theme,
        description=latest.description,
        timezone=latest.timezone,
        starts_at=starts_at,
        ends_at=starts_at + (latest.ends_at - latest.starts_at),
        registration_deadline=starts_at - (latest.starts_at - latest.registration_deadline),
        venue=latest.venue,
        area=latest.area,
        online_url=latest.online_url,
        capacity=latest.capacity,
        fee_yen=latest.fee_yen,
        fee_note=latest.fee_note,
        table_size=latest.table_size,
        table_count=latest.table_count,
        rounds=latest.rounds,
        meet_again_days=latest.meet_again_days,
        goals=list(latest.goals),
        custom_goals=[dict(goal) for goal in latest.custom_goals],
        conduct_extra=latest.conduct_extra,
        conduct_revision=0,
        admission=latest.admission,
        draw_at=starts_at - (latest.starts_at - latest.draw_at) if latest.draw_at else None,
    )
    if new.registration_deadline <= now:
        new.registration_deadline = starts_at
    if new.draw_at is not None and not now < new.draw_at <= new.registration_deadline:
        new.draw_at = new.registration_deadline
    return new


def delete_draft(actor, event_id: int, *, now: datetime) -> None:
    """Delete a draft for good. Nobody but its managers has seen a draft, so
    nothing hangs off it but rows the database removes with it (a manager's
    own trial registration, acknowledgement or seating); a series left
    empty goes too. A published evening is cancelled instead, never deleted."""
    with locked_event(event_id) as event:
        _check_manager(actor, event)
        refusal = delete_refusal(event)
        if refusal is not None:
            raise EventClosedError(refusal)
        series = event.series
        db.session.delete(event)
        db.session.flush()
        if (
            series is not None
            and db.session.scalar(select(Event.id).where(Event.series_id == series.id).limit(1)) is None
        ):
            db.session.delete(series)
