"""The host's decisions on a report: dismiss, warn, ban, lift; each logged
with who and when; only the event's host and site admins may decide."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.accounts.services.settings import make_admin
from meetup.communities import services as communities
from meetup.communities.models import CO_HOST, DOOR
from meetup.conduct.models import ModerationAction
from meetup.conduct.services import moderation
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CANCELLED, CONFIRMED
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.rules.models import Ban
from meetup.rules.queries import current_code
from meetup.rules.services import BannedError
from tests.events.helpers import mails, statuses


@pytest.fixture
def reported(attended, file_report):
    """(event, reporter, reported, report): users[0] reported users[1] for selling."""
    event, users = attended
    return event, users[0], users[1], file_report(event, users[0], users[1], round_=0)


def _log(report):
    return [
        (a.action, a.actor_id, a.note)
        for a in db.session.scalars(
            select(ModerationAction).where(ModerationAction.report_id == report.id).order_by(ModerationAction.id)
        )
    ]


def test_dismiss_closes_an_open_report_and_logs_who(reported, host, now):
    event, _, _, report = reported
    moderation.dismiss(host, event.id, report.id, note="Misunderstanding", now=now)
    assert report.status == "dismissed"
    assert _log(report) == [("dismiss", host.id, "Misunderstanding")]
    with pytest.raises(moderation.ModerationError):
        moderation.dismiss(host, event.id, report.id, now=now)


def test_warn_mails_the_code_of_conduct_and_never_names_the_reporter(reported, host, now):
    event, reporter, person, report = reported
    moderation.warn(host, event.id, report.id, now=now)
    [mail] = mails("conduct-warning")
    assert mail.recipient_id == person.id
    assert "code of conduct" in mail.body.lower() and event.title in mail.subject
    assert current_code().text_en in mail.body  # the code itself is quoted
    for detail in (reporter.display_name, reporter.email, "Zeta", "Round", "Table", "selling or"):
        assert detail not in mail.body and detail not in mail.subject
    assert report.status == "warned"
    with pytest.raises(moderation.ModerationError):
        moderation.warn(host, event.id, report.id, now=now)
    assert len(mails("conduct-warning")) == 1


def test_the_warning_is_in_the_reported_persons_language(reported, host, now):
    event, _, person, report = reported
    person.language = "ja"
    db.session.commit()
    moderation.warn(host, event.id, report.id, now=now)
    [mail] = mails("conduct-warning")
    assert current_code().text_ja in mail.body and current_code().text_en not in mail.body
    assert "行動規範" in mail.subject


def test_ban_refuses_registration_cancels_upcoming_seats_and_promotes_the_waitlist(
    reported, host, make_event, make_user, sign_up_for, now
):
    event, reporter, person, report = reported
    after_the_evening = now + timedelta(hours=4)
    full = make_event(title="Next month", capacity=2)
    waiting = make_user(display_name="Waiting")
    sign_up_for(full, person)
    sign_up_for(full, make_user())
    sign_up_for(full, waiting)
    waitlisted_elsewhere = make_event(title="In two months", capacity=1, starts_at=now + timedelta(days=40))
    sign_up_for(waitlisted_elsewhere, make_user())
    sign_up_for(waitlisted_elsewhere, person)
    other_host = make_user(display_name="Another host")
    theirs = make_event(by=other_host, title="Another host's mixer")
    sign_up_for(theirs, person)

    ban = moderation.ban(host, event.id, report.id, note="Sold insurance at two tables", now=after_the_evening)

    assert (ban.host_id, ban.user_id, ban.created_by_id, ban.report_id) == (host.id, person.id, host.id, report.id)
    assert statuses(full)[person.id] == CANCELLED and statuses(full)[waiting.id] == CONFIRMED
    assert statuses(waitlisted_elsewhere)[person.id] == CANCELLED
    assert statuses(theirs)[person.id] == CONFIRMED  # other hosts are not affected
    assert statuses(event)[person.id] == CONFIRMED  # the evening that happened is not rewritten
    assert [m.kind for m in mails(to=waiting)][-1] == "registration-promoted"
    [mail] = mails("conduct-banned")
    assert mail.recipient_id == person.id and "Next month" in mail.body and "In two months" in mail.body
    assert reporter.display_name not in mail.body
    assert report.status == "banned"
    assert _log(report) == [("ban", host.id, "Sold insurance at two tables")]

    later = make_event(title="Next season")
    with pytest.raises(BannedError) as refused:
        register(person, later.id, goals=["learn"], intro="", acknowledged=True, now=after_the_evening)
    assert "not accepting registrations from you" in str(refused.value.message)
    assert person.id not in statuses(later)


def test_a_second_ban_is_refused_and_lifting_lets_them_register_again(reported, host, make_event, sign_up_for, now):
    event, _, person, report = reported
    moderation.ban(host, event.id, report.id, now=now)
    with pytest.raises(DomainError):
        moderation.ban(host, event.id, report.id, now=now)
    moderation.lift_ban(host, event.id, report.id, note="Apologised", now=now + timedelta(days=1))
    ban = db.session.scalar(select(Ban))
    assert (ban.lifted_at, ban.lifted_by_id) == (now + timedelta(days=1), host.id)
    assert [a for a, *_ in _log(report)] == ["ban", "lift"]
    lifted = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "conduct-ban-lifted")).all()
    assert [m.recipient_id for m in lifted] == [person.id]
    assert host.display_name in lifted[0].body and "welcome" in lifted[0].body
    assert sign_up_for(make_event(title="Welcome back"), person).status == CONFIRMED
    with pytest.raises(moderation.ModerationError):
        moderation.lift_ban(host, event.id, report.id, now=now)
    moderation.ban(host, event.id, report.id, now=now + timedelta(days=2))  # banned again: a new record
    assert db.session.scalar(select(db.func.count()).select_from(Ban)) == 2


def test_only_the_host_and_site_admins_moderate(reported, make_user, now):
    event, reporter, person, report = reported
    for outsider in (reporter, person, make_user()):
        for action in (moderation.dismiss, moderation.warn, moderation.ban, moderation.lift_ban):
            with pytest.raises(NotFoundError):
                action(outsider, event.id, report.id, now=now)
    admin = make_user(email="admin@example.com")
    make_admin("admin@example.com")
    moderation.warn(admin, event.id, report.id, now=now)
    assert _log(report)[0][:2] == ("warn", admin.id)


def test_a_report_is_only_reached_through_its_own_event(reported, host, make_event, now):
    event, _, _, report = reported
    other = make_event()
    with pytest.raises(NotFoundError):
        moderation.dismiss(host, other.id, report.id, now=now)
    with pytest.raises(NotFoundError):
        moderation.dismiss(host, event.id, report.id + 999, now=now)


def test_a_long_note_is_refused(reported, host, now):
    event, _, _, report = reported
    with pytest.raises(DomainError) as refused:
        moderation.dismiss(host, event.id, report.id, note="x" * 501, now=now)
    assert refused.value.field == "note"
    assert report.status == "open"


def test_a_ban_covers_every_evening_of_the_community_whoever_of_its_hosts_made_it(
    reported, host, make_event, make_user, sign_up_for, now
):
    """A co-host's own evening in the community is closed to the banned person too;
    another community's evenings are not, and nobody who runs the community can be banned."""
    event, _, person, report = reported
    co_host = make_user(display_name="Co Host")
    communities.add_member(host, event.community_id, email=co_host.email, role=CO_HOST, now=now)
    theirs = make_event(by=co_host, title="The co-host's evening", community_id=event.community_id)
    sign_up_for(theirs, person)
    elsewhere = make_event(by=make_user(display_name="Another host"), title="Elsewhere")

    ban = moderation.ban(co_host, event.id, report.id, now=now + timedelta(hours=4))

    assert ban.community_id == event.community_id
    assert statuses(theirs)[person.id] == CANCELLED
    with pytest.raises(BannedError):
        register(person, theirs.id, goals=["learn"], intro="", acknowledged=True, now=now + timedelta(hours=5))
    sign_up_for(elsewhere, person)
    assert statuses(elsewhere)[person.id] == CONFIRMED
    [mail] = mails("conduct-banned")
    assert event.community.name in mail.subject and "The co-host's evening" in mail.body


def test_someone_who_runs_the_community_cannot_be_banned_from_it(attended, file_report, host, make_user, now):
    event, users = attended
    communities.add_member(host, event.community_id, email=users[1].email, role=DOOR, now=now)
    report = file_report(event, users[0], users[1], round_=0)
    with pytest.raises(DomainError, match="runs this community"):
        moderation.ban(host, event.id, report.id, now=now)
    assert db.session.scalars(select(Ban)).all() == []
