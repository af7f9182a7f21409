"""The route sweep's ground: one of everything, and every route of the app
with the ids of real objects, who owns them and who else may use them.

The world: a host's evenings with registrations, published tables,
meet-again choices, a revealed match, notes, a block, reports and a
moderation case; another host with an evening of their own; a plain member;
a site admin.

Built once per module through the services, with the clock set as it would
have been, and committed (so every test's rollback starts from it); the rows
are deleted when the module is done. Tests get plain ids and emails, never
ORM objects, since each test runs in its own session.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from meetup.accounts.services import login_sessions, password_reset, settings, signups
from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import CommunityDetails, add_member, create_community, follow
from meetup.conduct.services import blocks, moderation, reports
from meetup.events.models import Event, Registration
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in, record_payment
from meetup.events.services.messages import send_message
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from meetup.matching.services import notes
from meetup.matching.services.choices import save_choices
from meetup.matching.services.reveal import reveal, reveals_due
from meetup.receipts.services.issuing import issue_receipt
from meetup.rules.models import Match
from meetup.seating.models import Note
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests.clock import NOW
from tests.conftest import PASSWORD, Auth, csrf_token, delete_all_rows, link_in_mail
from tests.events.helpers import event_details

ROLES = (
    "host",
    "other_host",
    "member",
    "admin",
    "attendee",
    "tablemate",
    "reported",
    "blocked",
    "newcomer",
    "stranger",
    "co_host",  # co-hosts the host's community: the host's access to its evenings
    "door_staff",  # works the door of the host's community: the door pages only
)
# The door pages: all that door staff reach (the check-in page with its actions, walk-ins,
# ticket scanning, payment at the door, the projector).
# Pages of the community itself (no evening) that co-hosts reach as its owner does.
COMMUNITY_HOST_PAGES = {"depth.dashboard", "receipts.issuer"}

DOOR_PAGES = {
    "events.check_in_page",
    "events.check_in",
    "events.undo_check_in",
    "events.check_in_by_code",
    "events.record_payment",
    "events.undo_payment",
    "events.walk_in",
    "seating.projector",
    "seating.projector_state",
}


@dataclass(frozen=True)
class World:
    emails: dict[str, str]
    users: dict[str, int]
    past: int  # host's evening a month ago: window closed, attendee and tablemate matched
    recent: int  # host's evening two days ago: tables published, window open, a report, a block, choices
    upcoming: int  # host's published evening next week: attendee registered, tablemate waitlisted
    draft: int  # host's draft: nobody but the host (and admins) knows it exists
    other: int  # other_host's evening two days ago, with its own tables and a report
    apart: int  # host's evening three days ago at two tables: the attendee never sat with ``apart_stranger``
    apart_stranger: int
    soon: int  # host's evening tomorrow, tables published early: the attendee sits with the stranger, not yet met
    attendee_registration: int  # the attendee's registration at ``recent``
    attendee_ticket: str  # its ticket code
    other_registration: int  # a registration at ``other``
    open_report: int  # attendee reported ``reported`` at ``recent``: open in the host's queue
    banned_report: int  # tablemate reported ``reported`` at ``recent``: the host banned them
    other_report: int  # a report at ``other``, in other_host's queue
    note: str  # public id of the attendee's note about the tablemate
    match: str  # public id of the attendee's match with the tablemate
    confirm_token: str  # the newcomer's link to move to another address
    reset_token: str  # the member's link to set a new password
    mail: int  # a message in the outbox
    unsubscribe_token: str  # the attendee's one-click link to turn reminders off
    message_token: str  # the attendee's link to report the host's message to ``recent``
    community: int  # the host's community (every evening of the host's is in it)
    other_community: int  # other_host's community
    # Another community of the host's, with the co-host: the one the sweep hands over.
    spare_community: int

    def login(self, client, role: str):
        response = Auth(client).login(email=self.emails[role], password=PASSWORD)
        assert response.status_code == 302, f"{role} could not log in"
        return client


def _evening(host, people, *, start: datetime, **options) -> tuple[int, dict[int, int]]:
    """An evening that has happened: everyone checked in, tables published.
    Returns the event id and each person's registration id."""
    then = start - timedelta(days=7)
    event = hosting.create_event(
        host, event_details(then, starts_at=start, registration_deadline=None, **options), now=then
    )
    hosting.publish_event(host, event.id, now=then)
    registrations = {}
    for person in people:
        registration = register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=then)
        check_in(host, event.id, registration.id, now=start)
        registrations[person.id] = registration.id
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=start)
    return event.id, registrations


def _report_token(user_id: int) -> str:
    """The signed part of the report link in the host's message to this person."""
    body = db.session.scalar(
        sa.select(OutboxMessage.body).where(OutboxMessage.recipient_id == user_id, OutboxMessage.kind == "host-message")
    )
    return re.search(r"/conduct/messages/([^/\s]+)/report", body).group(1)


def build_world() -> World:
    now = NOW
    people = {}
    for n, role in enumerate(ROLES):
        people[role] = signups.sign_up(
            email=f"{role.replace('_', '-')}@sweep.example",
            password=PASSWORD,
            display_name=f"Sweep {role}",
            industry=("it", "lawyer", "design")[n % 3],
            confirmed_at=now,
        )
    settings.make_admin(people["admin"].email)
    host, attendee, tablemate = people["host"], people["attendee"], people["tablemate"]
    for person in (attendee, tablemate):
        settings.update_contacts(person, {"email": person.email, "email_shared": True})
        login_sessions.start_login_session(person, now=now)  # logged in on another device
    seated = [attendee, tablemate, people["reported"], people["blocked"]]

    # A month ago: attendee and tablemate chose each other; the window closed and the match is revealed.
    past, _ = _evening(host, seated, start=now - timedelta(days=30), table_size=4, rounds=1, meet_again_days=3)
    after_past = now - timedelta(days=29)
    save_choices(attendee, past, [tablemate.id], now=after_past)
    save_choices(tablemate, past, [attendee.id], now=after_past)

    # Two days ago: everyone at one table, window open for two weeks.
    recent, registrations = _evening(
        host, seated, start=now - timedelta(days=2), table_size=4, rounds=1, meet_again_days=14
    )
    publishing.start_round(host, recent, 0, now=now - timedelta(days=2))
    after = now - timedelta(days=1)
    save_choices(attendee, recent, [tablemate.id], now=after)
    notes.save_note(attendee, tablemate.id, "Knows a lot about inheritance law.", event_id=recent, now=after)
    blocks.block(attendee, recent, people["blocked"].id, now=after)
    open_report = reports.report(
        attendee, recent, people["reported"].id, category="selling", description="Pushed an insurance plan.", now=after
    )
    banned_report = reports.report(
        tablemate,
        recent,
        people["reported"].id,
        category="mlm",
        description="Recruited for a sales network.",
        now=after,
    )
    moderation.ban(host, recent, banned_report.id, note="Second report tonight.", now=after)
    # The evening had a fee: the attendee and the tablemate paid; the tablemate has a receipt.
    db.session.get(Event, recent).fee_yen = 3000
    db.session.commit()
    for person in (attendee, tablemate):
        record_payment(host, recent, registrations[person.id], "cash", now=now - timedelta(days=2))
    issue_receipt(tablemate, recent, "Sweep tablemate 様", now=after)
    # The host wrote to everyone at the evening: the attendee may report the message.
    send_message(host, recent, subject="Slides from the evening", body="Here they are.", now=after)

    upcoming = hosting.create_event(host, event_details(now, capacity=1, rounds=1), now=now)
    hosting.publish_event(host, upcoming.id, now=now)
    register(attendee, upcoming.id, goals=["learn"], intro="", acknowledged=True, now=now)
    register(tablemate, upcoming.id, goals=["learn"], intro="", acknowledged=True, now=now)  # waitlisted
    draft = hosting.create_event(host, event_details(now, title="Not announced yet"), now=now)
    hosting.repeat_event(host, upcoming.id, now=now)  # a series, with next month's draft

    # People the attendee has not met: at another table, or at an evening that has not begun.
    apart, _ = _evening(
        host,
        [attendee, tablemate, people["stranger"], people["newcomer"]],
        start=now - timedelta(days=3),
        table_count=2,
        rounds=1,
    )
    [mine, theirs] = sorted(
        table_queries.grid(table_queries.current_seatings(apart)[1])[0], key=lambda t: attendee.id not in t
    )
    soon = hosting.create_event(
        host, event_details(now, starts_at=now + timedelta(days=1), table_size=4, rounds=1, title="Tomorrow"), now=now
    )
    hosting.publish_event(host, soon.id, now=now)
    for person in (attendee, people["stranger"]):
        register(person, soon.id, goals=["learn"], intro="", acknowledged=True, now=now)
    forming.form_tables(host, soon.id)
    publishing.publish(host, soon.id, now=now)

    other_people = [people["newcomer"], people["reported"], people["member"]]
    other, other_registrations = _evening(
        people["other_host"], other_people, start=now - timedelta(days=2), table_size=4, rounds=1
    )
    other_report = reports.report(
        people["newcomer"],
        other,
        people["reported"].id,
        category="other",
        description="Asked for my phone number three times.",
        now=after,
    )
    # Every window that has closed is revealed, so a page that reveals lazily has nothing left to do.
    for event_id in reveals_due(now):
        reveal(event_id, now=now)

    signups.request_email_change(people["newcomer"], new_email="moved@sweep.example", password=PASSWORD)
    password_reset.request_password_reset(people["member"].email)
    preferences.turn_off(people["member"].id, TOPICS["tables"], now=now)
    community = db.session.get(Event, recent).community_id
    add_member(host, community, email=people["co_host"].email, role=CO_HOST, now=now)
    add_member(host, community, email=people["door_staff"].email, role=DOOR, now=now)
    spare = create_community(host, CommunityDetails("Sweep spare"), now=now).id
    add_member(host, spare, email=people["co_host"].email, role=CO_HOST, now=now)
    follow(attendee, community, now=now)
    note = db.session.scalar(sa.select(Note.public_id).where(Note.author_id == attendee.id))
    match = db.session.scalar(sa.select(Match.public_id).where(Match.ended_at.is_(None)))
    assert note and match, "the world needs a note and a revealed match"
    return World(
        emails={role: user.email for role, user in people.items()},
        users={role: user.id for role, user in people.items()},
        past=past,
        recent=recent,
        upcoming=upcoming.id,
        draft=draft.id,
        other=other,
        apart=apart,
        apart_stranger=theirs[0],
        soon=soon.id,
        attendee_registration=registrations[attendee.id],
        attendee_ticket=db.session.get(Registration, registrations[attendee.id]).ticket_code,
        other_registration=other_registrations[people["newcomer"].id],
        open_report=open_report.id,
        banned_report=banned_report.id,
        other_report=other_report.id,
        note=note,
        match=match,
        confirm_token=link_in_mail("moved@sweep.example", "account-confirm").rsplit("/", 1)[1],
        reset_token=link_in_mail(people["member"].email, "password-reset").rsplit("/", 1)[1],
        mail=db.session.scalar(sa.select(sa.func.min(OutboxMessage.id))),
        unsubscribe_token=preferences.unsubscribe_token(attendee.id, TOPICS["reminders"]),
        message_token=_report_token(attendee.id),
        community=community,
        other_community=db.session.get(Event, other).community_id,
        spare_community=spare,
    )


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
    return rows


def changed_tables(before: dict, after: dict) -> dict[str, tuple[list, list]]:
    """Per table that changed: (rows gone, rows new)."""
    changes = {}
    for name in before:
        gone = [row for row in before[name] if row not in after[name]]
        new = [row for row in after[name] if row not in before[name]]
        if gone or new:
            changes[name] = (gone, new)
    return changes


PUBLIC, SELF, MEMBER, PRIVATE, ADMIN = "public", "self", "member", "private", "admin"

EVENT_FORM = {
    "title": "Edited in the sweep",
    "timezone": "Asia/Tokyo",
    "starts_at": "2031-01-10T19:00",
    "ends_at": "2031-01-10T21:00",
    "capacity": "10",
    "fee_yen": "0",
    "table_rule": "size",
    "table_number": "4",
    "rounds": "1",
    "meet_again_days": "3",
    "goals": "learn",
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    access: str
    owner: str = "attendee"  # the role that owns what the URL names (SELF: anyone logged in)
    args: Callable[[World], dict] = lambda w: {}
    body: Callable[[World], dict] = lambda w: {}
    # The host of another event, with their own event's id and the owner's object.
    cross: Callable[[World], dict] | None = None
    why: str = ""


def _recent(w):
    return {"event_id": w.recent}


def _person(role):
    return lambda w: {"event_id": w.recent, "user_id": w.users[role]}


ROUTES = [
    # Anyone, logged in or not.
    Route("main.index", PUBLIC, why="the front page"),
    Route("main.healthz", PUBLIC, why="polled by the load balancer"),
    Route("static", PUBLIC, args=lambda w: {"filename": "app.css"}, why="the stylesheet"),
    Route("events.index", PUBLIC, why="upcoming public events"),
    Route(
        "communities.show",
        PUBLIC,
        args=lambda w: {"community_id": w.community},
        why="a community's page is its public face: its published evenings and its hosts",
    ),
    Route(
        "events.show",
        PUBLIC,
        args=lambda w: {"event_id": w.upcoming},
        why="a published event's page is its announcement (drafts: test_drafts_are_not_found)",
    ),
    Route(
        "events.calendar_file",
        PUBLIC,
        args=lambda w: {"event_id": w.upcoming},
        why="the calendar file of a published event",
    ),
    Route("accounts.login", PUBLIC, body=lambda w: {"email": w.emails["attendee"], "password": PASSWORD}, why="log-in"),
    Route(
        "accounts.signup",
        PUBLIC,
        body=lambda w: {
            "email": "newcomer-2@sweep.example",
            "password": "a long enough passphrase",
            "display_name": "Sweep new",
            "industry": "it",
            "industry_other": "",
            "introduction": "",
            "language": "",
        },
        why="sign-up",
    ),
    Route("accounts.check_mail", PUBLIC, why="what sign-up answers, whoever asks"),
    Route(
        "accounts.forgot_password",
        PUBLIC,
        body=lambda w: {"email": w.emails["member"]},
        why="asking for a reset link answers the same for any address",
    ),
    Route("accounts.reset_mail_sent", PUBLIC, why="what asking for a reset link answers"),
    Route(
        "accounts.reset_password",
        PUBLIC,
        args=lambda w: {"token": w.reset_token},
        body=lambda w: {"password": "a different long passphrase"},
        why="the signed link is the key, whoever opens it",
    ),
    Route(
        "accounts.confirm_email",
        PUBLIC,
        args=lambda w: {"token": w.confirm_token},
        why="the signed link is the key, whoever opens it",
    ),
    Route(
        "accounts.unsubscribe_page",
        PUBLIC,
        args=lambda w: {"token": w.unsubscribe_token},
        why="the signed link in optional mail is the key, whoever opens it",
    ),
    Route(
        "accounts.unsubscribe",
        PUBLIC,
        args=lambda w: {"token": w.unsubscribe_token},
        why="RFC 8058 one-click: a mail client posts it with no cookie; the signed link is the key",
    ),
    Route("accounts.logout", PUBLIC, why="logging out is harmless for anyone"),
    Route("accounts.set_language", PUBLIC, body=lambda w: {"language": "ja"}, why="the language switch"),
    # The logged-in person's own account: there is no one else's to reach.
    Route("accounts.profile", SELF),
    Route(
        "accounts.edit_profile",
        SELF,
        body=lambda w: {
            "display_name": "Sweep renamed",
            "industry": "it",
            "industry_other": "",
            "introduction": "",
            "language": "",
        },
    ),
    Route("accounts.contacts", SELF, body=lambda w: {"phone": "03-0000-0000", "phone_shared": "y"}),
    Route("accounts.mail_settings", SELF, body=lambda w: {"reminders": "y"}),
    Route(
        "accounts.change_password",
        SELF,
        body=lambda w: {"current_password": PASSWORD, "new_password": "a different long passphrase"},
    ),
    Route("privacy.delete_account", SELF, body=lambda w: {"password": PASSWORD}),
    Route("accounts.change_email", SELF, body=lambda w: {"email": "elsewhere@sweep.example", "password": PASSWORD}),
    Route("accounts.resend_confirmation", SELF),
    Route("events.create", SELF, body=lambda w: EVENT_FORM),
    Route("communities.create", SELF, body=lambda w: {"name": "Sweep mixers", "description": "Monthly."}),
    Route("events.mine", SELF),
    Route("events.hosting", SELF),
    Route("main.home", SELF, why="redirects to the person's own home page"),
    Route("matching.matches", SELF),
    Route("matching.people", SELF),
    Route("conduct.blocked", SELF),
    Route("conduct.my_reports", SELF),
    Route("communities.following", SELF),
    # Registration: any member may register for a published event.
    Route(
        "events.register",
        MEMBER,
        args=lambda w: {"event_id": w.upcoming},
        body=lambda w: {"goals": "learn", "intro": "", "acknowledge": "y"},
        why="anyone logged in may register for a published event: they get the form, and a POST "
        "registers them, nobody else",
    ),
    Route(
        "events.cancel_registration",
        MEMBER,
        args=lambda w: {"event_id": w.upcoming},
        why="acts on the requester's own registration: without one the page says so and a POST is refused "
        "with a message",
    ),
    Route(
        "events.acknowledge",
        MEMBER,
        args=lambda w: {"event_id": w.upcoming},
        body=lambda w: {"acknowledge": "y"},
        why="acts on the requester's own registration: without one it is refused with a message",
    ),
    Route(
        "communities.follow",
        MEMBER,
        args=lambda w: {"community_id": w.community},
        why="anyone logged in may follow a community: a POST makes them a follower, nobody else",
    ),
    Route(
        "communities.unfollow",
        MEMBER,
        args=lambda w: {"community_id": w.community},
        why="acts on the requester's own following only: without it nothing changes",
    ),
    # The community's owner: its details and who runs it with them.
    Route(
        "communities.edit",
        PRIVATE,
        "host",
        lambda w: {"community_id": w.community},
        body=lambda w: {"name": "Renamed in the sweep", "description": ""},
    ),
    Route(
        "communities.add_member",
        PRIVATE,
        "host",
        lambda w: {"community_id": w.community},
        body=lambda w: {"email": w.emails["member"], "role": "door"},
    ),
    Route(
        "communities.remove_member",
        PRIVATE,
        "host",
        lambda w: {"community_id": w.community, "user_id": w.users["door_staff"]},
        cross=lambda w: {"community_id": w.other_community, "user_id": w.users["door_staff"]},
    ),
    Route(
        "communities.hand_over",
        PRIVATE,
        "host",
        lambda w: {"community_id": w.spare_community, "user_id": w.users["co_host"]},
        cross=lambda w: {"community_id": w.other_community, "user_id": w.users["co_host"]},
    ),
    # Refused while the community holds evenings (as the host's does): nothing changes.
    Route("communities.delete", PRIVATE, "host", lambda w: {"community_id": w.community}),
    # The community's hosts (owner and co-hosts): how it is deepening. Not door staff.
    Route("depth.dashboard", PRIVATE, "host", lambda w: {"community_id": w.community}),
    # The community's hosts: who issues its receipts (not door staff).
    Route(
        "receipts.issuer",
        PRIVATE,
        "host",
        lambda w: {"community_id": w.community},
        body=lambda w: {"issuer_name": "Sweep issuer", "issuer_address": "", "invoice_number": "T1234567890123"},
    ),
    # The host's pages for their event.
    Route("receipts.evening", PRIVATE, "host", _recent),
    Route("events.edit", PRIVATE, "host", _recent, body=lambda w: EVENT_FORM),
    Route("events.publish", PRIVATE, "host", lambda w: {"event_id": w.draft}),
    Route("events.cancel", PRIVATE, "host", lambda w: {"event_id": w.upcoming}),
    Route("events.delete", PRIVATE, "host", lambda w: {"event_id": w.draft}),
    Route("events.repeat", PRIVATE, "host", _recent),
    Route("events.dashboard", PRIVATE, "host", _recent),
    Route("events.export_csv", PRIVATE, "host", _recent),
    # The record of a lottery's draw names applicants: the evening's hosts only, not door staff.
    Route("events.draw_record", PRIVATE, "host", _recent),
    Route("events.check_in_page", PRIVATE, "host", _recent),
    Route(
        "events.walk_in",
        PRIVATE,
        "host",
        _recent,
        body=lambda w: {"display_name": "Sweep Walk-in", "industry": "it", "language": "en", "acknowledge": "y"},
    ),
    Route(
        "events.check_in",
        PRIVATE,
        "host",
        lambda w: {"event_id": w.recent, "registration_id": w.attendee_registration},
        cross=lambda w: {"event_id": w.other, "registration_id": w.attendee_registration},
    ),
    Route(
        "events.undo_check_in",
        PRIVATE,
        "host",
        lambda w: {"event_id": w.recent, "registration_id": w.attendee_registration},
        cross=lambda w: {"event_id": w.other, "registration_id": w.attendee_registration},
    ),
    Route(
        "events.check_in_by_code",
        PRIVATE,
        "host",
        _recent,
        body=lambda w: {"code": w.attendee_ticket},
    ),
    Route(
        "events.record_payment",
        PRIVATE,
        "host",
        lambda w: {"event_id": w.recent, "registration_id": w.attendee_registration},
        cross=lambda w: {"event_id": w.other, "registration_id": w.attendee_registration},
        body=lambda w: {"method": "cash"},
    ),
    Route(
        "events.undo_payment",
        PRIVATE,
        "host",
        lambda w: {"event_id": w.recent, "registration_id": w.attendee_registration},
        cross=lambda w: {"event_id": w.other, "registration_id": w.attendee_registration},
    ),
    Route("seating.tables", PRIVATE, "host", _recent),
    Route("seating.version", PRIVATE, "host", lambda w: {"event_id": w.recent, "version": 1}),
    Route("seating.form_tables", PRIVATE, "host", _recent),
    Route("seating.regroup", PRIVATE, "host", _recent),
    Route("seating.publish", PRIVATE, "host", _recent),
    Route(
        "seating.swap",
        PRIVATE,
        "host",
        _recent,
        body=lambda w: {"round": "0", "user_a": w.users["attendee"], "user_b": w.users["tablemate"]},
    ),
    Route(
        "seating.move",
        PRIVATE,
        "host",
        _recent,
        body=lambda w: {"round": "0", "user_id": w.users["attendee"], "table": "0"},
    ),
    Route(
        "seating.lock",
        PRIVATE,
        "host",
        _recent,
        body=lambda w: {"round": "0", "user_id": w.users["attendee"], "locked": "y"},
    ),
    Route("seating.names", PRIVATE, "host", _recent, body=lambda w: {"names-0": "Sakura"}),
    Route("seating.start_round", PRIVATE, "host", _recent, body=lambda w: {"round": "0"}),
    Route("seating.projector", PRIVATE, "host", _recent),
    Route("seating.projector_state", PRIVATE, "host", _recent),
    Route("seating.cards", PRIVATE, "host", _recent),
    Route("seating.name_tags", PRIVATE, "host", _recent),
    Route(
        "events.messages_page",
        PRIVATE,
        "host",
        _recent,
        body=lambda w: {"subject": "Lost property", "body": "A blue umbrella was left behind."},
    ),
    Route("conduct.queue_page", PRIVATE, "host", _recent),
    Route(
        "conduct.confirm_moderation",
        PRIVATE,
        "host",
        lambda w: {"event_id": w.recent, "report_id": w.open_report, "action": "ban"},
        cross=lambda w: {"event_id": w.other, "report_id": w.open_report, "action": "ban"},
    ),
    Route(
        "conduct.moderate",
        PRIVATE,
        "host",
        lambda w: {"event_id": w.recent, "report_id": w.open_report, "action": "warn"},
        body=lambda w: {"note": "Quoted the code of conduct."},
        cross=lambda w: {"event_id": w.other, "report_id": w.open_report, "action": "dismiss"},
    ),
    # An attendee's own view of an evening they were at, and of the people they met.
    Route("events.ticket", PRIVATE, "attendee", lambda w: {"event_id": w.upcoming}),
    Route("seating.my_tables", PRIVATE, "attendee", _recent),
    Route("receipts.attendee_receipt", PRIVATE, "attendee", _recent, body=lambda w: {"addressee": "Sweep 様"}),
    Route("receipts.copy", PRIVATE, "attendee", _recent),
    Route("matching.meet_again", PRIVATE, "attendee", _recent),
    Route("matching.save_choices", PRIVATE, "attendee", _recent, body=lambda w: {"chosen": w.users["tablemate"]}),
    Route("conduct.person", PRIVATE, "attendee", _person("tablemate")),
    Route(
        "conduct.report",
        PRIVATE,
        "attendee",
        _person("tablemate"),
        body=lambda w: {
            "category": "contact-pressure",
            "description": "Kept asking for my LINE.",
            "round": "",
            "table_no": "",
        },
    ),
    Route(
        "conduct.report_message",
        PRIVATE,
        "attendee",
        lambda w: {"token": w.message_token},
        body=lambda w: {"category": "selling", "description": "The message advertised a paid seminar."},
    ),
    Route("conduct.block", PRIVATE, "attendee", _person("tablemate")),
    Route("conduct.unblock", PRIVATE, "attendee", lambda w: {"user_id": w.users["blocked"]}),
    Route(
        "matching.note",
        PRIVATE,
        "attendee",
        lambda w: {"user_id": w.users["tablemate"]},
        body=lambda w: {"text": "Ask about the seminar.", "event_id": w.recent},
    ),
    Route("matching.delete_note", PRIVATE, "attendee", lambda w: {"public_id": w.note}),
    Route("matching.end_match", PRIVATE, "attendee", lambda w: {"public_id": w.match}),
    # The admin area: site admins only.
    Route("admin.index", ADMIN, "admin"),
    Route("admin.users", ADMIN, "admin"),
    Route("admin.events", ADMIN, "admin"),
    Route("admin.reports", ADMIN, "admin"),
    Route("admin.outbox", ADMIN, "admin"),
    Route("admin.outbox_message", ADMIN, "admin", lambda w: {"message_id": w.mail}),
    Route(
        "admin.code_of_conduct",
        ADMIN,
        "admin",
        body=lambda w: {"text_en": "Be kind. No selling.", "text_ja": "親切に。営業禁止。"},
    ),
]
BY_ENDPOINT = {route.endpoint: route for route in ROUTES}


@pytest.fixture(scope="module")
def world(base_app):
    with base_app.app_context():
        try:
            world = build_world()
        finally:
            db.session.remove()  # no transaction of the world's held open while the tests write
    try:
        yield world
    finally:
        with base_app.app_context():
            delete_all_rows()


def rule_of(app, endpoint):
    (rule,) = app.url_map.iter_rules(endpoint)
    return rule


def url(app, route: Route, world: World, args=None) -> str:
    return app.url_map.bind("localhost").build(route.endpoint, args or route.args(world))


def methods(app, route: Route) -> list[str]:
    return [method for method in ("GET", "POST") if method in rule_of(app, route.endpoint).methods]


def client_as(app, world: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        world.login(client, role)
    return client


def send(client, method: str, path: str, body: dict | None = None):
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={**(body or {}), "csrf_token": csrf_token(client, "/")})
    response.close()  # static files are streamed
    return response


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
