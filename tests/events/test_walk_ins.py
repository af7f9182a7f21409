"""Walk-ins at the door (service level): a new person, someone with an
account, someone with a seat already, a full evening, and the account a
walk-in claims later through a mailed link."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.accounts.services import credentials, password_reset, signups
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CONFIRMED, WAITLISTED, Registration
from meetup.events.queries.events import counts
from meetup.events.services.checkin import check_in
from meetup.events.services.walkins import AlreadyHereError, WalkInError, add_walk_in
from meetup.extensions import db
from meetup.mail.services.sender import send_pending
from meetup.rules.models import Ban
from meetup.rules.queries import has_acknowledged_current
from tests.conftest import PASSWORD, csrf_token
from tests.events.helpers import mails

NEW_PASSWORD = "lantern harbour violet sketch"


@pytest.fixture
def door_open(event):
    return event.starts_at - timedelta(minutes=30)


@pytest.fixture
def walk_in(host, door_open):
    """Add a walk-in to ``event`` as its host, with sensible answers."""

    def add(event, *, at=None, **answers):
        values = {"display_name": "森 花", "name_reading": "もり はな", "industry": "design", "acknowledged": True}
        values.update(answers)
        return add_walk_in(host, event.id, now=at or door_open, **values)

    return add


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def registration_count(event) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(Registration.event_id == event.id))


def test_a_new_person_gets_an_account_a_seat_and_is_checked_in_at_once(event, walk_in, door_open):
    result = walk_in(event, email=" Hana.Mori@Example.com ")
    registration, person = result.registration, result.registration.user
    assert result.new_account
    assert (registration.status, registration.checked_in_at) == (CONFIRMED, door_open)
    assert registration.walk_in and not registration.beyond_capacity
    assert (person.display_name, person.name_reading, person.industry) == ("森 花", "モリ ハナ", "design")
    assert person.email == "hana.mori@example.com"
    assert not person.has_password and person.email_confirmed_at is None
    # The host ticked the code of conduct for them: it is on record, as for anyone registered.
    assert has_acknowledged_current(person.id, event)
    assert [m.kind for m in mails(to=person)] == ["account-claim"]
    assert counts(event.id).checked_in == 1


def test_an_address_with_an_account_links_the_walk_in_to_it(event, walk_in, make_user):
    aiko = make_user(email="aiko@example.com", display_name="Aiko Tanaka", industry="tax-accountant")
    before = user_count()
    result = walk_in(event, display_name="Aiko T.", industry="it", email="AIKO@example.com")
    assert not result.new_account
    assert result.registration.user is aiko and result.registration.walk_in
    assert user_count() == before  # no second account
    assert (aiko.display_name, aiko.industry, aiko.has_password) == ("Aiko Tanaka", "tax-accountant", True)
    # Told by mail: nobody is added to an evening behind their back.
    assert [m.kind for m in mails(to=aiko)] == ["registration-walk-in"]


def test_someone_with_a_seat_already_is_not_doubled_but_offered_check_in(
    event, walk_in, user, sign_up_for, host, door_open
):
    registration = sign_up_for(event, user)
    with pytest.raises(AlreadyHereError, match="Aiko Tanaka already has a seat") as refused:
        walk_in(event, email=user.email)
    assert (refused.value.registration_id, refused.value.checked_in) == (registration.id, False)
    assert registration_count(event) == 1 and not registration.walk_in
    check_in(host, event.id, registration.id, now=door_open)
    with pytest.raises(AlreadyHereError) as refused:
        walk_in(event, email=user.email)
    assert refused.value.checked_in


def test_a_full_evening_takes_a_walk_in_only_when_the_host_says_so(make_event, walk_in, user, sign_up_for):
    event = make_event(capacity=1)
    sign_up_for(event, user)
    users = user_count()
    with pytest.raises(WalkInError, match="The evening is full: 1 of 1 seats are taken") as refused:
        walk_in(event, at=event.starts_at, email="hana@example.com")
    assert refused.value.field == "beyond_capacity"
    assert (user_count(), registration_count(event)) == (users, 1)  # nothing made, no mail
    assert not mails(kind="account-claim")

    seated = walk_in(event, at=event.starts_at, email="hana@example.com", beyond_capacity=True).registration
    assert seated.beyond_capacity and seated.walk_in and seated.status == CONFIRMED
    assert counts(event.id).confirmed == 2


def test_someone_waiting_for_a_seat_is_seated_from_the_waitlist(make_event, walk_in, make_user, sign_up_for):
    event = make_event(capacity=1)
    sign_up_for(event, make_user())
    waiting = sign_up_for(event, make_user(email="ken@example.com"))
    assert waiting.status == WAITLISTED
    result = walk_in(event, at=event.starts_at, email="ken@example.com", beyond_capacity=True)
    assert result.registration is waiting and registration_count(event) == 2
    assert (waiting.status, waiting.checked_in_at, waiting.beyond_capacity) == (CONFIRMED, event.starts_at, True)


def test_without_an_address_they_are_seated_with_an_account_nobody_can_log_into(event, walk_in):
    result = walk_in(event, email="")
    person = result.registration.user
    assert result.new_account and result.registration.checked_in_at is not None
    assert person.email is None and not person.has_password and person.is_active
    assert not mails()  # nobody to write to


def test_an_unclaimed_account_cannot_log_in(event, walk_in, client):
    walk_in(event, email="hana@example.com")
    db.session.commit()
    for attempt in ("", "!", PASSWORD, NEW_PASSWORD):
        assert credentials.authenticate("hana@example.com", attempt) is None
    response = client.post(
        "/login",
        data={"email": "hana@example.com", "password": "!", "csrf_token": csrf_token(client, "/login")},
    )
    assert "That email and password do not match an account." in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # still logged out


def test_the_claim_link_arrives_by_smtp_sets_a_password_and_logs_them_in(
    event, walk_in, client, smtp_server, door_open
):
    person = walk_in(event, email="hana@example.com", language="ja").registration.user
    db.session.commit()
    assert send_pending() == (1, 0, 0)
    [message] = smtp_server.messages
    assert message["To"] == "hana@example.com"
    assert event.title in message["Subject"] and "アカウント" in message["Subject"]  # in the language chosen
    link = urlsplit(re.search(r"https?://\S+/password/reset/\S+", message.get_content()).group(0)).path

    page = client.get(link).get_data(as_text=True)
    assert "アカウントのパスワードを決める" in page or "Choose a password for your account" in page
    response = client.post(link, data={"password": NEW_PASSWORD, "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.has_password and person.email_confirmed_at is not None
    assert "森 花" in client.get("/profile").get_data(as_text=True)  # logged in as them
    # Their evening is theirs: the event page knows them as checked in.
    assert client.get(f"/events/{event.id}").status_code == 200
    assert credentials.authenticate("hana@example.com", NEW_PASSWORD) is person
    # The link worked once.
    assert client.get(link).status_code == 302


def test_a_claim_link_lasts_thirty_days_then_forgot_password_takes_over(event, walk_in, now):
    person = walk_in(event, email="hana@example.com").registration.user
    token = signups.claim_url(person).rsplit("/", 1)[1]  # signed now, by the suite's clock
    assert password_reset.user_for_reset(token, now=now + timedelta(days=29)) is person
    with pytest.raises(DomainError, match="expired"):
        password_reset.user_for_reset(token, now=now + timedelta(days=31))
    # The ordinary reset mail reaches an unclaimed account too.
    password_reset.request_password_reset("hana@example.com")
    assert [m.kind for m in mails(to=person)] == ["account-claim", "password-reset"]


def test_the_door_rules_apply_to_walk_ins(make_event, walk_in, now):
    draft = make_event(publish=False)
    with pytest.raises(WalkInError, match="only possible for a published event"):
        walk_in(draft, at=draft.starts_at)
    event = make_event()
    users = user_count()
    with pytest.raises(WalkInError, match="opens 6 hours before the start"):
        walk_in(event, at=now, email="early@example.com")
    assert user_count() == users and registration_count(event) == 0


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"display_name": "  "}, "display_name"),
        ({"name_reading": "Mori"}, "name_reading"),
        ({"industry": "astrology"}, "industry"),
        ({"acknowledged": False}, "acknowledge"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(event, walk_in, answers, field):
    users = user_count()
    with pytest.raises(DomainError) as refused:
        walk_in(event, email="hana@example.com", **answers)
    assert refused.value.field == field
    assert (user_count(), registration_count(event)) == (users, 0)
    assert not mails()


def test_only_the_host_or_an_admin_adds_walk_ins(event, user, door_open):
    with pytest.raises(NotFoundError):
        add_walk_in(user, event.id, display_name="X", industry="it", acknowledged=True, now=door_open)
    assert registration_count(event) == 0


def test_someone_the_host_banned_is_not_let_in_as_a_walk_in(event, walk_in, host, user, now):
    db.session.add(
        Ban(community_id=event.community_id, host_id=host.id, user_id=user.id, created_at=now, created_by_id=host.id)
    )
    db.session.commit()
    with pytest.raises(WalkInError, match="banned from this community's evenings"):
        walk_in(event, email=user.email)
    assert registration_count(event) == 0
