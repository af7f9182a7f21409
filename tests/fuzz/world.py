"""One of everything, committed once for the web fuzzer: the demo community
plus tonight's door half done (people checked in, a draft seating), a private
note and a block, and the ids every POST route needs."""

import re
from types import SimpleNamespace

from sqlalchemy import select

from meetup.accounts.models import User
from meetup.accounts.services import password_reset, signups
from meetup.conduct.services import blocks
from meetup.demo import (
    DEMO_EVENT_TITLE,
    DEMO_PASSWORD,
    LOTTERY_DRAWN_TITLE,
    LOTTERY_OPEN_TITLE,
    MEMBERS,
    TONIGHT_TITLE,
    load_demo,
)
from meetup.events.models import DRAFT, Event, Registration
from meetup.events.services.checkin import check_in
from meetup.events.services.messages import send_message
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from meetup.matching.services.notes import save_note
from meetup.rules.models import Match, Report
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming
from tests.clock import NOW
from tests.conftest import link_in_mail


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _registration(event: Event, user: User) -> Registration:
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
    )


def build_world() -> SimpleNamespace:
    load_demo()
    now = NOW
    host, admin = _user("host@example.com"), _user("admin@example.com")
    members = [_user(entry[0]) for entry in MEMBERS]
    lotteries = (LOTTERY_OPEN_TITLE, LOTTERY_DRAWN_TITLE)  # the demo's lottery evenings are not needed here
    events = db.session.scalars(
        select(Event).where(Event.host_id == host.id, Event.title.not_in(lotteries)).order_by(Event.starts_at)
    ).all()
    *past, tonight, upcoming, draft = events
    last_week = past[-1]
    assert draft.state == DRAFT and tonight.title == TONIGHT_TITLE and upcoming.title == DEMO_EVENT_TITLE

    # Tonight: twelve people in, tables formed (a draft the host may edit).
    for member in members[:12]:
        check_in(host, tonight.id, _registration(tonight, member).id, now=now)
    forming.form_tables(host, tonight.id)
    draft_grid = table_queries.grid(table_queries.current_seatings(tonight.id)[0])

    # Last week: a pair of tablemates (the actor has not reported the other), a third to block.
    first_round = table_queries.grid(table_queries.current_seatings(last_week.id)[1])[0]
    actor_id, tablemate_id, blocked_id = first_round[0][:3]
    actor = db.session.get(User, actor_id)
    blocks.block(actor, last_week.id, blocked_id, now=now)
    note = save_note(actor, tablemate_id, "Talked about cycling in Chiba.", event_id=last_week.id, now=now)
    # Links from account mail: one who has not confirmed yet, one who forgot their password.
    unconfirmed = signups.sign_up(
        email="unconfirmed@example.com", password=DEMO_PASSWORD, display_name="Newly Arrived", industry="it"
    )
    forgetful = members[-1]
    password_reset.request_password_reset(forgetful.email)
    # The host wrote to tonight's attendees: the attendee's mail carries a link to report it.
    send_message(host, tonight.id, subject="Room 8B", body="We are in room 8B tonight.", now=now)
    mail = db.session.scalars(
        select(OutboxMessage.body).where(
            OutboxMessage.recipient_id == members[0].id, OutboxMessage.kind == "host-message"
        )
    ).one()
    match = db.session.scalars(select(Match).order_by(Match.id)).first()
    report = db.session.scalars(select(Report)).one()
    world = SimpleNamespace(
        host=host.id,
        admin=admin.id,
        actor=actor.id,
        tablemate=tablemate_id,
        blocked=blocked_id,
        newcomer=members[20].id,  # not registered for tonight
        attendee=members[0].id,  # confirmed tonight and for the upcoming evening
        tonight=tonight.id,
        upcoming=upcoming.id,
        draft=draft.id,
        last_week=last_week.id,
        tonight_goals=list(tonight.goals),
        waiting_at_door=_registration(tonight, members[15]).id,
        checked_in=_registration(tonight, members[0]).id,
        waiting_ticket=_registration(tonight, members[15]).ticket_code,
        seated=[person for table in draft_grid[0] for person in table],
        last_week_tablemates=[person for person in first_round[0] if person != actor_id],
        match=match.public_id,
        match_user=match.user_low_id,
        note=note.public_id,
        report=report.id,
        unconfirmed=unconfirmed.id,
        confirm_path=link_in_mail(unconfirmed.email, "account-confirm"),
        reset_path=link_in_mail(forgetful.email, "password-reset"),
        unsubscribe_path=f"/mail/unsubscribe/{preferences.unsubscribe_token(actor.id, TOPICS['reminders'])}",
        community=tonight.community_id,
        door=_user("door@example.com").id,
        message_report_path=re.search(r"/conduct/messages/[^/\s]+/report", mail).group(0),
    )
    db.session.commit()
    return world
