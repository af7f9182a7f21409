"""The site admin area: admins only (everyone else 404), users with a
search, events, open reports across hosts, publishing a new code of conduct."""

import pytest
from sqlalchemy import select

from meetup.accounts.services.settings import make_admin
from meetup.conduct.services import reports
from meetup.events.queries.events import registration_of
from meetup.events.services.checkin import CheckInError, check_in
from meetup.extensions import db
from meetup.rules.models import CodeOfConduct
from meetup.rules.queries import current_code, has_acknowledged_current
from meetup.seating.services import forming, publishing
from tests.conftest import csrf_token
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (shared fixtures)
from tests.seating.conftest import evening  # noqa: F401

PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users?q=a",
    "/admin/events",
    "/admin/reports",
    "/admin/outbox",
    "/admin/code-of-conduct",
]


def test_everyone_but_admins_gets_404(client, auth, make_user):
    for path in PAGES:
        assert client.get(path).status_code == 404
    make_user(email="member@example.com")
    auth.login(email="member@example.com")
    for path in PAGES:
        assert client.get(path).status_code == 404
    response = client.post(
        "/admin/code-of-conduct",
        data={"text_en": "Anything goes.", "text_ja": "何でもあり。", "csrf_token": csrf_token(client, "/")},
    )
    assert response.status_code == 404
    assert current_code().version == 1


def test_admin_finds_users_by_name_or_email(client, admin, make_user):
    make_user(email="kenji@example.com", display_name="Kenji Watanabe")
    make_user(email="yui@example.com", display_name="Yui Kobayashi")
    html = client.get("/admin/users?q=watanabe").get_data(as_text=True)
    assert "Kenji Watanabe" in html and "Yui Kobayashi" not in html
    html = client.get("/admin/users?q=yui@").get_data(as_text=True)
    assert "Yui Kobayashi" in html and "Kenji Watanabe" not in html
    assert "No users match." in client.get("/admin/users?q=%25_").get_data(as_text=True)
    assert client.get("/admin/users?q=" + "x" * 5000).status_code == 200


def test_admin_sees_every_hosts_events_and_open_reports(client, admin, evening, make_event, make_user, host, now):
    other_host = make_user(display_name="Other Host")
    make_event(by=other_host, title="Designers' evening")
    event, users = evening(people=4, rounds=1)  # one table
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    reports.report(
        users[0], event.id, users[1].id, category="mlm", description="Business opportunity talk", now=event.ends_at
    )
    html = client.get("/admin/events").get_data(as_text=True)
    assert "Designers&#39; evening" in html and event.title.replace("'", "&#39;") in html
    html = client.get("/admin/reports").get_data(as_text=True)
    assert users[1].display_name in html and "MLM" in html and f"/events/{event.id}/reports" in html
    # An admin works the host's queue too.
    assert client.get(f"/events/{event.id}/reports").status_code == 200


def test_publishing_a_new_code_requires_everyone_to_accept_it_again(client, admin, evening, host, now):
    event, users = evening(people=2, rounds=1, checked_in=False)
    assert has_acknowledged_current(users[0].id, event)
    form = client.get("/admin/code-of-conduct").get_data(as_text=True)
    assert current_code().text_en.splitlines()[0] in form
    response = client.post(
        "/admin/code-of-conduct",
        data={
            "text_en": "Version two: no selling, no recruiting.",
            "text_ja": "第2版：販売・勧誘の禁止。",
            "csrf_token": csrf_token(client, "/admin/code-of-conduct"),
        },
    )
    assert response.status_code == 302
    code = current_code()
    assert (code.version, code.published_by_id) == (2, admin.id)
    assert not has_acknowledged_current(users[0].id, event)
    with pytest.raises(CheckInError):
        check_in(host, event.id, registration_of(users[0].id, event.id).id, now=now)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text_en": "", "text_ja": "本文"}, "Write the code of conduct in English."),
        ({"text_en": "Text", "text_ja": "   "}, "Write the code of conduct in Japanese."),
        ({"text_en": "x" * 20001, "text_ja": "本文"}, "At most 20000 characters."),
    ],
)
def test_bad_code_input_is_a_message_and_publishes_nothing(client, admin, data, message):
    response = client.post("/admin/code-of-conduct", data={**data, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(CodeOfConduct)) == 1


def test_publishing_the_same_text_again_is_refused(client, admin):
    code = current_code()
    response = client.post(
        "/admin/code-of-conduct",
        data={  # as a browser sends a textarea: CRLF
            "text_en": code.text_en.replace("\n", "\r\n"),
            "text_ja": code.text_ja.replace("\n", "\r\n"),
            "csrf_token": csrf_token(client, "/"),
        },
    )
    assert "Nothing changed" in response.get_data(as_text=True)
    assert current_code().version == 1


def test_the_header_links_admins_to_the_admin_area(client, admin):
    assert 'href="/admin/reports"' in client.get("/").get_data(as_text=True)
