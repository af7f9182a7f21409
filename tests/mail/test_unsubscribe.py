"""The one-click link at the foot of optional mail: its page asks, its POST
(the page's button, or a mail client's RFC 8058 one-click request, with no
cookie and no CSRF token) turns the one topic off. A link that is tampered
with, cut short, made for something else or too old, or whose account is
gone, gets a clear page and changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup import tokens
from meetup.extensions import db
from meetup.mail.models import MailOptOut
from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from meetup.privacy.services import delete_account
from tests import clock
from tests.conftest import PASSWORD
from tests.test_security import _tampered

ONE_CLICK = {"List-Unsubscribe": "One-Click"}  # the body RFC 8058 has mail clients POST


def link(user, topic="reminders") -> str:
    """The path of the one-click link a mail of ``topic`` carries."""
    return f"/mail/unsubscribe/{preferences.unsubscribe_token(user.id, TOPICS[topic])}"


def opt_outs() -> list[tuple[int, str]]:
    return list(db.session.execute(select(MailOptOut.user_id, MailOptOut.topic).order_by(MailOptOut.topic)))


def test_opening_the_link_asks_and_changes_nothing(client, user):
    response = client.get(link(user))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Turn off “Reminders” mail?" in page
    assert "A reminder the day before an evening you have a seat at." in page
    assert "Mail about your registrations, your account and your matches always goes." in page
    assert opt_outs() == []


def test_one_click_without_cookie_or_csrf_token_turns_only_that_topic_off(app, user, make_user):
    other = make_user()
    mail_client = app.test_client(use_cookies=False)
    response = mail_client.post(link(user, "meet-again"), data=ONE_CLICK)
    assert response.status_code == 200
    assert "You will no longer get “Meet-again prompts” mail." in response.get_data(as_text=True)
    assert opt_outs() == [(user.id, "meet-again")]
    assert preferences.topics_off(other.id) == set()


def test_the_pages_button_turns_it_off_and_again_changes_nothing(client, user):
    assert '<form method="post">' in client.get(link(user)).get_data(as_text=True)  # back to the link itself
    for _ in range(2):
        response = client.post(link(user), data={})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "You will no longer get “Reminders” mail." in page
        assert "You can turn it back on in your profile." in page
    assert opt_outs() == [(user.id, "reminders")]


def test_many_one_click_requests_from_one_address_all_go_through(app, make_user):
    """A mail provider posts everyone's one-click requests from few addresses: no rate limit turns it away."""
    mail_client = app.test_client(use_cookies=False)
    people = [make_user() for _ in range(12)]
    for person in people:
        assert mail_client.post(link(person), data=ONE_CLICK).status_code == 200
    assert len(opt_outs()) == len(people)


def _bad_links(user):
    good = preferences.unsubscribe_token(user.id, TOPICS["reminders"])
    reset = tokens.make(tokens.RESET_PASSWORD, {"u": user.id, "p": tokens.password_fingerprint(user.password_hash)})
    return {
        "tampered": _tampered(good),
        "truncated": good[:-6],
        "payload only": good.split(".")[0],
        "another purpose": reset,
        "a topic that does not exist": tokens.make(tokens.UNSUBSCRIBE, {"u": user.id, "t": "everything"}),
        "no user": tokens.make(tokens.UNSUBSCRIBE, {"t": "reminders"}),
        "not a token": "hello",
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_bad_link_gets_a_clear_page_and_changes_nothing(app, user, method):
    mail_client = app.test_client(use_cookies=False)
    for case, token in _bad_links(user).items():
        response = mail_client.open(f"/mail/unsubscribe/{token}", method=method, data=ONE_CLICK)
        page = response.get_data(as_text=True)
        assert response.status_code == 404, case
        assert "This link does not work" in page, case
        assert "nothing was changed" in page, case
    assert opt_outs() == []


def test_a_link_older_than_a_year_no_longer_works(app, user, now):
    path = link(user)
    clock.move_to(now + timedelta(days=364))
    assert app.test_client().get(path).status_code == 200  # kept mail still works months later
    clock.move_to(now + timedelta(days=366))
    for method in ("GET", "POST"):
        response = app.test_client(use_cookies=False).open(path, method=method, data=ONE_CLICK)
        assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)
    assert opt_outs() == []


def test_a_link_of_a_deleted_account_changes_nothing(app, user, now):
    path = link(user)
    delete_account(user, password=PASSWORD, now=now)
    for method in ("GET", "POST"):
        response = app.test_client(use_cookies=False).open(path, method=method, data=ONE_CLICK)
        assert response.status_code == 404
    assert opt_outs() == []


def test_a_bad_link_answers_in_the_browsers_language(app, user):
    response = app.test_client().post("/mail/unsubscribe/hello", headers={"Accept-Language": "ja"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "このリンクは使えません" in page and "設定は変更していません" in page


def test_the_page_is_in_the_language_the_mail_was_in(app, make_user):
    person = make_user(language="ja")
    client = app.test_client()
    page = client.get(link(person), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "「リマインダー」のメールを停止しますか？" in page
    page = client.post(link(person)).get_data(as_text=True)
    assert "今後「リマインダー」のメールはお送りしません。" in page
