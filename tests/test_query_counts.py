"""Query counts: every page takes as many SQL statements for a community of
eight as for one of forty-eight. (How many is a page's own business: the
load benchmark, benchmarks/LOAD.md, tells when one costs too much.)

The same world is built at two sizes (attendees, registrations, waitlist,
published seatings over several rounds, past evenings with their encounters,
matches, private notes, reports, blocks) and every GET route of the app is
rendered at both sizes by the person who can see it. A page whose query
count grows with the data loads something per row (an N+1): slow for a
real evening, and it gets slower every month the community meets.

A new GET route fails ``test_every_get_route_is_measured`` until it is added
to PAGES below.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetup.accounts.services import password_reset, settings, signups
from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import add_member, follow
from meetup.conduct.services import blocks, moderation, reports
from meetup.events.models import LOTTERY
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.lottery import draw
from meetup.events.services.messages import send_message
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from meetup.matching.services.choices import save_choices
from meetup.matching.services.notes import save_note
from meetup.matching.services.reveal import reveal_matches
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests.conftest import PASSWORD, Auth, link_in_mail

SMALL, LARGE = 8, 48
GOALS = ["learn", "peers", "practice-speaking", "collaborate", "share-info"]
INDUSTRIES = ["tax-accountant", "lawyer", "design", "it", "education", "restaurant"]


@dataclass
class World:
    """One community at one size, and who looks at it."""

    size: int
    host: object
    admin: object
    member: object  # came to everything: matches, notes, reports, blocks, tonight's tables
    outsider: object  # has an account, registered for nothing
    people: list  # the community, member first
    past: list  # finished evenings, meet-again window closed and revealed
    recent: object  # finished yesterday: its meet-again window is open
    tonight: object  # starts in an hour: everyone checked in, tables published
    upcoming: object  # next month: full, with a waitlist
    draft: object
    met: object  # someone the member sat with at the first past evening
    reportable: object  # another tablemate of the member there, not reported by them
    open_reported: object  # reported by someone, and the host has not acted yet
    open_report: object  # the report about open_reported, no decision on it yet
    published_version: int = 0
    banned: object = None  # by the host, so not at later evenings (who it is depends on the seating)
    message_token: str = ""  # the member's link to report the host's last message to ``recent``
    drawn: object = None  # a lottery evening everyone applied to, drawn: seats and a waitlist in draw order

    @property
    def last_person(self):
        """The last person who comes to the later evenings."""
        return [person for person in self.people if person is not self.banned][-1]


def _a_co_host(w):
    return next(person for person in w.people[1:3] if person.id % 2)


def _tablemates(event, user_id: int) -> list[int]:
    """Everyone who sat with ``user_id`` at the event's published seating, in seat order."""
    found = []
    for tables in table_queries.grid(table_queries.current_seatings(event.id)[1]):
        for people in tables:
            if user_id in people:
                found += [u for u in people if u != user_id and u not in found]
    return found


def _evening(host, people, start, *, rounds=3, meet_again_days=3, capacity=None, seat=True, check=True):
    """An evening made through the services with the clock at ``start``."""
    then = start - timedelta(days=7)
    event = hosting.create_event(
        host,
        hosting.EventDetails(
            title=f"Mixer at {start:%Y-%m-%d %H:%M}",
            theme="異業種交流会",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity or len(people),
            venue="Shibuya",
            area="13",
            table_size=4,
            rounds=rounds,
            meet_again_days=meet_again_days,
            goals=GOALS,
            online_url="https://meet.example.com/room",
            conduct_extra="Cards at the end of each round.",
        ),
        now=then,
    )
    hosting.publish_event(host, event.id, now=then)
    for n, person in enumerate(people):
        registration = register(
            person,
            event.id,
            goals=GOALS[n % 3 : n % 3 + 2],
            intro=f"Intro {n}",
            acknowledged=True,
            now=then + timedelta(seconds=n),
        )
        if check and registration.status == "confirmed":
            check_in(host, event.id, registration.id, now=max(start - timedelta(minutes=30), then))
    if seat:
        forming.form_tables(host, event.id)
        publishing.publish(host, event.id, now=start)
    return event


def build_world(make_user, now, size: int, tag: str) -> World:
    host = make_user(email=f"{tag}-host@example.com", display_name=f"{tag} Host", industry="sme-consultant")
    admin = make_user(email=f"{tag}-admin@example.com", display_name=f"{tag} Admin")
    settings.make_admin(admin.email)
    outsider = make_user(email=f"{tag}-outsider@example.com", display_name=f"{tag} Outsider")
    people = [
        make_user(
            email=f"{tag}-{n}@example.com", display_name=f"{tag} Person {n}", industry=INDUSTRIES[n % len(INDUSTRIES)]
        )
        for n in range(size)
    ]
    member = people[0]
    by_id = {p.id: p for p in people}
    settings.update_contacts(member, {"email": "member@example.com", "email_shared": True})
    for person in people[1:]:
        settings.update_contacts(
            person,
            {"phone": "090-0000-0000", "phone_shared": True, "website": "https://example.com", "website_shared": True},
        )

    # Past evenings: more of them for the bigger community, so encounters,
    # matches, notes and reports all grow with it.
    past = []
    for k in range(1 if size == SMALL else 3):
        start = now - timedelta(days=60 - 10 * k)
        event = _evening(host, people, start)
        after = event.ends_at + timedelta(hours=12)
        mates = _tablemates(event, member.id)
        save_choices(member, event.id, mates, now=after)  # the member wants to meet everyone again,
        for mate in mates:  # and they all choose the member back
            save_choices(by_id[mate], event.id, [member.id], now=after)
        reveal_matches(event.id, now=event.ends_at + timedelta(days=event.meet_again_days, minutes=1))
        for mate in mates:
            save_note(member, mate, f"Talked about {tag} {mate}", event_id=event.id, now=after)
        past.append(event)

    first = past[0]
    mates = _tablemates(first, member.id)
    met, reportable = by_id[mates[0]], by_id[mates[-1]]
    # Reports at the first evening: the member reports one person per past
    # evening; others report each other, and the host acts on some.
    filed = []
    for event in past:
        other = by_id[_tablemates(event, member.id)[1]]
        filed.append(
            reports.report(
                member,
                event.id,
                other.id,
                category="selling",
                description="Pitched insurance.",
                round_=0,
                table_no=0,
                now=event.ends_at + timedelta(hours=1),
            )
        )
    for n in range(1, size // 4 + 2):
        # One can only report someone one met: the reporter's last tablemate there, never the member.
        reporter = people[n]
        reported = by_id[[u for u in _tablemates(first, reporter.id) if u != member.id][-1]]
        filed.append(
            reports.report(
                reporter,
                first.id,
                reported.id,
                category="harassment",
                description="Kept asking for my LINE.",
                now=first.ends_at + timedelta(hours=2),
            )
        )
    later = first.ends_at + timedelta(days=1)
    moderation.warn(host, first.id, filed[0].id, note="Warned at the door.", now=later)
    moderation.dismiss(host, first.id, filed[-1].id, note="A misunderstanding.", now=later)
    banned = by_id[filed[1].reported_id] if len(filed) > 1 else None
    if banned is not None:
        moderation.ban(host, filed[1].event_id, filed[1].id, note="Second time.", now=now)
    # The member blocks people they met (more in the bigger community).
    blockable = [u for u in _tablemates(past[-1], member.id) if u not in (met.id, reportable.id)]
    for user_id in blockable[: 1 if size == SMALL else 3]:
        blocks.block(member, past[-1].id, user_id, now=now)

    # Who runs the community with the host: more of them in the bigger community.
    for person in people[1 : 3 if size == SMALL else 9]:
        add_member(host, first.community_id, email=person.email, role=CO_HOST if person.id % 2 else DOOR, now=now)

    # Half the community follows it (the member among them).
    for person in people[: size // 2]:
        follow(person, first.community_id, now=now)

    coming = [p for p in people if p is not banned]
    recent = _evening(host, coming, now - timedelta(days=1), meet_again_days=7)
    save_choices(member, recent.id, _tablemates(recent, member.id), now=now)
    # The host wrote to the recent evening's attendees, a message a day (more in the bigger community);
    # someone reported the last one.
    written = 1 if size == SMALL else 5
    for k in range(written):
        when = now - timedelta(days=written - 1 - k)
        send_message(host, recent.id, subject=f"News {k}", body=f"Message {k} to {tag}", now=when)
    message_token = _report_token(member)
    reports.report_message(
        people[1], _report_token(people[1]), category="selling", description="A seminar advert.", now=now
    )
    tonight = _evening(host, coming, now + timedelta(hours=1), capacity=len(coming) - 2)
    upcoming = _evening(host, coming, now + timedelta(days=30), capacity=len(coming) - 3, seat=False, check=False)
    drawn = _drawn_lottery(host, coming, now)
    draft = hosting.create_event(
        host,
        hosting.EventDetails(
            title=f"{tag} next month",
            starts_at=now + timedelta(days=60),
            ends_at=now + timedelta(days=60, hours=2),
            capacity=size,
            area="online",
        ),
        now=now,
    )
    return World(
        size=size,
        host=host,
        admin=admin,
        member=member,
        outsider=outsider,
        people=people,
        past=past,
        recent=recent,
        tonight=tonight,
        upcoming=upcoming,
        draft=draft,
        met=met,
        reportable=reportable,
        open_reported=by_id[filed[2].reported_id],
        open_report=filed[2],
        published_version=table_queries.current_seatings(tonight.id)[1].version,
        banned=banned,
        message_token=message_token,
        drawn=drawn,
    )


def _drawn_lottery(host, people, now):
    """A lottery evening in three weeks that everyone applied to, drawn yesterday."""
    then, start = now - timedelta(days=3), now + timedelta(days=21)
    event = hosting.create_event(
        host,
        hosting.EventDetails(
            title="Lottery evening",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=len(people) // 2,
            venue="Shibuya",
            area="13",
            goals=GOALS,
            admission=LOTTERY,
            draw_at=now - timedelta(days=1),
        ),
        now=then,
    )
    hosting.publish_event(host, event.id, now=then)
    for n, person in enumerate(people):
        register(person, event.id, goals=GOALS[:1], intro="", acknowledged=True, now=then + timedelta(seconds=n))
    draw(event.id, now=now - timedelta(days=1))
    return event


def _report_token(user) -> str:
    """The signed part of the report link in the latest host's message to ``user``."""
    body = db.session.scalar(
        sa.select(OutboxMessage.body)
        .where(OutboxMessage.recipient_id == user.id, OutboxMessage.kind == "host-message")
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return re.search(r"/conduct/messages/([^/\s]+)/report", body).group(1)


def _reset_link(user) -> str:
    password_reset.request_password_reset(user.email)
    return link_in_mail(user.email, "password-reset")


def _address_change_link(user) -> str:
    new_email = f"moved-{user.id}@example.com"
    signups.request_email_change(user, new_email=new_email, password=PASSWORD)
    return link_in_mail(new_email, "account-confirm")


def _last_mail_to(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.max(OutboxMessage.id)).where(OutboxMessage.recipient_email == user.email)
    )


def _unsubscribe_link(user) -> str:
    return f"/mail/unsubscribe/{preferences.unsubscribe_token(user.id, TOPICS['reminders'])}"


# Every GET route: who looks at it, the path in a world, and the status the
# page answers. "shows" picks text only the world's own data puts on the page,
# so a page that renders nothing cannot pass by taking few queries.
@dataclass
class Page:
    viewer: str  # anonymous, member, outsider, host or admin
    path: object  # World -> path
    status: int = 200
    shows: object = None  # World -> text the page must contain


PAGES = {
    "/": Page("anonymous", lambda w: "/"),
    "/healthz": Page("anonymous", lambda w: "/healthz"),
    "/static/<path:filename>": Page("anonymous", lambda w: "/static/app.css"),
    "/login": Page("anonymous", lambda w: "/login"),
    "/signup": Page("anonymous", lambda w: "/signup"),
    "/signup/check-your-mail": Page("anonymous", lambda w: "/signup/check-your-mail"),
    "/confirm-email/<token>": Page("anonymous", lambda w: _address_change_link(w.member), shows=lambda w: "moved"),
    "/password/forgot": Page("anonymous", lambda w: "/password/forgot"),
    "/password/forgot/check-your-mail": Page("anonymous", lambda w: "/password/forgot/check-your-mail"),
    "/password/reset/<token>": Page("anonymous", lambda w: _reset_link(w.member), shows=lambda w: w.member.email),
    "/mail/unsubscribe/<token>": Page("anonymous", lambda w: _unsubscribe_link(w.member), shows=lambda w: "Reminders"),
    "/profile/email": Page("member", lambda w: "/profile/email", shows=lambda w: w.member.email),
    "/profile": Page("member", lambda w: "/profile", shows=lambda w: w.member.display_name),
    "/profile/edit": Page("member", lambda w: "/profile/edit"),
    "/profile/contacts": Page("member", lambda w: "/profile/contacts"),
    "/profile/password": Page("member", lambda w: "/profile/password"),
    "/profile/delete": Page("member", lambda w: "/profile/delete"),
    # Searched with every filter: a count and one page of evenings, however many match.
    "/events/": Page(
        "anonymous",
        lambda w: f"/events/?q=mixer&area=13&from={w.tonight.starts_at:%Y-%m-%d}&theme=異業種交流会",
        shows=lambda w: w.upcoming.title,
    ),
    "/events/new": Page("host", lambda w: "/events/new"),
    "/communities/<int:community_id>": Page(
        "anonymous", lambda w: f"/communities/{w.upcoming.community_id}", shows=lambda w: w.past[0].title
    ),
    "/communities/new": Page("host", lambda w: "/communities/new"),
    "/communities/following": Page(
        "member", lambda w: "/communities/following", shows=lambda w: w.upcoming.community.name
    ),
    # More past evenings and more people in the bigger community: still the same handful of queries.
    "/communities/<int:community_id>/depth": Page(
        "host", lambda w: f"/communities/{w.upcoming.community_id}/depth", shows=lambda w: "chart-pairs"
    ),
    "/communities/<int:community_id>/delete": Page(
        "host", lambda w: f"/communities/{w.upcoming.community_id}/delete", shows=lambda w: "cannot be deleted"
    ),
    "/communities/<int:community_id>/members/<int:user_id>/owner": Page(
        "host",
        lambda w: f"/communities/{w.upcoming.community_id}/members/{_a_co_host(w).id}/owner",
        shows=lambda w: _a_co_host(w).display_name,
    ),
    "/communities/<int:community_id>/issuer": Page(
        "host", lambda w: f"/communities/{w.upcoming.community_id}/issuer", shows=lambda w: w.upcoming.community.name
    ),
    # An attendee's receipt: one registration, one receipt (here: a free evening, so a refusal).
    "/events/<int:event_id>/receipt": Page(
        "member", lambda w: f"/events/{w.tonight.id}/receipt", shows=lambda w: w.tonight.title
    ),
    "/communities/<int:community_id>/edit": Page(
        "host", lambda w: f"/communities/{w.upcoming.community_id}/edit", shows=lambda w: w.people[2].display_name
    ),
    "/events/mine": Page("member", lambda w: "/events/mine", shows=lambda w: w.past[-1].title),
    "/events/hosting": Page("host", lambda w: "/events/hosting", shows=lambda w: w.past[-1].title),
    "/home": Page("member", lambda w: "/home", status=302),
    "/events/<int:event_id>": Page(
        "member", lambda w: f"/events/{w.tonight.id}", shows=lambda w: "You are checked in."
    ),
    "/events/<int:event_id>/event.ics": Page("anonymous", lambda w: f"/events/{w.upcoming.id}/event.ics"),
    "/events/<int:event_id>/register": Page(
        "outsider", lambda w: f"/events/{w.upcoming.id}/register", shows=lambda w: "Join the waitlist"
    ),
    "/events/<int:event_id>/edit": Page("host", lambda w: f"/events/{w.upcoming.id}/edit"),
    "/events/<int:event_id>/cancel-registration": Page(
        "member", lambda w: f"/events/{w.upcoming.id}/cancel-registration", shows=lambda w: w.upcoming.title
    ),
    "/events/<int:event_id>/cancel": Page(
        "host", lambda w: f"/events/{w.upcoming.id}/cancel", shows=lambda w: "each gets a mail"
    ),
    "/events/<int:event_id>/delete": Page(
        "host", lambda w: f"/events/{w.draft.id}/delete", shows=lambda w: w.draft.title
    ),
    "/events/<int:event_id>/dashboard": Page(
        "host", lambda w: f"/events/{w.upcoming.id}/dashboard", shows=lambda w: w.last_person.display_name
    ),
    "/events/<int:event_id>/draw": Page(
        "host", lambda w: f"/events/{w.drawn.id}/draw", shows=lambda w: w.last_person.display_name
    ),
    "/events/<int:event_id>/attendees.csv": Page(
        "host", lambda w: f"/events/{w.upcoming.id}/attendees.csv", shows=lambda w: w.last_person.display_name
    ),
    "/events/<int:event_id>/ticket": Page(
        "member", lambda w: f"/events/{w.tonight.id}/ticket", shows=lambda w: w.member.display_name
    ),
    "/events/<int:event_id>/check-in": Page(
        "host", lambda w: f"/events/{w.tonight.id}/check-in?q=Person", shows=lambda w: w.people[1].display_name
    ),
    "/events/<int:event_id>/walk-in": Page(
        "host", lambda w: f"/events/{w.tonight.id}/walk-in", shows=lambda w: "They have read and accepted"
    ),
    "/events/<int:event_id>/tables": Page(
        "host", lambda w: f"/events/{w.tonight.id}/tables", shows=lambda w: w.member.display_name
    ),
    "/events/<int:event_id>/tables/versions/<int:version>": Page(
        "host",
        lambda w: f"/events/{w.tonight.id}/tables/versions/{w.published_version}",
        shows=lambda w: w.member.display_name,
    ),
    "/events/<int:event_id>/tables/projector": Page(
        "host", lambda w: f"/events/{w.tonight.id}/tables/projector", shows=lambda w: w.member.display_name
    ),
    "/events/<int:event_id>/tables/projector/state": Page(
        "host", lambda w: f"/events/{w.tonight.id}/tables/projector/state", shows=lambda w: '"round"'
    ),
    "/events/<int:event_id>/tables/cards": Page(
        "host", lambda w: f"/events/{w.tonight.id}/tables/cards", shows=lambda w: w.member.display_name
    ),
    "/events/<int:event_id>/tables/name-tags": Page(
        "host", lambda w: f"/events/{w.tonight.id}/tables/name-tags", shows=lambda w: w.member.display_name
    ),
    "/events/<int:event_id>/my-tables": Page(
        "member", lambda w: f"/events/{w.tonight.id}/my-tables", shows=lambda w: "Round 3"
    ),
    "/events/<int:event_id>/meet-again": Page(
        "member", lambda w: f"/events/{w.recent.id}/meet-again", shows=lambda w: "checked"
    ),
    "/events/<int:event_id>/people/<int:user_id>": Page(
        "member", lambda w: f"/events/{w.past[0].id}/people/{w.met.id}", shows=lambda w: w.met.display_name
    ),
    "/events/<int:event_id>/people/<int:user_id>/report": Page(
        "member",
        lambda w: f"/events/{w.past[0].id}/people/{w.reportable.id}/report",
        shows=lambda w: w.reportable.display_name,
    ),
    "/events/<int:event_id>/reports": Page(
        "host", lambda w: f"/events/{w.past[0].id}/reports", shows=lambda w: "Kept asking for my LINE."
    ),
    "/events/<int:event_id>/reports/<int:report_id>/<action>": Page(
        "host",
        lambda w: f"/events/{w.open_report.event_id}/reports/{w.open_report.id}/warn",
        shows=lambda w: w.open_reported.display_name,
    ),
    "/events/<int:event_id>/messages": Page(
        "host", lambda w: f"/events/{w.recent.id}/messages", shows=lambda w: "Message 0 to"
    ),
    "/conduct/messages/<token>/report": Page(
        "member", lambda w: f"/conduct/messages/{w.message_token}/report", shows=lambda w: "Message "
    ),
    "/matches": Page("member", lambda w: "/matches", shows=lambda w: "090-0000-0000"),
    "/people": Page("member", lambda w: "/people", shows=lambda w: "Talked about"),
    "/people/<int:user_id>/note": Page("member", lambda w: f"/people/{w.met.id}/note", shows=lambda w: "Talked about"),
    "/conduct/blocked": Page("member", lambda w: "/conduct/blocked"),
    "/conduct/reports": Page("member", lambda w: "/conduct/reports", shows=lambda w: "Pitched insurance."),
    "/admin/": Page("admin", lambda w: "/admin/", status=302),
    "/admin/users": Page("admin", lambda w: "/admin/users", shows=lambda w: w.last_person.display_name),
    "/admin/events": Page("admin", lambda w: "/admin/events", shows=lambda w: w.draft.title),
    "/admin/reports": Page("admin", lambda w: "/admin/reports", shows=lambda w: w.open_reported.display_name),
    "/admin/code-of-conduct": Page("admin", lambda w: "/admin/code-of-conduct"),
    "/admin/outbox": Page("admin", lambda w: f"/admin/outbox?to={w.member.email}", shows=lambda w: w.member.email),
    "/admin/outbox/<int:message_id>": Page(
        "admin", lambda w: f"/admin/outbox/{_last_mail_to(w.member)}", shows=lambda w: w.member.email
    ),
}


def get_routes(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def test_every_get_route_is_measured(app):
    missing = sorted(get_routes(app) - set(PAGES))
    assert not missing, "\n".join(f"add {rule} to PAGES in the query count test" for rule in missing)
    gone = sorted(set(PAGES) - get_routes(app))
    assert not gone, "\n".join(
        f"{rule} is no longer a GET route: remove it from PAGES in the query count test" for rule in gone
    )


@pytest.fixture
def worlds(app, make_user, now, monkeypatch):
    monkeypatch.setitem(app.config, "GROUPING_TIME_LIMIT", 0.05)  # any valid seating will do here
    return build_world(make_user, now, SMALL, "small"), build_world(make_user, now, LARGE, "large")


@pytest.fixture
def measure(app, count_queries):
    """Open a page as the world's viewer: (response, number of queries)."""
    clients = {}

    def client_for(world, viewer):
        key = (world.size, viewer)
        if key not in clients:
            client = app.test_client()
            if viewer != "anonymous":
                user = getattr(world, viewer)
                assert Auth(client).login(email=user.email).status_code == 302, f"{viewer} cannot log in"
            clients[key] = client
        return clients[key]

    def open_page(world, page: Page):
        """(response, the SQL statements it took)."""
        client = client_for(world, page.viewer)
        path = page.path(world)  # outside the count: the world's objects may need a refresh
        with count_queries() as statements:
            response = client.get(path)
        response.close()  # static files are streamed from an open file
        return response, statements

    return open_page


def test_no_page_takes_more_queries_for_a_bigger_community(worlds, measure):
    problems, seen = [], {}
    for rule, page in PAGES.items():
        counts = []
        for world in worlds:
            response, statements = measure(world, page)
            counts.append(len(statements))
            if response.status_code != page.status:
                problems.append(f"{rule}: answered {response.status_code} at size {world.size}")
            elif page.shows and page.shows(world) not in response.get_data(as_text=True):
                problems.append(f"{rule}: does not show {page.shows(world)!r} at size {world.size}")
        small, large = counts
        seen[rule] = counts
        if large != small:
            problems.append(
                f"{rule}: {small} queries for {SMALL} people, {large} for {LARGE}:\n    "
                + "\n    ".join(" ".join(statement.split())[:150] for statement in statements)
            )
    assert not problems, "\n".join(problems) + "\n\nall counts: " + repr(seen)
