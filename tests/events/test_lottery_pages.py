"""The lottery through the pages: the host sets it up on the event form, people
apply from the event page, the page shows applications and the draw time
before the draw and the usual seats after it, and the host's draw record lets
anyone check the order; in both languages."""

import csv
import hashlib
import hmac
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import add_member
from meetup.events.models import LOTTERY, Event, Registration
from meetup.events.services.lottery import draw
from meetup.events.services.registration import cancel_registration
from meetup.extensions import db
from tests.conftest import csrf_token
from tests.events.helpers import mails
from tests.events.test_pages import event_form, local, post

EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}
DRAW_IN = timedelta(days=3)


@pytest.fixture
def lottery(make_event, now):
    return make_event(admission=LOTTERY, draw_at=now + DRAW_IN, capacity=2)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(client, path, headers=EN) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return text(response.get_data(as_text=True))


def apply(client, event):
    path = f"/events/{event.id}/register"
    return client.post(
        path,
        data={"goals": ["learn"], "intro": "", "acknowledge": "y", "csrf_token": csrf_token(client, path)},
        headers=EN,
    )


def test_a_host_sets_up_a_lottery_with_its_draw_time_in_the_events_zone(client, auth, host, now):
    auth.login(email="host@example.com")
    start = now + timedelta(days=10)
    form = event_form(now, admission="lottery", draw_at=local(start - timedelta(days=2)))
    assert post(client, "/events/new", **form).status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.admission, event.draw_at) == (LOTTERY, start.replace(second=0, microsecond=0) - timedelta(days=2))
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="{local(event.draw_at)}"' in edit
    assert re.search(r'<input checked[^>]*value="lottery"', edit)


@pytest.mark.parametrize(
    "headers, change, message",
    [
        (EN, {"draw_at": ""}, "Set the time of the draw: a lottery takes applications until then."),
        (JA, {"draw_at": ""}, "抽選日時を入力してください。"),
        (EN, {"draw_at": "2001-01-01T10:00"}, "The draw must be in the future."),
        (JA, {"draw_at": "2001-01-01T10:00"}, "抽選日時は未来の日時にしてください。"),
        (EN, {"draw_at": "after"}, "The draw must be at or before the registration deadline."),
        (JA, {"draw_at": "after"}, "抽選日時は登録締切と同じか、それより前にしてください。"),
        (EN, {"admission": "raffle"}, "Choose first come or a lottery."),
        (EN, {"draw_at": "soon-ish"}, "Enter a date and time."),
    ],
)
def test_a_lottery_without_a_sensible_draw_time_is_refused_in_words(client, auth, host, now, headers, change, message):
    auth.login(email="host@example.com")
    form = event_form(now, **{"admission": "lottery", **change})
    if form.get("draw_at") == "after":
        form["draw_at"] = local(now + timedelta(days=10, hours=1))
    data = {**form, "csrf_token": csrf_token(client, "/events/new")}
    response = client.post("/events/new", data=data, headers=headers)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Event)) is None


def test_the_way_seats_are_given_is_kept_once_someone_applied(client, auth, lottery, user, sign_up_for, now):
    sign_up_for(lottery, user)
    auth.login(email="host@example.com")
    path = f"/events/{lottery.id}/edit"
    form = event_form(
        now,
        title=lottery.title,
        starts_at=local(lottery.starts_at),
        ends_at=local(lottery.ends_at),
        admission="first-come",
    )
    for headers, message in (
        (EN, "People have already registered or applied, so the way seats are given can no longer change."),
        (JA, "すでに登録または応募があるため、席の決め方は変更できません。"),
    ):
        response = client.post(path, data={**form, "csrf_token": csrf_token(client, path)}, headers=headers)
        assert message in response.get_data(as_text=True)
    assert db.session.get(Event, lottery.id).admission == LOTTERY


def test_before_the_draw_the_page_shows_applications_and_the_draw_time(client, auth, lottery, make_user, sign_up_for):
    sign_up_for(lottery, make_user())
    html = page(client, f"/events/{lottery.id}")
    assert "Lottery: 1 application so far; the draw is at" in html and "(JST)" in html
    assert "Log in to apply" in html and "seats left" not in html
    html = page(client, f"/events/{lottery.id}", JA)
    assert "抽選：現在の応募は1件、抽選は" in html and "(日本時間)" in html


def test_a_member_applies_and_withdraws_before_the_draw(client, auth, lottery, user):
    auth.login()
    form = page(client, f"/events/{lottery.id}/register")
    assert "Seats at this evening are given by lottery." in form and "Apply" in form
    response = apply(client, lottery)
    assert response.status_code == 302
    html = page(client, response.headers["Location"])
    assert "Your application is in. We will write to you with the result of the draw." in html
    assert "You applied. Seats are given by lottery: the draw is at" in html
    assert "Withdraw my application…" in html
    assert "Lottery: 1 application so far" in html
    assert mails("lottery-applied", to=user)
    assert "applied to the lottery, so there is no ticket yet" in page(client, f"/events/{lottery.id}/ticket")
    assert "Applied: the draw is at" in page(client, "/events/mine")

    confirm = page(client, f"/events/{lottery.id}/cancel-registration")
    assert "Withdraw your application?" in confirm and "you will not be in the draw" in confirm
    path = f"/events/{lottery.id}/cancel-registration"
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert "Lottery: 0 applications so far" in page(client, f"/events/{lottery.id}")


def test_after_the_draw_the_page_shows_the_usual_seats(client, lottery, make_user, sign_up_for, now):
    for _ in range(3):
        sign_up_for(lottery, make_user())
    draw(lottery.id, now=now + DRAW_IN)
    html = page(client, f"/events/{lottery.id}")
    assert "Lottery:" not in html and "Full" in html and "1 on the waitlist" in html


def test_the_host_sees_applicants_on_the_dashboard_and_in_the_csv(client, auth, lottery, user, sign_up_for):
    sign_up_for(lottery, user)
    auth.login(email="host@example.com")
    dashboard = page(client, f"/events/{lottery.id}/dashboard")
    assert "Applied (lottery)" in dashboard and "Lottery draw" in dashboard
    assert "応募済み（抽選）" in page(client, f"/events/{lottery.id}/dashboard", JA)
    body = client.get(f"/events/{lottery.id}/attendees.csv").get_data().decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert "Applied (lottery)" in row.values()


def test_the_draw_record_shows_the_seed_and_an_order_anyone_can_check(
    client, auth, lottery, host, make_user, sign_up_for, now
):
    people = [make_user() for _ in range(4)]
    for person in people:
        sign_up_for(lottery, person)
    auth.login(email="host@example.com")
    before = page(client, f"/events/{lottery.id}/draw")
    assert "4 applications so far" in before and "nobody, not even you, can know the order" in before
    draw(lottery.id, now=now + DRAW_IN)
    event = db.session.get(Event, lottery.id)
    html = page(client, f"/events/{lottery.id}/draw")
    assert event.draw_seed in html and "HMAC-SHA256" in html
    # Checked as the page says: the entry numbers sorted by their keyed hash.
    rows = re.findall(
        r"<td data-label=\"Position\"><strong>(\d+)</strong></td>\s*<td data-label=\"Entry number\">(\d+)</td>",
        client.get(f"/events/{lottery.id}/draw").get_data(as_text=True),
    )
    entries = [int(entry) for _position, entry in rows]
    seed = bytes.fromhex(event.draw_seed)
    assert sorted(entries, key=lambda e: hmac.new(seed, str(e).encode(), hashlib.sha256).hexdigest()) == entries
    assert [int(position) for position, _entry in rows] == [1, 2, 3, 4]
    assert "シード" in page(client, f"/events/{lottery.id}/draw", JA)


def test_the_draw_record_keeps_what_the_draw_gave_after_a_seat_is_given_up(
    client, auth, lottery, make_user, sign_up_for, now
):
    people = [make_user() for _ in range(3)]
    for person in people:
        sign_up_for(lottery, person)
    draw(lottery.id, now=now + DRAW_IN)
    first = db.session.scalar(select(Registration).where(Registration.draw_position == 1))
    cancel_registration(first.user, lottery.id, now=now + DRAW_IN + timedelta(hours=1))
    auth.login(email="host@example.com")
    html = client.get(f"/events/{lottery.id}/draw", headers=EN).get_data(as_text=True)
    assert "Seats given at the draw 2" in text(html)
    rows = re.findall(r'<td data-label="At the draw">([^<]+)</td>\s*<td data-label="Now">\s*([^<]+?)\s*</td>', html)
    # The first drawn gave up their seat, which went to the third: the record still says who the draw seated.
    assert rows == [("Seat", "Cancelled"), ("Seat", "Seat"), ("Waitlist", "Seat")]
    ja = page(client, f"/events/{lottery.id}/draw", JA)
    assert "抽選で決まった席数 2" in ja and "抽選時" in ja


def test_a_co_host_sees_the_draw_record_and_door_staff_do_not(client, auth, lottery, host, make_user, now):
    co_host, door = make_user(email="co@example.com"), make_user(email="door@example.com")
    add_member(host, lottery.community_id, email=co_host.email, role=CO_HOST, now=now)
    add_member(host, lottery.community_id, email=door.email, role=DOOR, now=now)
    auth.login(email="co@example.com")
    assert client.get(f"/events/{lottery.id}/draw").status_code == 200
    auth.logout()
    auth.login(email="door@example.com")
    assert client.get(f"/events/{lottery.id}/draw").status_code == 404


def test_the_events_list_says_a_lottery_is_drawn_rather_than_counting_free_seats(client, lottery):
    html = page(client, "/events/")
    assert "Lottery: the draw is at" in html and "(JST)" in html
    assert "抽選：抽選は" in page(client, "/events/", JA)
