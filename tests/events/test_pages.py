"""The event pages through the test client: hosts, attendees, outsiders."""

import csv
import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select, update

from meetup.events.models import CONFIRMED, Event, Registration
from meetup.events.services import events as hosting
from meetup.events.services.registration import cancel_registration
from meetup.events.timezones import to_local
from meetup.extensions import db
from tests.conftest import csrf_token
from tests.events.helpers import mails, statuses


def post(client, path, form_path=None, **data):
    data["csrf_token"] = csrf_token(client, form_path or path)
    return client.post(path, data=data)


def local(moment, event=None):
    return to_local(moment, event.timezone if event else "Asia/Tokyo").strftime("%Y-%m-%dT%H:%M")


def event_form(now, **overrides):
    start = now + timedelta(days=10)
    data = {
        "title": "Creators' evening",
        "theme": "creators",
        "description": "Designers meet writers.",
        "timezone": "Asia/Tokyo",
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=2)),
        "registration_deadline": "",
        "venue": "Nakameguro, Tokyo",
        "area": "13",
        "online_url": "",
        "capacity": "12",
        "fee_yen": "0",
        "table_rule": "size",
        "table_number": "4",
        "rounds": "3",
        "goals": ["learn", "collaborate"],
        "custom_goals": "Show a portfolio piece",
        "meet_again_days": "3",
        "conduct_extra": "",
    }
    data.update(overrides)
    return data


def event_count():
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_host_creates_a_draft_in_tokyo_time_and_publishes_it(client, auth, host, now):
    auth.login(email="host@example.com")
    response = post(client, "/events/new", **event_form(now, starts_at="2031-03-19T19:00", ends_at="2031-03-19T21:30"))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert response.headers["Location"] == f"/events/{event.id}/dashboard"
    assert (event.state, event.host_id, event.theme) == ("draft", host.id, "creators")
    assert event.starts_at.isoformat() == "2031-03-19T10:00:00"  # stored in UTC
    assert event.goals == ["learn", "collaborate", "custom-1"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "19:00–21:30" in page and "Show a portfolio piece" in page

    assert post(client, f"/events/{event.id}/publish", f"/events/{event.id}/dashboard").status_code == 302
    db.session.refresh(event)
    assert event.state == "published"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"starts_at": "2001-01-01T19:00", "ends_at": "2001-01-01T21:00"}, "The start must be in the future."),
        ({"ends_at": "2001-01-01T19:00"}, "The end must be after the start."),
        ({"capacity": "lots"}, "Enter a whole number."),
        ({"capacity": "501"}, "Capacity is between 1 and 500."),
        ({"capacity": "9" * 30}, "That number is too large."),
        ({"table_number": "12"}, "Tables seat 4 to 8 people."),
        ({"table_rule": "count", "table_number": "0"}, "The number of tables is between 1 and 100."),
        ({"table_rule": "both"}, "Choose people per table or a number of tables."),
        ({"table_number": ""}, "Enter a whole number."),
        ({"fee_yen": "-500"}, "The fee is between 0 and 100,000 yen."),
        ({"fee_yen": ""}, "Enter a whole number."),
        ({"rounds": "9"}, "An evening has 1 to 6 rounds."),
        ({"goals": ["learn", "get-rich"]}, "Choose goals from the list."),
        ({"title": "x" * 500}, "At most 120 characters."),
        ({"starts_at": "next tuesday"}, "Enter a date and time."),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list."),
        ({"online_url": "javascript:alert(1)"}, "Enter a full web address starting with https://."),
    ],
)
def test_bad_event_input_gets_a_message_and_creates_nothing(client, auth, host, now, overrides, message):
    auth.login(email="host@example.com")
    response = post(client, "/events/new", **event_form(now, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert event_count() == 0


def test_form_errors_are_in_the_readers_language(client, auth, make_user, now):
    make_user(email="ja@example.com", language="ja")
    auth.login(email="ja@example.com")
    response = post(client, "/events/new", **event_form(now, capacity="lots"))
    assert "整数を入力してください" in response.get_data(as_text=True)


def test_drafts_are_not_found_by_anyone_but_the_host(client, auth, make_event, user):
    draft = make_event(publish=False)
    for path in (f"/events/{draft.id}", f"/events/{draft.id}/event.ics"):
        assert client.get(path).status_code == 404
    auth.login()
    for path in (f"/events/{draft.id}", f"/events/{draft.id}/register", f"/events/{draft.id}/event.ics"):
        assert client.get(path).status_code == 404, path
    assert "Shibuya" not in client.get("/events/").get_data(as_text=True)


def test_host_pages_are_not_found_for_other_members(client, auth, event, user, sign_up_for):
    registration = sign_up_for(event, user)
    auth.login()
    for path in ("dashboard", "edit", "check-in?q=a", "attendees.csv"):
        assert client.get(f"/events/{event.id}/{path}").status_code == 404, path
    token = csrf_token(client, f"/events/{event.id}")
    for path in ("publish", "cancel", "repeat", f"check-in/{registration.id}", f"check-in/{registration.id}/undo"):
        assert client.post(f"/events/{event.id}/{path}", data={"csrf_token": token}).status_code == 404, path
    assert db.session.get(Event, event.id).state == "published"


def test_a_refused_host_action_says_why_and_goes_back(client, auth, event, user, sign_up_for):
    registration = sign_up_for(event, user)
    auth.login(email="host@example.com")
    dashboard = f"/events/{event.id}/dashboard"
    publish = post(client, f"/events/{event.id}/publish", dashboard)
    assert publish.headers["Location"] == dashboard
    assert "Only a draft can be published." in client.get(dashboard).get_data(as_text=True)
    door = f"/events/{event.id}/check-in?q=Tax"
    check_in = post(client, f"/events/{event.id}/check-in/{registration.id}", door, q="Tax")
    assert check_in.headers["Location"] == door
    html = client.get(door).get_data(as_text=True)
    assert "Check-in opens 6 hours before the start." in html and "is checked in" not in html
    assert db.session.get(Registration, registration.id).checked_in_at is None


def test_host_pages_need_a_login(client, event):
    response = client.get(f"/events/{event.id}/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_site_admin_sees_the_dashboard(client, auth, event, make_user):
    admin = make_user(email="admin@example.com")
    admin.is_admin = True
    db.session.commit()
    auth.login(email="admin@example.com")
    assert client.get(f"/events/{event.id}/dashboard").status_code == 200


def test_registering_without_ticking_the_code_of_conduct_is_refused(client, auth, event, user):
    auth.login()
    response = post(client, f"/events/{event.id}/register", goals=["learn"], intro="Hello")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please read the code of conduct and tick the box to accept it." in body
    assert "No selling." in body  # the full text is on the form
    assert statuses(event) == {}


def test_registering_confirms_a_seat_and_shows_the_online_link_only_then(client, auth, make_event, user, now):
    event = make_event(online_url="https://meet.example/room-42")
    auth.login()
    assert "room-42" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    response = post(
        client,
        f"/events/{event.id}/register",
        goals=["learn", "peers"],
        intro="Meet people who are not accountants",
        acknowledge="y",
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Your seat is confirmed." in page and "room-42" in page
    registration = db.session.scalar(select(Registration))
    assert (registration.status, registration.goals) == (CONFIRMED, ["learn", "peers"])


def test_a_full_event_puts_people_on_the_waitlist_and_shows_their_place(
    client, auth, make_event, make_user, user, sign_up_for
):
    event = make_event(capacity=1)
    sign_up_for(event, make_user())
    auth.login()
    assert "Join the waitlist" in client.get(f"/events/{event.id}").get_data(as_text=True)
    response = post(client, f"/events/{event.id}/register", goals=["learn"], acknowledge="y")
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "you are on the waitlist, number 1" in follow
    assert "On the waitlist: number 1" in client.get("/events/mine").get_data(as_text=True)


def test_cancelling_through_the_page_frees_the_seat_for_the_next_person(
    client, auth, make_event, make_user, user, sign_up_for
):
    event = make_event(capacity=1)
    sign_up_for(event, user)
    waiting = sign_up_for(event, make_user())
    auth.login()
    response = post(client, f"/events/{event.id}/cancel-registration", f"/events/{event.id}")
    assert response.status_code == 302
    assert statuses(event)[waiting.user_id] == CONFIRMED
    assert [m.recipient_id for m in mails("registration-promoted")] == [waiting.user_id]


def test_a_changed_code_of_conduct_asks_registered_people_to_accept_it(
    client, auth, event, host, user, sign_up_for, now
):
    from tests.events.helpers import event_details

    sign_up_for(event, user)
    hosting.update_event(
        host,
        event.id,
        event_details(now, starts_at=event.starts_at, conduct_extra="Phones away during rounds."),
        now=now,
    )
    auth.login()
    assert "The code of conduct has changed" in client.get("/events/mine").get_data(as_text=True)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Phones away during rounds." in page and "The code of conduct has changed" in page
    post(client, f"/events/{event.id}/acknowledge", f"/events/{event.id}", acknowledge="y")
    assert "The code of conduct has changed" not in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_the_door_list_stays_empty_until_a_name_is_searched(client, auth, event, make_user, sign_up_for):
    sign_up_for(event, make_user(display_name="Kenji Sato"))
    sign_up_for(event, make_user(display_name="Yuki Suzuki"))
    auth.login(email="host@example.com")
    empty = client.get(f"/events/{event.id}/check-in").get_data(as_text=True)
    assert "Kenji" not in empty and "Yuki" not in empty
    found = client.get(f"/events/{event.id}/check-in?q=kenji").get_data(as_text=True)
    assert "Kenji Sato" in found and "Yuki" not in found
    assert client.get(f"/events/{event.id}/check-in?q=%25").get_data(as_text=True).count("Mark present") == 0


def test_the_host_marks_someone_present_and_undoes_it(client, auth, make_event, make_user, sign_up_for, now):
    event = make_event(starts_at=now + timedelta(hours=1))
    registration = sign_up_for(event, make_user(display_name="Kenji Sato"))
    auth.login(email="host@example.com")
    path = f"/events/{event.id}/check-in/{registration.id}"
    response = post(client, path, f"/events/{event.id}/check-in?q=Kenji", q="Kenji")
    assert response.headers["Location"] == f"/events/{event.id}/check-in?q=Kenji"
    db.session.refresh(registration)
    assert registration.checked_in_at is not None
    assert "Kenji Sato is checked in." in client.get(response.headers["Location"]).get_data(as_text=True)
    post(client, path + "/undo", f"/events/{event.id}/check-in?q=Kenji", q="Kenji")
    db.session.refresh(registration)
    assert registration.checked_in_at is None


def test_the_csv_export_is_excel_friendly_and_in_the_readers_language(client, auth, make_user, event, sign_up_for):
    sign_up_for(event, make_user(display_name="田中 愛子"), intro='=HYPERLINK("http://evil")')
    host = db.session.get(type(event.host), event.host_id)
    host.language = "ja"
    db.session.commit()
    auth.login(email="host@example.com")
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "名前"
    assert rows[1][0] == "田中 愛子"
    assert rows[1][4].startswith("'=")  # never a live formula


def test_the_calendar_file_has_the_event(client, event):
    response = client.get(f"/events/{event.id}/event.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    entry = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(entry["summary"]) == event.title
    assert entry.decoded("dtstart").replace(tzinfo=None) == event.starts_at
    assert "Shibuya Hikarie" in str(entry["location"])


def test_the_list_filters_by_theme(client, make_event):
    make_event(title="Tax and law evening", theme="士業交流会")
    make_event(title="Designers' night", theme="creators")
    page = client.get("/events/?theme=creators").get_data(as_text=True)
    assert "Designers&#39; night" in page and "Tax and law" not in page
    assert "Tax and law evening" in client.get("/events/").get_data(as_text=True)


def test_list_and_dashboard_queries_do_not_grow_with_registrations(
    client, auth, make_event, make_user, sign_up_for, count_queries
):
    event = make_event()
    auth.login(email="host@example.com")

    def measure():
        counts = []
        for path in (
            "/events/",
            f"/events/{event.id}/dashboard",
            f"/events/{event.id}",
            "/events/mine",
            f"/events/{event.id}/check-in?q=Member",
        ):
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
        return counts

    for _ in range(2):
        sign_up_for(event, make_user())
    few = measure()
    for _ in range(10):
        sign_up_for(event, make_user())
    assert measure() == few


def test_garbage_never_gives_a_500(client, auth, event, user):
    auth.login()
    for data in (
        {"goals": ["x" * 5000]},
        {"intro": "x" * 100_000, "acknowledge": "y", "goals": ["learn"]},
        {"goals": "learn", "acknowledge": ""},
    ):
        response = post(client, f"/events/{event.id}/register", **data)
        assert response.status_code == 200
    assert statuses(event) == {}
    assert client.get("/events/?theme=" + "x" * 5000).status_code == 200
    assert client.get(f"/events/{event.id}/check-in?q=" + "x" * 5000).status_code == 404
    assert client.get("/events/99999").status_code == 404
    cancel = post(client, f"/events/{event.id}/cancel-registration", f"/events/{event.id}")
    assert cancel.status_code == 302
    assert "not registered" in client.get(cancel.headers["Location"]).get_data(as_text=True)


def test_only_cancelled_registrations_may_register_again(client, auth, event, user, sign_up_for, now):
    sign_up_for(event, user)
    cancel_registration(user, event.id, now=now)
    auth.login()
    assert client.get(f"/events/{event.id}/register").status_code == 200


def test_the_event_form_takes_one_table_rule_and_shows_the_saved_one_again(client, auth, host, make_event, now):
    event = make_event(table_size=None, table_count=6)
    auth.login(email="host@example.com")
    form = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert '<input checked id="table_rule-1" name="table_rule" type="radio" value="count">' in form
    assert '<input id="table_number" name="table_number" required type="number" value="6">' in form
    edited = event_form(
        now, starts_at=local(event.starts_at, event), ends_at=local(event.ends_at, event), table_number="5"
    )
    assert post(client, f"/events/{event.id}/edit", **edited).status_code == 302
    db.session.refresh(event)
    assert (event.table_size, event.table_count) == (5, None)
    edited["table_rule"] = "count"
    post(client, f"/events/{event.id}/edit", **edited)
    db.session.refresh(event)
    assert (event.table_size, event.table_count) == (None, 5)


def test_the_fee_is_set_on_the_form_and_shown_on_the_event_page(client, auth, host, make_user, now):
    auth.login(email="host@example.com")
    assert post(client, "/events/new", **event_form(now, fee_yen="３０００")).status_code == 302
    event = db.session.scalar(select(Event))
    assert event.fee_yen == 3000
    hosting.publish_event(host, event.id, now=now)
    assert "¥3,000 (tax included), pay at the door" in client.get(f"/events/{event.id}").get_data(as_text=True)
    make_user(email="ja@example.com", language="ja")
    auth.logout()
    auth.login(email="ja@example.com")
    assert "￥3,000（税込・当日受付でお支払い）" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_free_evening_says_so(client, make_event):
    event = make_event()
    assert event.fee_yen == 0
    assert '<dd class="fee">Free</dd>' in client.get(f"/events/{event.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "area, message",
    [
        ("", "Choose the prefecture where the evening takes place, or online."),
        ("48", "There is no such area. Choose a prefecture, or online, from the list."),
        ("<b>13</b>", "There is no such area. Choose a prefecture, or online, from the list."),
    ],
)
def test_a_new_evening_needs_a_known_area(client, auth, host, now, area, message):
    auth.login(email="host@example.com")
    response = post(client, "/events/new", **event_form(now, area=area))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert event_count() == 0


def test_an_evening_from_before_areas_gets_one_when_it_is_next_edited(client, auth, host, make_event, now):
    event = make_event()
    db.session.execute(update(Event).where(Event.id == event.id).values(area=None))
    db.session.commit()
    auth.login(email="host@example.com")
    form = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert '<option selected value="' not in form.split('id="area"')[1].split("</select>")[0]
    data = event_form(now, starts_at=local(event.starts_at, event), ends_at=local(event.ends_at, event), area="")
    response = post(client, f"/events/{event.id}/edit", **data)
    assert "Choose the prefecture where the evening takes place, or online." in response.get_data(as_text=True)
    assert post(client, f"/events/{event.id}/edit", **{**data, "area": "online"}).status_code == 302
    db.session.refresh(event)
    assert event.area == "online"
    host.language = "ja"
    db.session.commit()
    ja = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert '<option selected value="online">オンライン</option>' in ja and '<option value="47">沖縄県</option>' in ja


def test_a_repeated_evening_keeps_its_area(host, make_event, now):
    event = make_event(area="27")
    assert hosting.repeat_event(host, event.id, now=now).event.area == "27"
