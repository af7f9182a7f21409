"""The evening's rounds through the test client: the host starts each round
from the tables page, the projector shows the round under way and for how
long, regrouping says which rounds it kept, and an edit that breaks
something asks first on a confirmation page."""

import re
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from meetup.extensions import db
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests import clock
from tests.conftest import csrf_token

FLASH_RE = re.compile(r'<p class="flash (\w+)"[^>]*>(.*?)</p>', re.S)


def post(client, path, page, **data):
    data["csrf_token"] = csrf_token(client, page)
    return client.post(path, data=data)


def flashes(client, page):
    return FLASH_RE.findall(client.get(page).get_data(as_text=True))


@pytest.fixture
def published_evening(evening, host, now, client, auth):
    """Factory: published tables, the host logged in in ``language``; returns (event, users, tables page)."""

    def make(language="en", **options):
        event, users = evening(**options)
        host.language = language
        forming.form_tables(host, event.id)
        publishing.publish(host, event.id, now=now)
        auth.login(email="host@example.com")
        return event, users, f"/events/{event.id}/tables"

    return make


@pytest.mark.parametrize(
    "language, texts",
    [
        ("en", ["Round 1 starts now.", "Round 1 of 2 started at {time}", "Start round 2 now", "12 min"]),
        ("ja", ["ラウンド1を開始しました。", "ラウンド1/2 {time}開始", "ラウンド2を今すぐ開始", "12分経過"]),
    ],
)
def test_the_host_starts_a_round_and_the_projector_shows_it_with_its_minutes(
    client, published_evening, language, texts
):
    started, started_at, start_next, minutes = texts
    event, users, page = published_evening(language, people=8, rounds=2)
    projector = f"/events/{event.id}/tables/projector"
    html = client.get(projector).get_data(as_text=True)
    assert 'aria-current="page">1<' in html and "data-started-at" not in html  # round 1 before any start
    assert client.get(f"{projector}/state").get_json()["round"] is None

    assert post(client, f"/events/{event.id}/tables/rounds/start", page, round=0).status_code == 302
    assert flashes(client, page) == [("success", started)]
    clock_state = table_queries.round_clock(event.id)
    clock.move_to(clock_state.started_at + timedelta(minutes=12, seconds=30))
    html = client.get(page).get_data(as_text=True)
    # The start as the room's wall clock shows it, whatever instant the suite runs at.
    local = clock_state.started_at.replace(tzinfo=UTC).astimezone(ZoneInfo(event.timezone))
    assert started_at.format(time=local.strftime("%H:%M")) in html
    assert start_next in html and minutes in html

    post(client, f"/events/{event.id}/tables/rounds/start", page, round=1)
    html = client.get(projector).get_data(as_text=True)  # no ?round=: the round under way
    assert 'aria-current="page">2<' in html and "data-started-at" in html
    state = client.get(f"{projector}/state").get_json()
    assert state == {
        "round": 2,
        "started_at": table_queries.round_clock(event.id).started_at.isoformat() + "Z",
        "seating": table_queries.current_seatings(event.id)[1].version,
    }
    assert 'aria-current="page">1<' in client.get(f"{projector}?round=1").get_data(as_text=True)


def test_starting_rounds_refuses_what_cannot_be_done_with_a_message(client, auth, evening, host):
    event, _ = evening(people=8, rounds=2)
    forming.form_tables(host, event.id)
    auth.login(email="host@example.com")
    page = f"/events/{event.id}/tables"
    assert "Publish the tables to start the rounds" in client.get(page).get_data(as_text=True)
    for data, message in (
        ({"round": 0}, "Publish the tables first: the room follows the published tables."),
        ({"round": "x"}, "Choose a round to start."),
    ):
        assert post(client, f"/events/{event.id}/tables/rounds/start", page, **data).status_code == 302
        assert flashes(client, page) == [("error", message)]
    assert table_queries.round_clock(event.id).current is None


@pytest.mark.parametrize(
    "language, kept",
    [
        ("en", "Rounds 1–2 have started: nobody seated there moves. Round 3 is regrouped."),
        ("ja", "ラウンド1〜2は開始済みのため、そこに座っている人は動きません。ラウンド3を組み直しました。"),
    ],
)
def test_regrouping_says_which_rounds_it_kept(client, published_evening, host, now, language, kept):
    event, _, page = published_evening(language, people=8, rounds=3)
    publishing.start_round(host, event.id, 1, now=now)
    post(client, f"/events/{event.id}/tables/regroup", page)
    assert flashes(client, page) == [("success", kept)]


@pytest.mark.parametrize(
    "language, asked, consequence, done",
    [
        (
            "en",
            "Make this change in round 1?",
            "Round 1 has started: people are already sitting at these tables.",
            "Swapped.",
        ),
        (
            "ja",
            "ラウンド1でこの変更をしますか？",
            "ラウンド1は開始済みです。すでにこの席に座っている人がいます。",
            "入れ替えました。",
        ),
    ],
)
def test_a_swap_in_a_started_round_asks_on_a_confirmation_page_then_applies(
    client, published_evening, host, now, language, asked, consequence, done
):
    event, _, page = published_evening(language, people=8, rounds=1)
    publishing.start_round(host, event.id, 0, now=now)
    [table_a, table_b] = table_queries.grid(table_queries.current_seatings(event.id)[1])[0]
    swap = f"/events/{event.id}/tables/swap"
    response = post(client, swap, page, round=0, user_a=table_a[0], user_b=table_b[0])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and asked in html and consequence in html
    assert table_queries.current_seatings(event.id)[0] is None  # nothing changed yet
    form = html.split(f'action="{swap}"')[1].split("</form>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    assert hidden.pop("csrf_token") and hidden == {
        "round": "0",
        "user_a": str(table_a[0]),
        "user_b": str(table_b[0]),
        "confirmed": "y",
    }
    assert client.post(swap, data={**hidden, "csrf_token": csrf_token(client, page)}).status_code == 302
    assert flashes(client, page) == [("success", done)]
    db.session.expire_all()
    draft = table_queries.current_seatings(event.id)[0]
    assert table_a[0] in table_queries.grid(draft)[0][1]
