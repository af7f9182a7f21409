"""Conduct pages through the client: the person card from My tables,
reporting, blocking, My reports, Blocked people, the host's queue, the
polite refusal of a banned person; access, bad input, CSRF and rate limits."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.rules.models import Ban, Block, Match, Report, ordered
from meetup.seating.queries.tables import grid, published_seating
from tests.conduct.conftest import post
from tests.events.helpers import mails
from tests.matching.conftest import shift_event


@pytest.fixture
def after_evening(attended):
    """The attended evening, moved so it is over (it started three hours ago)."""
    event, users = attended
    shift_event(event.id, timedelta(hours=-2))
    return event, users


def _card(event, user):
    return f"/events/{event.id}/people/{user.id}"


def test_my_tables_links_each_tablemate_to_their_card(after_evening, client_for):
    event, users = after_evening
    client = client_for(users[0])
    html = client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)
    assert "Report or block" in html
    card = client.get(_card(event, users[1])).get_data(as_text=True)
    assert users[1].display_name in card and "Report " + users[1].display_name in card
    assert "Block " + users[1].display_name in card


def test_an_attendee_reports_a_tablemate_and_follows_its_status(after_evening, client_for):
    event, users = after_evening
    client = client_for(users[0])
    path = _card(event, users[1]) + "/report"
    form = client.get(path).get_data(as_text=True)
    assert "Selling or soliciting" in form and "Round 2" in form
    response = post(
        client, path, path, category="mlm", description="Invited me to a 'business seminar'.", round="1", table_no=""
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/conduct/reports")
    report = db.session.scalar(select(Report))
    assert (report.category, report.round, report.table_no) == ("mlm", 1, None)
    mine = client.get("/conduct/reports").get_data(as_text=True)
    assert "Waiting for the host" in mine and users[1].display_name in mine
    again = client.get(path)
    assert again.status_code == 302  # one report per person and event


@pytest.mark.parametrize(
    "data, message",
    [
        ({"category": "", "description": "Something happened"}, "Choose what kind of breach it was."),
        ({"category": "theft", "description": "Something happened"}, "Not a valid choice"),
        ({"category": "selling", "description": "   "}, "Please describe what happened."),
        ({"category": "selling", "description": "x" * 2001}, "At most 2000 characters."),
        ({"category": "selling", "description": "ok", "round": "abc"}, "Not a valid choice"),
        ({"category": "selling", "description": "ok", "round": "7"}, "Not a valid choice"),
        ({"category": "selling", "description": "ok", "table_no": "-3"}, "Not a valid choice"),
    ],
)
def test_bad_report_input_is_a_message_and_changes_nothing(after_evening, client_for, data, message):
    event, users = after_evening
    client = client_for(users[0])
    path = _card(event, users[1]) + "/report"
    response = post(client, path, path, **data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Report)) is None


def test_strangers_and_anonymous_visitors_reach_no_card(after_evening, client, client_for, make_user):
    event, users = after_evening
    for path in (_card(event, users[1]), _card(event, users[1]) + "/report"):
        assert client.get(path).status_code == 302  # log in first
    stranger = client_for(make_user(display_name="Stranger"))
    for path in (
        _card(event, users[1]),
        _card(event, users[1]) + "/report",
        _card(event, users[0]),
        f"/events/{event.id}/people/999999",
        f"/events/999999/people/{users[1].id}",
    ):
        assert stranger.get(path).status_code == 404
    own = client_for(users[0])
    assert own.get(_card(event, users[0])).status_code == 404
    assert post(stranger, _card(event, users[1]) + "/block", "/").status_code == 404


def test_block_from_the_card_then_undo_it_on_blocked_people(after_evening, client_for):
    event, users = after_evening
    client = client_for(users[0])
    card = _card(event, users[1])
    response = post(client, card + "/block", card)
    assert response.status_code == 302
    assert "They are not told" in client.get(card).get_data(as_text=True)
    page = client.get("/conduct/blocked").get_data(as_text=True)
    assert users[1].display_name in page
    post(client, f"/conduct/blocked/{users[1].id}/unblock", "/conduct/blocked")
    assert db.session.scalar(select(Block)) is None
    assert users[1].display_name not in client.get("/conduct/blocked").get_data(as_text=True)
    assert post(client, f"/conduct/blocked/{users[1].id}/unblock", "/conduct/blocked").status_code == 404


def test_no_get_changes_anything_and_every_post_needs_csrf(after_evening, client_for):
    event, users = after_evening
    client = client_for(users[0])
    card = _card(event, users[1])
    assert client.get(card + "/block").status_code == 405
    assert client.post(card + "/block").status_code == 400
    assert client.post(card + "/report", data={"category": "selling", "description": "x"}).status_code == 400
    assert db.session.scalar(select(Block)) is None and db.session.scalar(select(Report)) is None


def test_reports_are_rate_limited(after_evening, client_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_LIMIT", "2 per day")
    event, users = after_evening
    client = client_for(users[0])
    statuses = [
        post(
            client, _card(event, users[n]) + "/report", "/", category="selling", description="Pitched his seminar"
        ).status_code
        for n in (1, 2, 3)
    ]
    assert statuses == [302, 302, 429]
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 2


def test_blocks_are_rate_limited(after_evening, client_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "BLOCK_LIMIT", "2 per day")
    event, users = after_evening
    client = client_for(users[0])
    statuses = [post(client, _card(event, users[n]) + "/block", "/").status_code for n in (1, 2, 3)]
    assert statuses == [302, 302, 429]
    assert "For your safety this is paused" in post(client, _card(event, users[4]) + "/block", "/").get_data(
        as_text=True
    )


def test_the_host_works_through_the_queue(after_evening, client_for, host, file_report):
    event, users = after_evening
    report = file_report(event, users[0], users[1])
    client = client_for(host)
    queue = f"/events/{event.id}/reports"
    assert "Reports" in client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    html = client.get(queue).get_data(as_text=True)
    assert users[0].display_name in html and "Zeta Holdings" in html and "Open" in html
    post(client, f"{queue}/{report.id}/warn", queue, note="First time")
    html = client.get(queue).get_data(as_text=True)
    assert "Warning sent" in html and "First time" in html and host.display_name in html
    again = post(client, f"{queue}/{report.id}/warn", queue)
    assert again.headers["Location"] == f"{queue}#report-{report.id}"
    assert "A warning about this report has already been sent." in client.get(queue).get_data(as_text=True)
    post(client, f"{queue}/{report.id}/ban", queue)
    html = client.get(queue).get_data(as_text=True)
    assert "Banned from this community's evenings" in html and "Lift the ban" in html
    post(client, f"{queue}/{report.id}/lift", queue, note="Talked it through")
    html = client.get(queue).get_data(as_text=True)
    assert "Ban lifted" in html and "Talked it through" in html
    assert post(client, f"{queue}/{report.id}/explode", queue).status_code == 404
    long_note = post(client, f"{queue}/{report.id}/dismiss", queue, note="x" * 501)
    assert long_note.status_code == 302
    assert "At most 500 characters." in client.get(queue).get_data(as_text=True)


def test_only_the_host_and_admins_see_the_queue(after_evening, client_for, file_report, make_user):
    event, users = after_evening
    report = file_report(event, users[0], users[1])
    queue = f"/events/{event.id}/reports"
    for person in (users[0], users[1], make_user()):
        client = client_for(person)
        assert client.get(queue).status_code == 404
        assert post(client, f"{queue}/{report.id}/dismiss", "/").status_code == 404
    assert db.session.get(Report, report.id).status == "open"


def test_a_banned_person_is_told_politely_before_and_after_filling_in_the_form(
    after_evening, client_for, host, file_report, make_event, now
):
    event, users = after_evening
    report = file_report(event, users[0], users[1])
    queue = f"/events/{event.id}/reports"
    post(client_for(host), f"{queue}/{report.id}/ban", queue)
    later = make_event(title="Next month")
    client = client_for(users[1])
    path = f"/events/{later.id}/register"
    polite = "the host of this event is not accepting registrations from you"
    assert polite in client.get(path).get_data(as_text=True)
    response = post(client, path, f"/events/{later.id}", goals=["learn"], intro="", acknowledge="y")
    assert response.status_code == 200 and polite in response.get_data(as_text=True)


def test_meet_again_matches_and_people_pages_link_to_the_card(after_evening, client_for, now):
    event, users = after_evening
    me = users[0]
    seating = published_seating(event.id)
    mate_id = next(u for tables in grid(seating) for table in tables if me.id in table for u in table if u != me.id)
    low, high = ordered(me.id, mate_id)
    db.session.add(Match(user_low_id=low, user_high_id=high, event_id=event.id, revealed_at=now))
    db.session.commit()
    client = client_for(me)
    card = f'href="/events/{event.id}/people/{mate_id}"'
    for page in (f"/events/{event.id}/meet-again", "/matches", "/people"):
        assert card in client.get(page).get_data(as_text=True), page
    assert client.get(f"/events/{event.id}/people/{mate_id}").status_code == 200


def test_a_ban_asks_first_and_says_what_it_will_cancel(
    after_evening, client_for, host, file_report, make_event, sign_up_for
):
    event, users = after_evening
    report = file_report(event, users[0], users[1])
    sign_up_for(make_event(title="Next month"), users[1])
    client = client_for(host)
    queue = f"/events/{event.id}/reports"
    assert f'href="{queue}/{report.id}/ban"' in client.get(queue).get_data(as_text=True)
    page = client.get(f"{queue}/{report.id}/ban").get_data(as_text=True)
    assert f"Ban {users[1].display_name}?" in page
    assert "Their registration for 1 upcoming evening of this community is cancelled" in page
    assert db.session.scalar(select(Ban)) is None, "the page alone bans nobody"
    post(client, f"{queue}/{report.id}/ban", queue, note="Second time.")
    assert db.session.scalar(select(Ban)).user_id == users[1].id
    again = client.get(f"{queue}/{report.id}/ban").get_data(as_text=True)
    assert "already banned" in again and "Yes, ban them" not in again


@pytest.mark.parametrize(
    ("language", "refusal", "confirm"),
    [
        ("en", "Someone who runs this community cannot be banned from it.", "Yes, ban them"),
        ("ja", "このコミュニティの運営メンバーを参加禁止にすることはできません。", "はい、参加禁止にします"),
    ],
)
def test_a_ban_of_a_co_host_is_refused_before_anything_is_asked(
    after_evening, client_for, host, file_report, now, language, refusal, confirm
):
    from meetup.communities.models import CO_HOST
    from meetup.communities.services import add_member

    event, users = after_evening
    add_member(host, event.community_id, email=users[1].email, role=CO_HOST, now=now)
    report = file_report(event, users[0], users[1])
    host.language = language
    db.session.commit()
    page = client_for(host).get(f"/events/{event.id}/reports/{report.id}/ban").get_data(as_text=True)
    assert refusal in page and confirm not in page


def test_a_warning_asks_first_and_says_it_names_nobody(after_evening, client_for, host, file_report):
    event, users = after_evening
    report = file_report(event, users[0], users[1])
    client = client_for(host)
    queue = f"/events/{event.id}/reports"
    page = client.get(f"{queue}/{report.id}/warn").get_data(as_text=True)
    assert "It names nobody" in page and 'name="note"' in page
    assert mails("conduct-warning") == []
    post(client, f"{queue}/{report.id}/warn", queue, note="First time")
    assert len(mails("conduct-warning")) == 1
    assert "already been sent" in client.get(f"{queue}/{report.id}/warn").get_data(as_text=True)


def test_only_warnings_and_bans_have_a_confirmation_page(after_evening, client_for, host, file_report):
    event, users = after_evening
    report = file_report(event, users[0], users[1])
    queue = f"/events/{event.id}/reports"
    assert client_for(host).get(f"{queue}/{report.id}/dismiss").status_code == 404
    assert client_for(users[2]).get(f"{queue}/{report.id}/ban").status_code == 404
